// Watching a promise or a client without awaiting it: what a test asserts about a command that
// may still be waiting, or a connection that may not have ended yet. And starts made side by side.
import type { EventEmitter } from 'node:events';

/** How a promise ended, once it has: `resolved <value>` or `rejected <message>`, else undefined. */
export function outcome(promise: Promise<unknown>): () => string | undefined {
  let settled: string | undefined;
  promise.then(
    (value) => (settled = `resolved ${String(value)}`),
    (error: Error) => (settled = `rejected ${error.message}`),
  );
  return () => settled;
}

/** Whether the client (a Redis connection or Cluster) has emitted 'end' since this call. */
export function ending(client: EventEmitter): () => boolean {
  let ended = false;
  client.once('end', () => (ended = true));
  return () => ended;
}

/**
 * Waits for every start (a browser, a gateway: each mostly waits, so they run side by side), then
 * throws the first failure. None is left running unseen: each assigns what it started as it
 * resolves, and the file's afterAll closes what did start.
 */
export async function allStarted(starts: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
