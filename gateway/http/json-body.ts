// JSON bodies only (gateway/README.md#submission): a body with another content type is 415,
// malformed JSON 400, a body over the limit 413, bytes that are not UTF-8 400 — all before any
// handler runs.
import express, { type RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../shared/errors.ts';

export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
}

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
    verify: (req, _res, buf) => {
      // The signature covers the raw bytes (gateway/README.md#authentication-and-signing), so keep
      // them for authentication.
      (req as RawBodyRequest).rawBody = buf;
      try {
        utf8.decode(buf);
      } catch {
        throw new GatewayError('GW_MALFORMED_JSON', { detail: 'The body is not valid UTF-8' });
      }
    },
  });
  return [requireJson, parse, limitDepth];
}

/** Deeper than any item schema nests; deeper bodies are refused before anything walks them. */
export const MAX_JSON_DEPTH = 32;

// Iterative, so a 10 000-level body cannot overflow the stack of whatever looks at it next
// (hashing, validation, masking).
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

const limitDepth: RequestHandler = (req, _res, next) => {
  if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
    next(
      new GatewayError('GW_BAD_REQUEST', {
        detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      }),
    );
    return;
  }
  next();
};
