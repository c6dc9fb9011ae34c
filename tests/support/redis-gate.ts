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
  /**
   * From now on, on the first connection that sends a command containing `pattern`, count the
   * commands it sends after that one (RESP arrays, however the writes split them). With `lose`, let
   * the `lose`-th through and cut that connection once Redis answers, as loseAnswerToNext does;
   * without, only count. Resolves, once cut (or, counting, never), and `counted` says how many.
   */
  countAfter: (pattern: string, lose?: number) => { cut: Promise<void>; counted: () => number };
  /** Stops what loseAnswerToNext or countAfter armed and nothing met. */
  disarm: () => void;
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
  let counting:
    | {
        pattern: string;
        lose: number | undefined;
        count: number;
        cut: () => void;
        /** The connection that sent the pattern: the one counted. */
        on?: Socket;
      }
    | undefined;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    /** Set once this connection's next answer is to be lost: then called instead of passing it. */
    let cutOnAnswer: (() => void) | undefined;
    /** Counts the commands this connection sends, from its first byte, so it never loses step. */
    const commands = commandCounter();
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1').toLowerCase();
      const at = counting && !counting.on ? text.indexOf(counting.pattern) : -1;
      if (counting?.on === client) counting.count += commands(chunk);
      else if (at >= 0) {
        // The commands after the one that names the pattern: that one began before it.
        counting!.on = client;
        commands(chunk.subarray(0, at));
        counting!.count += commands(chunk.subarray(at));
      } else commands(chunk);
      if (
        counting?.on === client &&
        counting.lose !== undefined &&
        counting.count >= counting.lose
      ) {
        if (!cutOnAnswer) cutOnAnswer = counting.cut;
        counting = undefined;
      }
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
    countAfter: (pattern, lose) => {
      let resolve = () => undefined as void;
      const cut = new Promise<void>((r) => (resolve = r));
      const armed = { pattern: pattern.toLowerCase(), lose, count: 0, cut: () => resolve() };
      counting = armed;
      return { cut, counted: () => armed.count };
    },
    disarm: () => {
      losing = undefined;
      counting = undefined;
    },
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

/**
 * Counts the commands (RESP arrays of bulk strings, as clients send them) in a connection's bytes,
 * fed as they come: a command split across writes is counted once, when its first byte comes.
 */
function commandCounter(): (bytes: Buffer) => number {
  let header = ''; // an unfinished `*n` or `$n` line
  let inArray = 0; // bulk strings left in the current command
  let bulk = -1; // bytes (with CRLF) left in the current bulk string; -1 when none
  return (bytes) => {
    let started = 0;
    for (let i = 0; i < bytes.length;) {
      if (bulk >= 0) {
        const take = Math.min(bulk, bytes.length - i);
        bulk -= take;
        i += take;
        if (bulk === 0) {
          bulk = -1;
          inArray--;
        }
        continue;
      }
      const c = bytes[i++]!;
      if (c !== 0x0a) {
        header += String.fromCharCode(c);
        continue;
      }
      const line = header.replace(/\r$/, '');
      header = '';
      if (line.startsWith('*') && inArray === 0) {
        inArray = Number(line.slice(1));
        started++;
      } else if (line.startsWith('$')) bulk = Number(line.slice(1)) + 2;
    }
    return started;
  };
}
