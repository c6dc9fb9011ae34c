// A paced, open-loop load generator, beside autocannon's overallRate. autocannon paces per
// connection per second: each connection sends its share of the second's quota back to back as
// soon as the second starts, then waits for the next one, so a "1 000 req/s" run is really bursts
// at full speed and its latencies are those of a saturated server. Here requests leave on an even
// schedule (every 1/rate s, whatever came back), over a keep-alive pool, and each latency is
// measured from the moment the request was due (so queueing in the pool counts: no coordinated
// omission). Same signing, same body; by default a signed POST /v1/cases, or `route`'s request
// (young-gc.ts compares what routes leave alive: a GET is sent with no body, a public one unsigned).
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import { percentile, type LoadResult, type LoadSpec } from './load.ts';

export interface PacedRoute {
  method: 'GET' | 'POST';
  path: string;
  signed: boolean;
}

const CASES: PacedRoute = { method: 'POST', path: '/v1/cases', signed: true };

export async function pacedLoad(
  spec: Omit<LoadSpec, 'overallRate' | 'connections'> & {
    rate: number;
    maxSockets?: number;
    /** What is requested; the default is the bench's case, a signed POST /v1/cases with `body`. */
    route?: PacedRoute;
    /** The path of the n-th request (0-based), instead of the route's: events.ts, one case each. */
    pathOf?: (n: number) => string;
    /** Told each accepted case id and when its 202 arrived (epoch ms, sub-millisecond). */
    onAccepted?: (caseId: string, atMs: number) => void;
  },
): Promise<LoadResult> {
  const { method, path: routePath, signed } = spec.route ?? CASES;
  const body = method === 'POST' ? spec.body : undefined;
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.maxSockets ?? 64 });
  const total = Math.round(spec.rate * spec.durationSec);
  const intervalMs = 1000 / spec.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let finished = 0;
  let sent = 0;
  const started = performance.now();

  await new Promise<void>((resolve) => {
    const done = () => {
      finished++;
      if (finished === total) resolve();
    };
    const fire = (dueAt: number, n: number) => {
      const path = spec.pathOf?.(n) ?? routePath;
      const headers = {
        ...(body === undefined
          ? {}
          : {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
              'idempotency-key': randomUUID(),
            }),
        ...(signed ? signRequest(spec.credentials, { method, url: path, body: body ?? '' }) : {}),
      };
      const req = request(
        { host: url.hostname, port: url.port, path, method, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          if (spec.onAccepted) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () => {
            const at = performance.now();
            latencies.push(at - dueAt);
            if (spec.onAccepted && res.statusCode === 202) {
              const { caseId } = JSON.parse(Buffer.concat(chunks).toString()) as { caseId: string };
              spec.onAccepted(caseId, performance.timeOrigin + at);
            }
            const code = String(res.statusCode ?? 0);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            done();
          });
        },
      );
      req.on('error', () => {
        errors++;
        done();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        fire(started + sent * intervalMs, sent);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  const durationSec = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, count]) => n + count, 0);
  return {
    requestsPerSec: ok / durationSec,
    ok,
    non2xx: latencies.length - ok,
    errors,
    timeouts: 0,
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
