// The one way adapters talk HTTP to a provincial platform: global fetch (undici) bounded by the
// job's signal AND the adapter's own timeout, bodies as JSON, text or form, and failure
// classification shared by every dialect (adapters/README.md#permanent-and-transient-failures): 4xx
// other than 408/429 is permanent; 5xx, 408, 429, timeouts, resets and refused connections are
// transient. Debug logs carry method, origin+path, status and duration only: never headers
// (credentials) or bodies (personal data).
import { PermanentDeliveryError, TransientDeliveryError, type AdapterContext } from './contract.ts';

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

export interface BackendResponse {
  status: number;
  headers: Headers;
  text: string;
  durationMs: number;
}

export interface HttpBackendOptions {
  adapterId: string;
  baseUrl: string;
  timeoutMs: number;
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

export class HttpBackend {
  readonly adapterId: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;

  constructor(options: HttpBackendOptions) {
    this.adapterId = options.adapterId;
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs;
  }

  /**
   * Sends one request and reads the whole body under the same deadline. Network failures throw
   * TransientDeliveryError; every HTTP status is returned for the dialect to interpret (some
   * platforms put business errors in a 200, some answer 401 to an expired token).
   */
  async send(request: BackendRequest, context: AdapterContext): Promise<BackendResponse> {
    const url = `${this.baseUrl}${request.path}`;
    const { body, contentType } = encodeBody(request);
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = contentType;
    }
    const { signal, done } = deadline(context.signal, this.timeoutMs);
    const started = performance.now();
    const where = redactUrl(url);
    try {
      const res = await fetch(url, { method: request.method, headers, body, signal });
      const text = await res.text();
      const durationMs = Math.round(performance.now() - started);
      context.log.debug(
        {
          adapter: this.adapterId,
          method: request.method,
          url: where,
          status: res.status,
          durationMs,
        },
        'province call',
      );
      return { status: res.status, headers: res.headers, text, durationMs };
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
    } finally {
      done();
    }
  }
}

/**
 * The caller's signal, if any, and the adapter's timeout as one signal, undone once the call is over.
 * AbortSignal.any over AbortSignal.timeout left a composite signal and a timer behind every call
 * for the whole timeout, bookkeeping (and garbage) a busy worker paid for on every delivery. The
 * timeout aborts with a TimeoutError, as AbortSignal.timeout does.
 */
function deadline(
  jobSignal: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  if (!jobSignal) return { signal: controller.signal, done: () => clearTimeout(timer) };
  const onJobAbort = () => controller.abort(jobSignal.reason);
  if (jobSignal.aborted) onJobAbort();
  else jobSignal.addEventListener('abort', onJobAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      jobSignal.removeEventListener('abort', onJobAbort);
    },
  };
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
