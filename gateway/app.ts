// buildApp(deps) assembles the express 5 app from its parts and never listens (tests and main.ts
// decide where it runs). Order: request id → timer → load shedding → unsigned routers → JSON body → routers → 404 →
// error pages → problem mapper. The routes themselves come from the route table (gateway/api-routes.ts).
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { jsonBody } from './http/json-body.ts';
import { locals, requestContext } from './http/request-context.ts';
import { requireHost } from './http/require-host.ts';
import { GatewayError } from './shared/errors.ts';
import type { Logger } from './shared/logger.ts';
import { asGatewayError, requestEffect, toProblem } from './shared/problem.ts';
import { rateLimitedLog, type RateLimitedLog } from './shared/rate-limited-log.ts';

export interface AppDeps {
  logger: Logger;
  bodyLimitBytes: number;
  /** From the end of the headers to the last body byte; slower bodies get 408. */
  bodyTimeoutMs?: number;
  trustProxy?: boolean;
  retryAfterSeconds?: number;
  /** Times every request (metrics), mounted right after the request id. */
  observe?: RequestHandler;
  /** Refuses requests past the in-flight bound (http/in-flight-bound.ts), right after the timer. */
  shed?: RequestHandler;
  /** Routers that take no JSON body and no auth (health, docs, metrics), before the body parser. */
  publicRouters?: Router[];
  /** Routers that may read a JSON body (the signed API), mounted before the 404. */
  routers?: Router[];
  /**
   * Error pages for what was refused before its router saw it (load shedding), before the
   * problem mapper: the console's HTML page for a browser (console/console-error.ts).
   */
  errorPages?: ErrorRequestHandler[];
}

export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag computed over every JSON answer (a SHA-1 of each 202 nobody revalidates); the
  // documents that are worth revalidating set their own, precomputed (openapi/docs-routes.ts).
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('query parser', 'simple');
  // One spelling per path (http/router.ts): /V1/cases and /v1/cases/ are not /v1/cases.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestContext(deps.logger));
  app.use(requireHost);
  if (deps.observe) app.use(deps.observe);
  if (deps.shed) app.use(deps.shed);
  for (const router of deps.publicRouters ?? []) app.use(router);
  app.use(jsonBody({ limitBytes: deps.bodyLimitBytes, timeoutMs: deps.bodyTimeoutMs ?? 10_000 }));
  for (const router of deps.routers ?? []) app.use(router);
  app.use((req, _res, next) => {
    next(
      new GatewayError('GW_ROUTE_NOT_FOUND', { detail: `No endpoint ${req.method} ${req.path}` }),
    );
  });
  for (const errorPage of deps.errorPages ?? []) app.use(errorPage);
  app.use(problemHandler(deps.retryAfterSeconds ?? 5, rateLimitedLog(deps.logger)));
  return app;
}

const problemHandler =
  (retryAfterSeconds: number, outageLog: RateLimitedLog): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    const { requestId, log, takesIdempotencyKey } = locals(res);
    const effect = requestEffect(req.method, takesIdempotencyKey);
    const gatewayError = asGatewayError(error, retryAfterSeconds, effect);
    if (gatewayError.code === 'GW_INTERNAL') log.error({ err: error }, 'unhandled error');
    // One line a second during an outage, not one per request (gateway/README.md#operations).
    else if (gatewayError.code === 'GW_UNAVAILABLE')
      outageLog.warn('redis-unavailable', { requestId, err: error }, 'redis unavailable');
    else log.debug({ code: gatewayError.code }, 'request refused');
    const problem = toProblem(gatewayError, requestId);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problem.body));
  };
