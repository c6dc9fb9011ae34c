// Request ids: a well-formed X-Request-Id from the caller is kept (so a portal can correlate),
// anything else is replaced; the id is echoed and bound to a child logger for the request.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../shared/logger.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    // The child logger is built when a handler first logs: building one costs as much as a plain
    // line (its bindings pass the redaction), and most requests log only their summary below.
    let log: Logger | undefined;
    Object.defineProperty(res.locals, 'log', {
      get: () => (log ??= logger.child({ requestId })),
      enumerable: true,
      configurable: true,
    });
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const summary = {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      };
      if (log) log.info(summary, 'request');
      else logger.info({ requestId, ...summary }, 'request');
    });
    next();
  };
}
