// Request ids: a well-formed X-Request-Id from the caller is kept (so a portal can correlate),
// anything else is replaced; the id is echoed and bound to a child logger for the request.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../shared/logger.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
  /** Set by the row of a route that takes an Idempotency-Key (http/mount-routes.ts): its 503 says so. */
  takesIdempotencyKey: boolean;
  /** Set when load shedding refused the request unread (http/in-flight-bound.ts). */
  shed: boolean;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

// Each request's res.locals. The child logger is built when a handler first logs: building one
// costs as much as a plain line (its bindings pass the redaction), and most requests log only
// their summary. It is built by the class's getter, defined once, and not by an accessor defined
// on each request's locals: V8 allocates the accessor pair of an Object.defineProperty in old
// space, so that pair's per-request getter, and through the getter's scope the request, the
// response and all they held, survived every young-generation GC and was promoted to wait for a
// full one (gateway/README.md#garbage-collection).
class RequestScope implements RequestLocals {
  readonly requestId: string;
  takesIdempotencyKey = false;
  shed = false;
  readonly #logger: Logger;
  #log: Logger | undefined;

  constructor(logger: Logger, requestId: string) {
    this.#logger = logger;
    this.requestId = requestId;
  }

  get log(): Logger {
    return (this.#log ??= this.#logger.child({ requestId: this.requestId }));
  }

  /** The request's summary line, through its child logger if a handler built one. */
  logSummary(summary: Record<string, unknown>): void {
    if (this.#log) this.#log.info(summary, 'request');
    else this.#logger.info({ requestId: this.requestId, ...summary }, 'request');
  }
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    const scope = new RequestScope(logger, requestId);
    res.locals = scope;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      scope.logSummary({
        method: req.method,
        // A refused request's path is whatever its client wrote: an ID number asked for as a
        // case id (GET /v1/cases/510104199001011234) or a garbage path made of one was logged in
        // clear. Served paths hold ids, codes and item codes only, and keep their digits.
        path: res.statusCode >= 400 ? maskFreeText(req.path) : req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
}
