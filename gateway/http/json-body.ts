// JSON bodies only (gateway/README.md#body-checks), all decided before any handler runs:
//   - another content type, or a charset other than UTF-8 or named twice, is 415; an unknown
//     Content-Encoding 415, a body that does not inflate by its Content-Encoding 400; malformed
//     JSON or bytes that are not UTF-8 400; over the size limit 413; not all there within the
//     body timeout 408;
//   - then one scan of the text (json-scan.ts): nested too deep 400, a member named twice 422
//     GW_DUPLICATE_KEY, a refused character in any string 422 GW_FORBIDDEN_CHARACTER.
// The bytes are read by body-parser's raw reader (its size limit, Content-Encoding and errors) and
// decoded once, by the UTF-8 check; the JSON is parsed here from that text, as express.json()
// parses it (strict, an empty body read as {}), rather than by express.json(), which decoded the
// bytes a second time, through iconv-lite (≈ 2.5 µs a submission in a loop).
import express, { type RequestHandler } from 'express';
import { parse as parseContentType } from 'content-type';
import type { IncomingMessage } from 'node:http';
import { GatewayError, type ErrorCode } from '../shared/errors.ts';
import { scanJson } from './json-scan.ts';

export interface RawBodyRequest extends IncomingMessage {
  /** The body bytes after Content-Encoding, which the signature covers. */
  rawBody?: Buffer;
  rawText?: string;
}

export interface BodySettings {
  limitBytes: number;
  /** From the end of the headers to the last body byte. */
  timeoutMs: number;
}

/** Deeper than any item schema nests; deeper bodies are refused before anything walks them. */
export const MAX_JSON_DEPTH = 32;

const JSON_TYPES = ['application/json', 'application/*+json'];

// A Content-Type's parameters as content-type splits them: each `;` outside a quoted string (a
// quoted one runs to its closing quote, `\` escaping), its name what comes before the `=`. Each
// part matches one way only (redos-detector judges the anchored form safe) and a try that fails
// ends at the next `;`, so the scan is linear in the header. content-type keeps a parameter's
// first value and says nothing of a second, so the charset is counted here.
const PARAMETER = /;([^=;]*)=[\t ]*(?:"(?:[^"\\]|\\[\s\S])*(?:"[^;]*)?|[^;"\t ][^;]*|)/g;

function charsetCount(contentType: string): number {
  let count = 0;
  for (const [, name] of contentType.matchAll(PARAMETER))
    if (name!.trim().toLowerCase() === 'charset') count++;
  return count;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function jsonBody(settings: BodySettings): RequestHandler[] {
  return [requireUtf8Json, readBody(settings), checkBody];
}

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

const NOT_JSON = {
  detail: 'A body is sent as Content-Type: application/json (or application/*+json), in UTF-8',
};

const requireUtf8Json: RequestHandler = (req, _res, next) => {
  if (!hasBody(req)) return next();
  if (!req.is(JSON_TYPES)) return next(new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', NOT_JSON));
  // The same parser body-parser decodes with, so what is checked here is what gets decoded.
  let charset: string | undefined;
  try {
    charset = parseContentType(req.headers['content-type']!).parameters.charset;
  } catch {
    return next(new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', NOT_JSON));
  }
  // Either order of `charset=utf-8; charset=latin1` is refused alike: body-parser decodes by the
  // first, so accepting one order and refusing the other was an accident of which came first.
  if (charset !== undefined && charsetCount(req.headers['content-type']!) > 1) {
    return next(
      new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', {
        detail: 'The Content-Type names its charset twice; name it once, as utf-8',
      }),
    );
  }
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return next(
      new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', {
        detail: `JSON is read as UTF-8 only; charset=${charset.slice(0, 40)} is refused`,
      }),
    );
  }
  next();
};

