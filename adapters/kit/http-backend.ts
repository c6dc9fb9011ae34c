// The one way adapters talk HTTP to a provincial platform: node:http (or node:https) over one
// keep-alive agent per adapter, bounded by the adapter's own timeout AND the caller's signal when
// it gives one, bodies as JSON, text or form, and failure classification shared by every dialect
// (adapters/README.md#permanent-and-transient-failures): 4xx other than 408/429 is permanent;
// 5xx, 408, 429, timeouts, resets, refused connections and failed TLS handshakes (tls-failure.ts)
// are transient. The agent carries the adapter's TLS settings (adapter-tls.ts), so every call the
// adapter makes — deliveries, status queries, a token's — uses them. Debug logs carry method,
// origin+path, status and duration only: never headers (credentials) or bodies (personal data).
// Not global fetch: its WHATWG layer (Request, Headers, a web stream per body) cost the worker
// about twice node:http's CPU per delivery (adapters/README.md#permanent-and-transient-failures).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { exchange } from '../../gateway/shared/http-exchange.ts';
import type { AdapterTls } from './adapter-tls.ts';
import { PermanentDeliveryError, TransientDeliveryError, type AdapterContext } from './contract.ts';
import { tlsFailure } from './tls-failure.ts';

export interface BackendRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path (and query) relative to the backend's baseUrl. */
  path: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** A pre-serialised body (signed bytes must be sent exactly as signed). */
  text?: string;
  form?: Record<string, string>;
  /** Content type for `text`; json and form set their own. */
  contentType?: string;
}

/** A response's headers, by name in any case (what the dialects read: `retry-after`). */
export class ResponseHeaders {
  readonly #raw: IncomingMessage['headers'];
  constructor(raw: IncomingMessage['headers']) {
    this.#raw = raw;
  }
  /** The header's value (several joined by ", "), or null, as WHATWG Headers' get. */
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

export interface BackendResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
  durationMs: number;
}

