// Prometheus metrics (gateway/README.md#operations-endpoints). One prom-client Registry per app
// instance, never the global default: two apps in one process (tests, or gateway + worker under
// `npm start`) would otherwise share counters, and registering a metric name twice on one registry
// throws.
import type { Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { routesFor } from '../http/api-route.ts';
import { locals } from '../http/request-context.ts';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series, e.g. { process: 'gateway' }. */
  defaultLabels?: Record<string, string>;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Times every request that passes it; mount it before the routes it should see. */
  readonly observeRequests: RequestHandler;
  /**
   * Counts one accepted case (`gw_cases_submitted_total{item, adapter}`). Call it once the case is
   * stored and queued; a joint case counts once per child, with the child's adapter.
   */
  caseSubmitted(item: string, adapter: string): void;
  /**
   * Counts one acknowledged write (a submission, an event, a rating, an operator action) answered
   * 503 because fewer replicas than GW_REDIS_WAIT_REPLICAS had it in time
   * (`gw_replicas_behind_total`, README.md#replicas): the alert that a replica is gone.
   */
  replicasBehind(): void;
  /** Counts one request refused past GW_MAX_IN_FLIGHT (`gw_http_requests_shed_total`). */
  requestShed(): void;
  /** Sets the requests being worked on now (`gw_http_requests_in_flight`). */
  requestsInFlight(count: number): void;
  /**
   * Counts one request of a client whose secret is rotating, by the secret that verified it
   * (`gw_client_secret_matches_total{client, secret="current"|"previous"}`): once `previous`
   * stops growing on every gateway, the old secret can be dropped. Clients without a previous
   * secret are not counted, so the series are as few as the rotations in progress.
   */
  secretMatched(client: string, secret: 'current' | 'previous'): void;
}

export const HTTP_DURATION = 'gw_http_request_duration_seconds';
export const CASES_SUBMITTED = 'gw_cases_submitted_total';
export const REPLICAS_BEHIND = 'gw_replicas_behind_total';
export const REQUESTS_SHED = 'gw_http_requests_shed_total';
export const REQUESTS_IN_FLIGHT = 'gw_http_requests_in_flight';
export const SECRET_MATCHES = 'gw_client_secret_matches_total';
/** The route label of requests no route matched (404s to arbitrary paths share one series). */
export const UNMATCHED_ROUTE = 'unmatched';
/**
 * The route label of requests load shedding refused before any route saw them (503
 * GW_OVERLOADED): under `unmatched` an overload read as a flood of unknown paths on a dashboard.
 */
export const SHED_ROUTE = 'shed';
// nginx's "client closed request": the response never finished, so it has no real status.
const CLIENT_CLOSED = '499';

/**
 * The express route pattern (`/v1/cases/:caseId`), never the raw path: case ids in a label would
 * create one series per case and exhaust Prometheus. express sets req.route when a route matches
 * and leaves it set while the response is written.
 */
export function routeLabel(req: Request, res: Response): string {
  if (locals(res).shed) return SHED_ROUTE;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  // router.get(['/a', '/b'], …) registers one route with both patterns.
  if (Array.isArray(path)) return `${req.baseUrl}${path.join('|')}`;
  return UNMATCHED_ROUTE;
}

export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: HTTP_DURATION,
    help: 'HTTP request duration in seconds, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const submitted = new Counter({
    name: CASES_SUBMITTED,
    help: 'Cases accepted (stored and queued), by item code and adapter',
    labelNames: ['item', 'adapter'] as const,
    registers: [registry],
  });

  const behind = new Counter({
    name: REPLICAS_BEHIND,
    help: 'Writes (submissions, events, ratings, operator actions) answered 503 because fewer replicas than GW_REDIS_WAIT_REPLICAS acknowledged them in time',
    registers: [registry],
  });

  const shed = new Counter({
    name: REQUESTS_SHED,
    help: 'Requests answered 503 GW_OVERLOADED at once, unread, because GW_MAX_IN_FLIGHT requests were in progress',
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: REQUESTS_IN_FLIGHT,
    help: 'Requests in progress, counted against GW_MAX_IN_FLIGHT (health, readiness and metrics not counted)',
    registers: [registry],
  });

  const secretMatches = new Counter({
    name: SECRET_MATCHES,
    help: 'Signed requests of a client in secret rotation (one with a previous secret), by client and by the secret that verified them: current or previous',
    labelNames: ['client', 'secret'] as const,
    registers: [registry],
  });

  const observeRequests: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    // 'close' fires for finished and aborted responses alike; 'finish' misses aborted ones.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED;
      duration.observe({ method: req.method, route: routeLabel(req, res), status }, seconds);
    });
    next();
  };

  return {
    registry,
    observeRequests,
    caseSubmitted: (item, adapter) => submitted.inc({ item, adapter }),
    replicasBehind: () => behind.inc(),
    requestShed: () => shed.inc(),
    requestsInFlight: (count) => inFlight.set(count),
    secretMatched: (client, secret) => secretMatches.inc({ client, secret }),
  };
}

const route = routesFor<{ metrics: GatewayMetrics }>();

/** GET /metrics in the Prometheus text format 0.0.4 (the request timer is observeRequests). */
export const METRICS_ROUTES = [
  route({
    method: 'get',
    path: '/metrics',
    clients: 'public',
    operation: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (protection is a deployment setting)',
      responses: {
        '200': {
          description: 'Prometheus text exposition format 0.0.4.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
    handler: async ({ deps }) => ({
      status: 200,
      headers: { 'Content-Type': deps.metrics.registry.contentType },
      raw: await deps.metrics.registry.metrics(),
    }),
  }),
];