function readBody(settings: BodySettings): RequestHandler {
  const parse = express.raw({
    limit: settings.limitBytes,
    type: JSON_TYPES,
    verify: (req, _res, buf) => {
      // The signature covers the raw bytes (gateway/README.md#authentication-and-signing), so keep
      // them for authentication, and the text for the scan.
      const raw = req as RawBodyRequest;
      raw.rawBody = buf;
      try {
        raw.rawText = utf8.decode(buf);
      } catch {
        throw new GatewayError('GW_MALFORMED_JSON', { detail: 'The body is not valid UTF-8' });
      }
    },
  });
  return (req, res, next) => {
    if (!hasBody(req)) return parse(req, res, next);
    let settled = false;
    const settle = (error?: unknown) => {
      settled = true;
      clearTimeout(timer);
      req.off('data', count);
      next(error);
    };
    const timer = setTimeout(() => {
      settle(
        new GatewayError('GW_REQUEST_TIMEOUT', {
          detail: `The body did not arrive within ${settings.timeoutMs} ms`,
          headers: { Connection: 'close' },
        }),
      );
    }, settings.timeoutMs);
    // body-parser answers a body over the limit only once it has read the rest of it (its dump),
    // so one sent slowly, or a Content-Length of gigabytes, held its connection and its in-flight
    // slot until the body timeout, and was answered 408 instead of 413. Bytes as sent are the
    // bytes the limit counts unless the body is compressed (the limit is on the inflated bytes):
    // those are refused here, as soon as the limit is passed, and the rest is not read.
    const identity = (req.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > settings.limitBytes && !settled) settle(tooLarge());
    };
    if (identity && Number(req.headers['content-length'] ?? 0) > settings.limitBytes) {
      return settle(tooLarge());
    }
    parse(req, res, (error?: unknown) => {
      if (settled) return;
      settle(error === undefined ? undefined : bodyError(error, req));
    });
    // After body-parser's reader: a listener of our own first would start the flow without it.
    if (identity && !settled) req.on('data', count);
  };
}

/** Answered before the rest of the body is read: the connection closes after the answer. */
function tooLarge(): GatewayError {
  return new GatewayError('GW_PAYLOAD_TOO_LARGE', {
    detail: 'The body exceeds the size limit',
    headers: { Connection: 'close' },
  });
}

// body-parser (and raw-body under it) say what went wrong in err.type.
const BODY_PARSER_ERRORS: Record<string, [ErrorCode, string | undefined]> = {
  'entity.too.large': ['GW_PAYLOAD_TOO_LARGE', 'The body exceeds the size limit'],
  'encoding.unsupported': [
    'GW_UNSUPPORTED_ENCODING',
    'Content-Encoding must be identity, gzip, deflate, br or zstd',
  ],
  'charset.unsupported': ['GW_UNSUPPORTED_MEDIA_TYPE', 'JSON is read as UTF-8 only'],
  'request.aborted': ['GW_BAD_REQUEST', 'The request was aborted before its body was complete'],
  'request.size.invalid': ['GW_BAD_REQUEST', 'The body length does not match Content-Length'],
};

function bodyError(error: unknown, req: IncomingMessage): unknown {
  if (error instanceof GatewayError) return error;
  const type = (error as { type?: unknown }).type;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  if (known) return new GatewayError(known[0], { detail: known[1], cause: error });
  // zlib and brotli errors carry no type: the body did not inflate by its Content-Encoding.
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new GatewayError('GW_BAD_ENCODING', {
      detail: `The body is not valid ${encoding.slice(0, 20)} data (Content-Encoding)`,
      cause: error,
    });
  }
  return error; // anything else is mapped by its status in shared/problem.ts
}

// What express.json({ strict: true }) does with the decoded text (body-parser's json.js): an empty
// body is {}, and anything but an object or an array after leading whitespace is malformed.
const LEADING_WHITESPACE = /^[\x20\x09\x0a\x0d]*/;

// Its own detail: a body of valid JSON that is a bare string, number, true, false or null was told
// "not valid JSON", which sends a developer looking for a syntax error that is not there.
const NOT_OBJECT_DETAIL = 'The body is not a JSON object or array: it begins with neither { nor [';

class NotObjectOrArrayError extends SyntaxError {}

function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = text.charAt(LEADING_WHITESPACE.exec(text)![0].length);
  if (first !== '{' && first !== '[') throw new NotObjectOrArrayError(NOT_OBJECT_DETAIL);
  return JSON.parse(text) as unknown;
}

const checkBody: RequestHandler = (req, _res, next) => {
  const text = (req as RawBodyRequest).rawText;
  if (text === undefined) return next();
  try {
    req.body = parseJson(text);
  } catch (error) {
    const detail =
      error instanceof NotObjectOrArrayError ? NOT_OBJECT_DETAIL : 'The body is not valid JSON';
    return next(new GatewayError('GW_MALFORMED_JSON', { detail, cause: error }));
  }
  const scan = scanJson(text, { maxDepth: MAX_JSON_DEPTH });
  if (scan.tooDeep) {
    return next(
      new GatewayError('GW_BAD_REQUEST', {
        detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      }),
    );
  }
  if (scan.duplicates.length > 0) {
    return next(new GatewayError('GW_DUPLICATE_KEY', { errors: scan.duplicates }));
  }
  if (scan.characters.length > 0) {
    return next(new GatewayError('GW_FORBIDDEN_CHARACTER', { errors: scan.characters }));
  }
  next();
};