/** What the backend reads of an adapter's settings (CallSettings, kit/adapter-descriptor.ts). */
export interface HttpBackendSettings {
  baseUrl: string;
  timeoutMs: number;
  /** For an https baseUrl: trusted CAs, client certificate, servername (adapter-tls.ts). */
  tls?: AdapterTls;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Maps a non-success HTTP status to the error type that decides retry. */
export function classifyHttpFailure(
  status: number,
  retryAfterHeader?: string | null,
  provinceCode?: string,
): PermanentDeliveryError | TransientDeliveryError {
  const label = provinceCode ? `HTTP ${status} (${provinceCode})` : `HTTP ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientDeliveryError(
      `province answered ${label}`,
      parseRetryAfter(retryAfterHeader),
      { rateLimited: status === 429 },
    );
  }
  return new PermanentDeliveryError(
    `province refused with ${label}`,
    provinceCode ?? String(status),
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A thrown fetch error as a delivery error. Timeouts, aborts and socket failures are transient.
 * So is anything else fetch throws (a malformed URL from config, say): retries then exhaust and
 * the breaker pauses the queue, which an operator notices, rather than failing every case for good.
 */
export function classifyNetworkError(
  err: unknown,
): PermanentDeliveryError | TransientDeliveryError {
  if (err instanceof PermanentDeliveryError || err instanceof TransientDeliveryError) return err;
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') {
    return new TransientDeliveryError('province timed out', undefined, { cause: err });
  }
  if (name === 'AbortError') {
    return new TransientDeliveryError('delivery aborted', undefined, { cause: err });
  }
  const code = errorCode(err);
  const tls = tlsFailure(code, err);
  if (tls) return tls;
  if (code && NETWORK_CODES.has(code)) {
    return new TransientDeliveryError(`province unreachable (${code})`, undefined, { cause: err });
  }
  return new TransientDeliveryError('province call failed', undefined, { cause: err });
}

function encodeBody(request: BackendRequest): { body?: string; contentType?: string } {
  if (request.json !== undefined) {
    return { body: JSON.stringify(request.json), contentType: 'application/json; charset=utf-8' };
  }
  if (request.form !== undefined) {
    return {
      body: new URLSearchParams(request.form).toString(),
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    };
  }
  if (request.text !== undefined) return { body: request.text, contentType: request.contentType };
  return {};
}

/**
 * Connections kept open between calls, as fetch's global agent kept them, and closed after 4 s
 * unused (undici's default): under the 5 s a Node server keeps an idle connection, so a call
 * rarely meets a connection the province is closing. The timeout only idles: a call that waits
 * longer for its answer is bounded by the adapter's timeout alone.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000 };

interface Target {
  request: typeof httpRequest;
  agent: HttpAgent;
  protocol: string;
  hostname: string;
  port: string;
  basePath: string;
}

export class HttpBackend {
  readonly adapterId: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #target: Target | Error;

  /** `settings` whole, so every adapter's calls carry its TLS settings. */
  constructor(adapterId: string, settings: HttpBackendSettings) {
    this.adapterId = adapterId;
    this.baseUrl = settings.baseUrl.replace(/\/$/, '');
    this.timeoutMs = settings.timeoutMs;
    // Parsed once: a call builds only its path. A baseUrl that does not parse fails each call
    // (transient, as fetch failed it), not the worker's start.
    let url: URL | undefined;
    try {
      url = new URL(this.baseUrl);
    } catch (error) {
      this.#target = error as Error;
      return;
    }
    const https = url.protocol === 'https:';
    this.#target = {
      request: https ? httpsRequest : httpRequest,
      agent: https
        ? new HttpsAgent({
            ...KEEP_ALIVE,
            // The context and name only: `expiries` is for the worker's metric, not the agent.
            ...(settings.tls ? { secureContext: settings.tls.secureContext } : {}),
            ...(settings.tls?.servername ? { servername: settings.tls.servername } : {}),
          })
        : new HttpAgent(KEEP_ALIVE),
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      basePath: url.pathname === '/' ? '' : url.pathname,
    };
  }

  /**
   * Sends one request and reads the whole body under the same deadline. Network failures throw
   * TransientDeliveryError; every HTTP status is returned for the dialect to interpret (some
   * platforms put business errors in a 200, some answer 401 to an expired token).
   */
  async send(request: BackendRequest, context: AdapterContext): Promise<BackendResponse> {
    const { body, contentType } = encodeBody(request);
    // The User-Agent fetch sent, so a platform's front door that filters on it sees no change.
    const headers: Record<string, string | number> = {
      Accept: 'application/json',
      'User-Agent': 'node',
      ...request.headers,
    };
    if (contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = contentType;
    }
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const started = performance.now();
    const where = redactUrl(`${this.baseUrl}${request.path}`);
    try {
      const t = this.#target;
      if (t instanceof Error) throw t;
      // Ended by the adapter's timeout (a TimeoutError) or the caller's signal (its reason).
      const {
        status,
        headers: raw,
        text,
      } = await exchange({
        ...t,
        path: `${t.basePath}${request.path}`,
        method: request.method,
        headers,
        body,
        timeoutMs: this.timeoutMs,
        signal: context.signal,
      });
      const durationMs = Math.round(performance.now() - started);
      context.log.debug(
        { adapter: this.adapterId, method: request.method, url: where, status, durationMs },
        'province call',
      );
      return { status, headers: new ResponseHeaders(raw), text, durationMs };
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      context.log.debug(
        {
          adapter: this.adapterId,
          method: request.method,
          url: where,
          error: errorCode(err) ?? (err as Error).name,
          durationMs,
        },
        'province call failed',
      );
      throw classifyNetworkError(err);
    }
  }
}

/** Origin and path only: a query string may carry identifiers. */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Parses a JSON response body; a non-JSON body from a 2xx is a province fault (transient). */
export function parseJsonBody(response: BackendResponse): unknown {
  try {
    return JSON.parse(response.text);
  } catch (err) {
    throw new TransientDeliveryError(
      `province answered HTTP ${response.status} with a body that is not JSON`,
      undefined,
      { cause: err },
    );
  }
}
