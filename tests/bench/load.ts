// The load generator: autocannon, programmatic, in the bench's own process, against a server in a
// child process. Every request is signed afresh in setupRequest (autocannon rebuilds the request
// each time a request has a setupRequest hook): a new nonce and timestamp, a new Idempotency-Key,
// the same body bytes. Signing is client-side cost, paid identically for the gateway and the
// baseline. Latencies are taken from autocannon's 'response' events as floats (its own histogram
// keeps whole milliseconds and, with a rate, adds a synthetic coordinated-omission correction).
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { signRequest, type ClientCredentials } from '../../gateway/client/gateway-client.ts';

export interface LoadSpec {
  url: string;
  credentials: ClientCredentials;
  /** The exact body bytes sent with every request. */
  body: string;
  connections: number;
  durationSec: number;
  /** autocannon overallRate: requests per second over all connections; unset = as fast as possible. */
  overallRate?: number;
}

export interface LoadResult {
  requestsPerSec: number;
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationSec: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** CPU time per completed request, microseconds (user + system), filled in by the caller. */
  cpuUsPerRequest?: { server: number; redis?: number; loadGenerator: number };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

export async function signedLoad(spec: LoadSpec): Promise<LoadResult> {
  const path = '/v1/cases';
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  // Without a callback autocannon returns its tracker (an EventEmitter) made thenable; the typings
  // only know the promise.
  const tracker = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationSec,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => ({
          ...request,
          method: 'POST',
          path,
          body: spec.body,
          headers: {
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
            ...signRequest(spec.credentials, { method: 'POST', url: path, body: spec.body }),
          },
        }),
      },
    ],
  }) as unknown as EventEmitter;
  const done = tracker as unknown as Promise<autocannon.Result>;
  tracker.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const started = performance.now();
  const result = await done;
  const durationSec = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, count]) => n + count, 0);
  return {
    requestsPerSec: ok / durationSec,
    ok,
    non2xx: latencies.length - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationSec,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN,
    },
  };
}
