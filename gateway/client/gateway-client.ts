// The small signing client portals can import (README: "Signing requests"). It signs with the
// scheme of gateway/README.md#authentication-and-signing and sends with fetch; tests use it, and so
// can a portal's Node backend.
import { randomBytes } from 'node:crypto';
import { bodyDigest, sign, stringToSign, type SignatureMethod } from './signing.ts';

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

/** Returns the X-Gw-* headers for one request. */
export function signRequest(
  credentials: ClientCredentials,
  input: SignInput,
): Record<string, string> {
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
  return {
    'X-Gw-Client': credentials.clientId,
    'X-Gw-Timestamp': timestamp,
    'X-Gw-Nonce': nonce,
    'X-Gw-Signature-Method': method,
    'X-Gw-Signature': sign(method, credentials.secret, text),
  };
}

export interface GatewayResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class GatewayClient {
  readonly baseUrl: string;
  readonly credentials: ClientCredentials;

  constructor(baseUrl: string, credentials: ClientCredentials) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.credentials = credentials;
  }

  async request<T = unknown>(
    method: string,
    url: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<GatewayResponse<T>> {
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string> = {
      ...signRequest(this.credentials, { method, url, body }),
      ...options.headers,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${url}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  submitCase<T = unknown>(envelope: unknown, idempotencyKey: string) {
    return this.request<T>('POST', '/v1/cases', {
      json: envelope,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
  }

  getCase<T = unknown>(caseId: string) {
    return this.request<T>('GET', `/v1/cases/${encodeURIComponent(caseId)}`);
  }
}
