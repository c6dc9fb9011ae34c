// A TCP pass-through in front of the test Redis that can hold a client's next command of a kind
// (say the next EVALSHA) and everything that client sends after it, until the test releases it.
// Tests use it to force one interleaving of two processes' reads and writes — the order in which a
// read-then-write race loses an update — instead of hoping a stress run hits it.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface RedisGate {
  /** redis:// URL of the gate. */
  url: string;
  /** From now on, hold the first command whose text contains `pattern` (case-insensitive). */
  holdNext: (pattern: string) => void;
  /** True while something is held. */
  holding: () => boolean;
  /** Sends what was held, in order, and stops holding. */
  release: () => void;
  close: () => Promise<void>;
}

export async function startRedisGate(redisUrl: string): Promise<RedisGate> {
  const { hostname, port } = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let armed: string | undefined;
  let held: { upstream: Socket; chunk: Buffer }[] | undefined;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      if (!held && armed && chunk.toString('latin1').toLowerCase().includes(armed)) {
        armed = undefined;
        held = [];
      }
      if (held) held.push({ upstream, chunk });
      else upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${bound}`,
    holdNext: (pattern) => {
      armed = pattern.toLowerCase();
    },
    holding: () => (held?.length ?? 0) > 0,
    release: () => {
      const queued = held ?? [];
      held = undefined;
      armed = undefined;
      for (const { upstream, chunk } of queued) upstream.write(chunk);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
