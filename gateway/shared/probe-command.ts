// One command to one server on a short-lived connection of its own that never retries, held to
// `timeoutMs` for its connection and its answer: a start's questions beside its real connections
// (which Sentinel knows the master, what a cluster's seeds announce), asked without waiting out
// their reconnecting.
import { Redis, type RedisOptions } from 'ioredis';

export interface ProbeTarget {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  /** The probed client's own (ioredis 6.1.0 also takes a TLS profile's name there). */
  tls?: RedisOptions['tls'];
}

/** The server's answer; rejects when it cannot be reached, refuses, or is slower than timeoutMs. */
export async function probeCommand(
  target: ProbeTarget,
  timeoutMs: number,
  name: string,
  ...args: string[]
): Promise<unknown> {
  const { host, port, username, password, tls } = target;
  const probe = new Redis({
    host,
    port,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return await probe.call(name, ...args);
  } finally {
    probe.disconnect();
  }
}
