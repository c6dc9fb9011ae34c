// The small signing client portals can import (README: "Signing requests"). It signs with the
// scheme of gateway/README.md#authentication-and-signing and sends with fetch; tests use it, and so
// can a portal's Node backend. Every request has a deadline (timeoutMs, 10 s unless set): without
// one, a gateway that takes the connection and never answers held the caller — and the taxpayer's
// page behind it — until undici's own limits, minutes later. A request that runs out of time
// rejects with GatewayTimeoutError; resending it under the same Idempotency-Key is safe. Every
// answer is returned, refusals included; a 401 GW_AUTH_BAD_SIGNATURE also brings the lines in
// which the gateway's string-to-sign differs from the one signed (signature-mismatch.ts).
import { randomBytes } from 'node:crypto';
import { signatureMismatch, type SignatureMismatchError } from './signature-mismatch.ts';
import { bodyDigest, sign, stringToSign, type SignatureMethod } from './signing.ts';

export { SignatureMismatchError, type DifferingLine } from './signature-mismatch.ts';

export interface ClientCredentials {
  clientId: string;
  secret: string;
  signatureMethod?: SignatureMethod;
}

export interface SignInput {
  method: string;
  /** Path and optional query as sent, e.g. "/v1/cases/01J…?b=2&a=1". */
  url: string;
  body?: string | Uint8Array;
  timestamp?: number;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** The X-Gw-* headers for one request, and the string-to-sign they sign. */
function signed(
  credentials: ClientCredentials,
  input: SignInput,
): { headers: Record<string, string>; text: string } {
  const method = credentials.signatureMethod ?? 'HMAC-SHA256';
  const [path = '', rawQuery = ''] = input.url.split(/\?(.*)/s);
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? newNonce();
  const text = stringToSign({
    method: input.method,
    path,
    rawQuery,
    timestamp,
    nonce,
    bodyDigestHex: bodyDigest(method, input.body ?? ''),
  });
  const headers = {
    'X-Gw-Client': credentials.clientId,
    'X-Gw-Timestamp': timestamp,
    'X-Gw-Nonce': nonce,
    'X-Gw-Signature-Method': method,
    'X-Gw-Signature': sign(method, credentials.secret, text),
  };
  return { headers, text };
}

/** Returns the X-Gw-* headers for one request. */
export function signRequest(
  credentials: ClientCredentials,
  input: SignInput,
): Record<string, string> {
  return signed(credentials, input).headers;
}

export interface GatewayResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /**
   * On a 401 GW_AUTH_BAD_SIGNATURE: the lines of the gateway's string-to-sign that differ from
   * the one this client signed (none: the secret differs), as an error to throw or log.
   */
  signatureMismatch?: SignatureMismatchError;
}

/** The default deadline of one request, answer body included. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The longest deadline a timer can hold (setTimeout's limit). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A request the gateway did not answer, whole, within its deadline. */
export class GatewayTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(method: string, url: string, timeoutMs: number, cause: unknown) {
    super(`the gateway did not answer ${method} ${url} within ${timeoutMs} ms`, { cause });
    this.name = 'GatewayTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

export interface GatewayClientOptions {
  /** Deadline of each request, from sending to the end of the answer's body (DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface RequestOptions {
  json?: unknown;
  headers?: Record<string, string>;
  /** This request's deadline instead of the client's. */
  timeoutMs?: number;
  /** The caller's own abort (a closed page, a shutdown): the request rejects with its reason. */
  signal?: AbortSignal;
}

/** A request's deadline and abort, without its content. */
type Limits = Pick<RequestOptions, 'timeoutMs' | 'signal'>;

function checkedTimeout(timeoutMs: number): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
    throw new RangeError(`timeoutMs must be a whole number of ms, 1–${MAX_TIMEOUT_MS}`);
  return timeoutMs;
}

/**
 * The path and query as fetch sends them: it percent-encodes a space or a non-ASCII character and
 * resolves `.` and `..` segments, and the gateway checks the signature over the path it receives.
 * Signing the text as the caller wrote it made every such request a 401 instead of its answer.
 * Parsed after an origin, as fetch parses `${baseUrl}${url}`: resolved against a base instead, a
 * url beginning with `//` named a host, and its first segment was dropped from what was sent.
 */
function asSent(url: string): string {
  if (!url.startsWith('/'))
    throw new TypeError(`url must be a path beginning with /: ${JSON.stringify(url.slice(0, 60))}`);
  const parsed = new URL(`http://gateway.invalid${url}`);
  return `${parsed.pathname}${parsed.search}`;
}

export class GatewayClient {
  readonly baseUrl: string;
  readonly credentials: ClientCredentials;
  readonly timeoutMs: number;

  constructor(baseUrl: string, credentials: ClientCredentials, options: GatewayClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.credentials = credentials;
    this.timeoutMs = checkedTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async request<T = unknown>(
    method: string,
    url: string,
    options: RequestOptions = {},
  ): Promise<GatewayResponse<T>> {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const target = asSent(url);
    const signature = signed(this.credentials, { method, url: target, body });
    const headers: Record<string, string> = { ...signature.headers, ...options.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const timeoutMs =
      options.timeoutMs === undefined ? this.timeoutMs : checkedTimeout(options.timeoutMs);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseUrl}${target}`, { method, headers, body, signal });
      text = await res.text();
    } catch (error) {
      // The caller's abort keeps its own reason; only the deadline is named a timeout.
      if (deadline.aborted && signal.reason === deadline.reason)
        throw new GatewayTimeoutError(method, url, timeoutMs, error);
      throw error;
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    const mismatch = signatureMismatch(
      this.credentials.clientId,
      signature.text,
      res.status,
      parsed,
    );
    return {
      status: res.status,
      headers: res.headers,
      body: parsed as T,
      ...(mismatch ? { signatureMismatch: mismatch } : {}),
    };
  }

  submitCase<T = unknown>(envelope: unknown, idempotencyKey: string, options: Limits = {}) {
    return this.request<T>('POST', '/v1/cases', {
      ...options,
      json: envelope,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
  }

  getCase<T = unknown>(caseId: string, options: Limits = {}) {
    return this.request<T>('GET', `/v1/cases/${encodeURIComponent(caseId)}`, options);
  }
}
