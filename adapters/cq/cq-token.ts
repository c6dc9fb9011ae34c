// 渝快办 OAuth2 client-credentials (RFC 6749 §4.4): POST /oauth/token with HTTP Basic
// (client id : secret) and form grant_type=client_credentials → { access_token, expires_in }.
// The token is cached and fetched again shortly before it expires (a tenth of its lifetime, at
// most 60 s early), so deliveries do not race the expiry. Concurrent callers share one fetch.
// After a 401 the caller asks for a replacement of the token it used: if another caller already
// replaced it, that newer token is reused instead of fetching again.
import { TransientDeliveryError, type AdapterContext } from '../kit/contract.ts';
import { classifyHttpFailure, type HttpBackend } from '../kit/http-backend.ts';

export const CQ_TOKEN_PATH = '/oauth/token';
export const CQ_SCOPE = 'kstb';

interface CachedToken {
  token: string;
  /** When to stop using it (expiry minus the refresh margin), epoch ms. */
  refreshAt: number;
}

export class CqTokenCache {
  readonly #backend: HttpBackend;
  readonly #basic: string;
  readonly #now: () => number;
  #current: CachedToken | undefined;
  #inflight: Promise<string> | undefined;

  constructor(backend: HttpBackend, clientId: string, clientSecret: string, now = Date.now) {
    this.#backend = backend;
    // RFC 6749 §2.3.1: form-encode id and secret before joining them for Basic.
    const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    this.#basic = `Basic ${Buffer.from(pair).toString('base64')}`;
    this.#now = now;
  }

  /** A token that is valid for a while yet. */
  async token(context: AdapterContext): Promise<string> {
    if (this.#current && this.#now() < this.#current.refreshAt) return this.#current.token;
    return this.#fetch(context);
  }

  /** A replacement for `rejected` (the platform answered 401 to it). */
  async replace(rejected: string, context: AdapterContext): Promise<string> {
    if (
      this.#current &&
      this.#current.token !== rejected &&
      this.#now() < this.#current.refreshAt
    ) {
      return this.#current.token;
    }
    if (this.#current?.token === rejected) this.#current = undefined;
    return this.#fetch(context);
  }

  #fetch(context: AdapterContext): Promise<string> {
    this.#inflight ??= this.#request(context).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #request(context: AdapterContext): Promise<string> {
    const response = await this.#backend.send(
      {
        method: 'POST',
        path: CQ_TOKEN_PATH,
        form: { grant_type: 'client_credentials', scope: CQ_SCOPE },
        headers: { Authorization: this.#basic },
      },
      context,
    );
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(response.text) as typeof body;
    } catch {
      // judged by status below
    }
    if (response.status !== 200) {
      const error = typeof body.error === 'string' ? body.error : undefined;
      context.log.warn({ adapter: 'cq', status: response.status, error }, 'cq token refused');
      // invalid_client / invalid_grant are 400/401: wrong credentials, no retry will fix them.
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'), error);
    }
    const expiresIn = Number(body.expires_in);
    if (typeof body.access_token !== 'string' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new TransientDeliveryError('cq token answer without access_token/expires_in');
    }
    const lifetimeMs = expiresIn * 1000;
    const margin = Math.min(60_000, lifetimeMs / 10);
    this.#current = { token: body.access_token, refreshAt: this.#now() + lifetimeMs - margin };
    context.log.debug({ adapter: 'cq', expiresIn }, 'cq token fetched');
    return body.access_token;
  }
}
