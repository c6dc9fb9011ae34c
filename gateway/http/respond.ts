// Thin edges (gateway/README.md#thin-handlers, after bull-board): handlers return { status, body, headers } and never touch
// res; this adapter is the only code that writes a response, and it sends every thrown error to the
// one problem mapper.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface HandlerResult {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is instead (documents, pages, metrics text): set Content-Type in headers. */
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export type Handler = (req: Request, res: Response) => Promise<HandlerResult> | HandlerResult;

export function handle(handler: Handler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .then((result) => {
        if (result.headers) res.set(result.headers);
        res.status(result.status);
        // res.send answers 304 itself when the request's If-None-Match meets the ETag set.
        if (result.raw !== undefined) res.send(result.raw);
        else if (result.body === undefined) res.end();
        else res.json(result.body);
      })
      .catch(next);
  };
}
