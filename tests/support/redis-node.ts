// What the test supports that start Redis servers of their own (redis-cluster.ts,
// redis-sentinel.ts) ask of one node while they build or watch it: a command on a short-lived
// connection that never retries, and a bounded poll that names what it waited for.
import { Redis } from 'ioredis';

/** One command to the node on `port`, on a short-lived connection: its raw answer. */
export async function nodeCommand(port: number, ...args: (string | number)[]): Promise<unknown> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.call(String(args[0]), ...args.slice(1));
  } finally {
    redis.disconnect();
  }
}

/** check() until it gives a value; past `timeoutMs`, an error naming `what` and the last failure. */
export async function pollNodes<T>(
  label: string,
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`${label}: timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
