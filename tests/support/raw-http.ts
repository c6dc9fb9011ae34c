// Raw bytes over a TCP socket, for requests fetch cannot or will not send (malformed chunking,
// control characters in headers, slow senders). Resolves when the server closes the connection,
// or after `closeAfterMs` of the response being complete; rejects if nothing at all comes back
// within `timeoutMs` (a hang).
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection. */
  closed: boolean;
  elapsedMs: number;
}

export interface RawOptions {
  /** Give up (and fail) when no complete response arrived by then. */
  timeoutMs?: number;
  /** Bytes sent after the first write, one per `trickleMs`, until the answer comes. */
  trickle?: string;
  trickleMs?: number;
}

function parse(raw: Buffer): Omit<RawResponse, 'closed' | 'elapsedMs'> | undefined {
  let text = raw.toString('latin1');
  // Interim answers (100 Continue) come before the response.
  while (/^HTTP\/1\.1 1\d\d /.test(text) && text.includes('\r\n\r\n')) {
    const interim = text.indexOf('\r\n\r\n') + 4;
    raw = raw.subarray(interim);
    text = text.slice(interim);
  }
  const end = text.indexOf('\r\n\r\n');
  if (end === -1 || /^HTTP\/1\.1 1\d\d /.test(text)) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (body.length < length) return undefined;
  return {
    status: Number(statusLine!.split(' ')[1]),
    headers,
    body: body.subarray(0, length).toString('utf8'),
  };
}

export function rawRequest(
  port: number,
  bytes: string | Buffer,
  options: RawOptions = {},
): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let response: ReturnType<typeof parse>;
    let trickler: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(deadline);
      clearInterval(trickler);
      socket.destroy();
      if (!response) {
        reject(
          new Error(`no complete response (closed: ${closed}) after ${Date.now() - started} ms`),
        );
        return;
      }
      resolve({ ...response, closed, elapsedMs: Date.now() - started });
    };
    const deadline = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      response ??= parse(Buffer.concat(chunks));
    });
    socket.on('error', () => undefined); // a reset after the answer still counts as closed
    socket.on('close', () => finish(true));
    socket.write(bytes);
    if (options.trickle) {
      let i = 0;
      const trickle = options.trickle;
      trickler = setInterval(() => {
        if (i < trickle.length && socket.writable) socket.write(trickle[i++]!);
      }, options.trickleMs ?? 50);
    }
  });
}

export function problemOf(res: RawResponse): { status: number; code: string; detail?: string } {
  return JSON.parse(res.body) as { status: number; code: string; detail?: string };
}
