// One HTTP request and its answer over node:http or node:https, for the two places the gateway's
// processes call out: the adapters' province calls (adapters/kit/http-backend.ts) and the portal
// callbacks (callbacks/callback-worker.ts). Not global fetch: its WHATWG layer (Request, Headers,
// a web stream per body and answer) cost about twice node:http's CPU per call
// (gateway/README.md#what-a-delivery-costs-the-worker). Redirects are never followed (node:http
// does not): a 3xx is an answer like any other. The caller owns the agent (keep-alive; for
// callbacks the judged lookup, for adapters their TLS settings) and the meaning of the status.
import type { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';

export interface HttpExchange {
  /** node:http's or node:https's `request`, matching the agent. */
  request: typeof httpRequest;
  agent: HttpAgent;
  protocol: string;
  /** A name, or an address without brackets. */
  hostname: string;
  port: string | number;
  /** Path and query. */
  path: string;
  method: string;
  headers: Record<string, string | number>;
  body?: string;
  /** Ends the exchange with a TimeoutError, as AbortSignal.timeout's, and destroys the request. */
  timeoutMs: number;
  /** Ends the exchange with its reason (an Error whatever the caller gave), as fetch rejected. */
  signal?: AbortSignal;
  /**
   * 'text' (the default) reads the whole answer as UTF-8. 'status' wants only the status: the
   * body is read and dropped, at most `maxDiscard` bytes of it, and once the status has come
   * nothing later fails the exchange: a body cut short, too long or still coming at the deadline
   * resolves with the status (and an empty text), its connection destroyed rather than reused.
   */
  read?: 'text' | 'status';
  maxDiscard?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** How much of an unwanted body is read (to keep its connection) before the connection is cut. */
const MAX_DISCARD = 64 * 1024;

/**
 * Sends the request and settles once with the answer or why there is none. The deadline and the
 * signal cover the whole exchange, the body included; either destroys the request, whose socket
 * then leaves the agent.
 */
export function exchange(x: HttpExchange): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    // With read 'status': the answer as soon as its status came, which later failures resolve to.
    let heard: HttpAnswer | undefined;
    const finish = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      x.signal?.removeEventListener('abort', onAbort);
      const result = answer ?? heard;
      if (result) resolve(result);
      else reject(error ?? new Error('no answer'));
    };
    const req = x.request(
      {
        protocol: x.protocol,
        hostname: x.hostname,
        port: x.port,
        path: x.path,
        method: x.method,
        headers: x.headers,
        agent: x.agent,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (x.read === 'status') {
          heard = { status, headers: res.headers, text: '' };
          const max = x.maxDiscard ?? MAX_DISCARD;
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > max) end(new Error('answer too long'));
          });
          res.on('end', () => finish(undefined));
        } else {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => finish(undefined, { status, headers: res.headers, text }));
        }
        res.on('error', (error) => finish(error));
        // The connection lost before the whole answer came (its error, if any, came first).
        res.on('close', () => {
          if (!res.complete) finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
      },
    );
    const end = (reason: Error) => {
      finish(reason);
      req.destroy(reason);
    };
    const timer = setTimeout(() => {
      end(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, x.timeoutMs);
    timer.unref();
    const onAbort = () => {
      const reason: unknown = x.signal?.reason;
      end(
        reason instanceof Error
          ? reason
          : new DOMException('This operation was aborted', 'AbortError'),
      );
    };
    req.on('error', (error) => finish(error));
    if (x.signal?.aborted) {
      onAbort();
      return;
    }
    x.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(x.body);
  });
}
