// Load shedding (README.md#load-shedding): a bound on the requests one gateway process works on at
// once. Past it a request is answered at once with 503 GW_OVERLOADED and Retry-After, before its
// body is read, so a flood (a province posting a backlog all at once after an outage) is refused in
// microseconds instead of piling up connections until the accept queue is full, /readyz stops
// answering and every client times out. Health, readiness and metrics are never shed: an operator
// and a load balancer must still see a busy gateway.
import type { RequestHandler } from 'express';
import { GatewayError } from '../shared/errors.ts';
import { locals } from './request-context.ts';

/** Paths never shed and never counted: a busy gateway must still say it is alive and ready. */
export const NEVER_SHED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export interface InFlightBoundOptions {
  /** Requests worked on at once (GW_MAX_IN_FLIGHT). */
  limit: number;
  retryAfterSeconds: number;
  /** Told of each request refused. */
  onShed?: () => void;
  /** Told the new count each time it changes. */
  onCount?: (inFlight: number) => void;
}

export interface InFlightBound {
  readonly handler: RequestHandler;
  /** Requests being worked on now. */
  inFlight(): number;
}

export function inFlightBound(options: InFlightBoundOptions): InFlightBound {
  let inFlight = 0;
  const detail =
    `The gateway is working on ${options.limit} requests, its limit; this one was not read ` +
    'and nothing was done. Retry after Retry-After seconds.';
  const handler: RequestHandler = (req, res, next) => {
    if (NEVER_SHED_PATHS.has(req.path)) {
      next();
      return;
    }
    if (inFlight >= options.limit) {
      options.onShed?.();
      // Timed under a route of its own (metrics.ts): no route saw it, yet it is no unknown path.
      locals(res).shed = true;
      // The body is left unread: closing the connection after the answer spares reading it.
      res.setHeader('Connection', 'close');
      next(
        new GatewayError('GW_OVERLOADED', {
          detail,
          headers: { 'Retry-After': String(options.retryAfterSeconds) },
        }),
      );
      return;
    }
    inFlight++;
    options.onCount?.(inFlight);
    // 'close' fires once however the exchange ends: answered, aborted by the client, its socket
    // destroyed by a timeout. 'finish' alone would leak the slot of every aborted request.
    res.once('close', () => {
      inFlight--;
      options.onCount?.(inFlight);
    });
    next();
  };
  return { handler, inFlight: () => inFlight };
}
