// RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. Node would send a bare 400 itself;
// http-server.ts turns that off so the answer here is a problem like every other.
import type { RequestHandler } from 'express';
import { GatewayError } from '../shared/errors.ts';

export const requireHost: RequestHandler = (req, _res, next) => {
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    next(new GatewayError('GW_BAD_REQUEST', { detail: 'An HTTP/1.1 request needs a Host header' }));
    return;
  }
  next();
};
