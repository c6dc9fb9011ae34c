// JSON bodies only (DESIGN.md §3.2): a body with another content type is 415, malformed JSON 400,
// a body over the limit 413, bytes that are not UTF-8 400 — all before any handler runs.
import express, { type RequestHandler } from 'express';
import { GatewayError } from '../shared/errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      next(new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE'));
      return;
    }
    next();
  };
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (_req, _res, buf) => {
      try {
        utf8.decode(buf);
      } catch {
        throw new GatewayError('GW_MALFORMED_JSON', { detail: 'The body is not valid UTF-8' });
      }
    },
  });
  return [requireJson, parse];
}
