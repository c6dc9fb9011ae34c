// A worker process's operations listener (adapters/README.md#operations-listener), on only when
// GW_WORKER_METRICS_PORT is set: a worker takes no traffic, so it listened on nothing, and nothing
// could scrape its metrics or tell a stuck worker from a working one. Three unsigned GETs, as a
// gateway's (gateway/README.md#operations-endpoints):
//   /metrics  its own registry (gateway/metrics/worker-metrics.ts), unless GW_METRICS_ENABLED=false;
//   /healthz  the process is up;
//   /readyz   its Redis answers a PING within GW_REDIS_COMMAND_TIMEOUT_MS, its catalogue's last
//             reload succeeded and it is not stopping, else 503 with the reason: the gateway's
//             own answer (gateway/health/readiness.ts: status, checks.redis, checks.catalogue).
// Plain node:http: three fixed answers need no routing, signing or body parsing. startWorkers
// starts it once its workers run, and its stop closes it last, so /readyz answers 503 while the
// workers drain and the final counts can still be scraped.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { readiness, type ReadinessDeps } from '../gateway/health/readiness.ts';
import { listen } from '../gateway/http/http-server.ts';
import type { Logger } from '../gateway/shared/logger.ts';

/**
 * redis: the connection the delivery jobs' own reads and writes use; lifecycle: draining once the
 * process is stopping; catalogueStatus: the published catalogue it follows.
 */
export interface WorkerOperationsDeps extends Pick<
  ReadinessDeps,
  'redis' | 'lifecycle' | 'pingTimeoutMs' | 'catalogueStatus'
> {
  /** The registry /metrics serves; none: /metrics is 404 (GW_METRICS_ENABLED=false). */
  registry: Registry | undefined;
  log: Logger;
}

export interface WorkerOperations {
  /** The port it listens on (the one asked for, or the one given for 0 in tests). */
  port: number;
  close: () => Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

const json = (status: number, body: object, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function answer(path: string, deps: WorkerOperationsDeps): Promise<Answer> {
  switch (path) {
    case '/healthz':
      return json(200, { status: 'ok' });
    case '/readyz': {
      const ready = await readiness(deps);
      return json(ready.status, ready.body, ready.headers);
    }
    case '/metrics':
      if (!deps.registry) break;
      return {
        status: 200,
        headers: { 'Content-Type': deps.registry.contentType },
        body: await deps.registry.metrics(),
      };
  }
  return json(404, { status: 'not-found' });
}

export async function startWorkerOperations(
  port: number,
  host: string,
  deps: WorkerOperationsDeps,
): Promise<WorkerOperations> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    const pending: Promise<Answer> =
      method === 'GET' || method === 'HEAD'
        ? answer(path, deps)
        : Promise.resolve(json(405, { status: 'method-not-allowed' }, { Allow: 'GET, HEAD' }));
    pending
      .catch((error: unknown) => {
        deps.log.error({ err: error, path }, 'operations listener failed to answer');
        return json(500, { status: 'error' });
      })
      .then(({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(body);
      })
      .catch(() => undefined);
  });
  const bound = await listen(server, port, host);
  deps.log.info({ port: bound, host }, 'operations listener started');
  return {
    port: bound,
    close: async () => {
      // Node 19+ closes idle keep-alive connections on close(); an answer under way finishes.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      deps.log.info({ port: bound }, 'operations listener closed');
    },
  };
}
