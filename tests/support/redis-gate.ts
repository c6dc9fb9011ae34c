// A TCP pass-through in front of the test Redis that can hold a client's next command of a kind
// (say the next EVALSHA) and everything that client sends after it, until the test releases it.
// Tests use it to force one interleaving of two processes' reads and writes — the order in which a
// read-then-write race loses an update — instead of hoping a stress run hits it. It can also lose
// the answer to a client's next command of a kind and cut that client's connection, as a Redis
// stopped with SIGTERM does to the commands of its last turn: they are applied (and written to the
// AOF), never answered (README.md#redis-durability). And it can cut every connection through it, as
// a Redis that restarts does, so its clients reconnect.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface RedisGate {
  /** redis:// URL of the gate. */
  url: string;
  /**
   * From now on, hold the first command whose text contains `pattern` (case-insensitive); with
   * `after`, the first such command sent after one whose text contains `after` (a step's first
   * command that looks like an earlier step's: the INFO of a later connection's ready check).
   * Patterns that name a command are best given in its wire form (`*1\r\n$4\r\ninfo\r\n`): a
   * command's name alone also matches the data of others (the catalogue's seed holds "info").
   */
  holdNext: (pattern: string, after?: string) => void;
  /** True while something is held. */
  holding: () => boolean;
  /** Sends what was held, in order, and stops holding. */
  release: () => void;
  /**
   * From now on, let the first command whose text contains `pattern` (case-insensitive) through,
   * with whatever its client sent in the same write, and once Redis answers (it has applied them)
   * cut that client's connection instead of passing the answer on. Resolves once it has cut. The
   * client's next connection passes everything.
   */
  loseAnswerToNext: (pattern: string) => Promise<void>;
  /** Closes every connection through the gate; it still accepts new ones. */
  cut: () => void;
  /** Closes every connection and stops accepting: its clients find nothing on the port. */
  close: () => Promise<void>;
}

export async function startRedisGate(redisUrl: string): Promise<RedisGate> {
  const { hostname, port } = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let armed: string | undefined;
  /** Set by holdNext's `after`: `armed` counts once a command containing it has passed. */
  let armedAfter: string | undefined;
  let held: { upstream: Socket; chunk: Buffer }[] | undefined;
  let losing: { pattern: string; cut: () => void } | undefined;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    /** Set once this connection's next answer is to be lost: then called instead of passing it. */
    let cutOnAnswer: (() => void) | undefined;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1').toLowerCase();
      if (armedAfter) {
        if (text.includes(armedAfter)) armedAfter = undefined;
      } else if (!held && armed && text.includes(armed)) {
        armed = undefined;
        held = [];
      }
      if (!cutOnAnswer && losing && text.includes(losing.pattern)) {
        cutOnAnswer = losing.cut;
        losing = undefined;
      }
      if (held) held.push({ upstream, chunk });
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutOnAnswer) {
        client.write(chunk);
        return;
      }
      client.destroy();
      cutOnAnswer();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${bound}`,
    holdNext: (pattern, after) => {
      armed = pattern.toLowerCase();
      armedAfter = after?.toLowerCase();
    },
    holding: () => (held?.length ?? 0) > 0,
    release: () => {
      const queued = held ?? [];
      held = undefined;
      armed = undefined;
      armedAfter = undefined;
      for (const { upstream, chunk } of queued) upstream.write(chunk);
    },
    loseAnswerToNext: (pattern) =>
      new Promise<void>((cut) => {
        losing = { pattern: pattern.toLowerCase(), cut };
      }),
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
