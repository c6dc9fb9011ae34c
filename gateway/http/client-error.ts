// Requests that never reach express (gateway/README.md#protocol-errors): Node's HTTP parser refused
// them, or they were too slow. Node's own answer is a bare status line without a body; ours is the
// same problem+json every other error gets, written on the raw socket (there is no response
// object), with a fresh request id and Connection: close, after which the socket is closed.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError, type ErrorCode } from '../shared/errors.ts';
import { toProblem } from '../shared/problem.ts';
import type { RateLimitedLog } from '../shared/rate-limited-log.ts';

// Plain words for the parser's codes (llhttp HPE_*): the code itself is an internal detail.
const PARSER_DETAILS: Record<string, string> = {
  HPE_INVALID_CHUNK_SIZE: 'Invalid chunked transfer encoding',
  HPE_INVALID_TRANSFER_ENCODING:
    'Invalid Transfer-Encoding, or Transfer-Encoding together with Content-Length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length together with Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'Invalid or repeated Content-Length',
  HPE_INVALID_HEADER_TOKEN: 'Invalid character in a header',
  HPE_INVALID_METHOD: 'Unknown method',
  HPE_INVALID_URL: 'Invalid request target',
  HPE_INVALID_VERSION: 'Unsupported HTTP version',
  HPE_INVALID_CONSTANT: 'Malformed request line',
  HPE_CR_EXPECTED: 'Malformed line ending (CR LF expected)',
  HPE_LF_EXPECTED: 'Malformed line ending (CR LF expected)',
  HPE_STRICT: 'Malformed request',
  HPE_UNEXPECTED_SPACE: 'Unexpected whitespace in the request line or a header',
};

interface ClientProblem {
  code: ErrorCode;
  detail: string;
}

export function clientProblem(errorCode: string | undefined): ClientProblem {
  switch (errorCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        code: 'GW_REQUEST_TIMEOUT',
        detail: 'The request headers or the whole request did not arrive in time',
      };
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'GW_HEADERS_TOO_LARGE', detail: 'The request headers exceed the size limit' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { code: 'GW_PAYLOAD_TOO_LARGE', detail: 'Chunk extensions exceed the size limit' };
    default:
      return {
        code: 'GW_BAD_REQUEST',
        detail: `Malformed HTTP request: ${
          (errorCode && PARSER_DETAILS[errorCode]) ?? 'the request could not be parsed'
        }`,
      };
  }
}

/** A problem outside express: status, headers (with a fresh request id) and body. */
export function bareProblem(code: ErrorCode, detail: string) {
  const requestId = randomUUID();
  const problem = toProblem(new GatewayError(code, { detail }), requestId);
  const body = JSON.stringify(problem.body);
  const headers = {
    'Content-Type': 'application/problem+json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    Connection: 'close',
  };
  return { status: problem.status, headers, body };
}

/** A complete HTTP/1.1 response carrying the problem, for writing on a raw socket. */
export function rawProblemResponse(code: ErrorCode, detail: string): string {
  const { status, headers, body } = bareProblem(code, detail);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    body,
  ].join('\r\n');
}

// Node keeps the response in progress on the socket; once its headers are out, another status
// line would corrupt the stream, so the connection is only closed.
type ServerSocket = Duplex & { _httpMessage?: { headersSent: boolean } | null };

/** Writes the problem and closes once it is flushed; an in-progress request is aborted with it. */
export function answerRaw(socket: Duplex, code: ErrorCode, detail: string): void {
  const pending = (socket as ServerSocket)._httpMessage;
  if (!socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawProblemResponse(code, detail), () => socket.destroy());
}

const answered = new WeakSet<Duplex>();

export function clientErrorHandler(log: RateLimitedLog) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    // A parser in error keeps failing on every later chunk: answer once.
    if (answered.has(socket)) return;
    answered.add(socket);
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      socket.destroy(); // the client is gone: nobody to answer
      return;
    }
    const { code, detail } = clientProblem(error.code);
    log.log(
      'info',
      `client-error:${code}`,
      { errorCode: error.code, code },
      'request refused by the HTTP parser',
    );
    answerRaw(socket, code, detail);
  };
}
