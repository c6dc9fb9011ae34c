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
        else if (!sentJson(req, res, result.body, isNoStore(result.headers))) res.json(result.body);
      })
      .catch(next);
  };
}

/** Statuses whose answer has no body: res.send strips the JSON and its headers. */
const BODYLESS = new Set([204, 205, 304]);

/**
 * What res.json() sends for a POST or PUT answer, or a `Cache-Control: no-store` one, with a body
 * whose type no one set, written here:
 * res.json() looks up three JSON settings, makes `application/json; charset=utf-8` through
 * mime-types and then content-type's parse and format, and asks whether the request is fresh,
 * which only a GET or HEAD can be — for the same status, headers in the same order and bytes
 * (tests/unit/http/respond.test.ts), about 1.5 µs an answer in a loop. A no-store answer is never
 * fresh: its ETag is for If-Match (a catalogue draft's covers its content and status, not the
 * validation the answer carries too), and res.json() would answer 304 to a GET whose
 * If-None-Match meets it. Any other answer (a GET, a HEAD, a bodyless status, a type set by the
 * handler) is left to res.json().
 */
function sentJson(req: Request, res: Response, body: unknown, noStore: boolean): boolean {
  if (req.method !== 'POST' && req.method !== 'PUT' && !noStore) return false;
  if (BODYLESS.has(res.statusCode) || res.hasHeader('content-type')) return false;
  if (res.hasHeader('transfer-encoding')) return false;
  const text = JSON.stringify(body) as string | undefined;
  if (text === undefined) return false;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text, 'utf8')));
  res.end(text, 'utf8');
  return true;
}

/** Whether the handler's own headers say `Cache-Control: no-store`. */
function isNoStore(headers: HandlerResult['headers']): boolean {
  const cacheControl = headers?.['Cache-Control'];
  return cacheControl !== undefined && /(?:^|,)\s*no-store\s*(?:,|$)/i.test(cacheControl);
}
