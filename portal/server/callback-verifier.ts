// Verifies a gateway callback (README.md#callbacks): signed by the request-signing scheme with
// X-Gw-Client `gateway` and this portal's own secret, so the portal checks it with the same code
// that signs its calls (gateway/client/signing.ts). Like the gateway, it refuses a stale timestamp
// and a nonce it has seen, so a captured callback cannot be replayed.
import {
  bodyDigest,
  isSignatureMethod,
  sign,
  signaturesEqual,
  stringToSign,
} from '../../gateway/client/signing.ts';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SKEW_SECONDS = 300;
const NONCE_TTL_MS = 600_000;

export interface CallbackRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly header: (name: string) => string | undefined;
  readonly rawBody: Buffer;
}

export class CallbackVerifier {
  readonly #secret: string;
  readonly #seen = new Map<string, number>();
  readonly #now: () => number;

  constructor(secret: string, now: () => number = Date.now) {
    this.#secret = secret;
    this.#now = now;
  }

  /** Undefined when the callback is genuine and fresh, else why it is refused. */
  problem(request: CallbackRequest): string | undefined {
    const h = (name: string) => request.header(name) ?? '';
    if (h('x-gw-client') !== 'gateway') return 'not signed by the gateway';
    const method = h('x-gw-signature-method') || 'HMAC-SHA256';
    if (!isSignatureMethod(method)) return 'unknown signature method';
    const timestamp = h('x-gw-timestamp');
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(this.#now() / 1000 - Number(timestamp)) > SKEW_SECONDS
    )
      return 'stale timestamp';
    const nonce = h('x-gw-nonce');
    if (!NONCE.test(nonce)) return 'malformed nonce';
    const [path = '', query = ''] = request.url.split(/\?(.*)/s);
    const text = stringToSign({
      method: request.method,
      path,
      rawQuery: query,
      timestamp,
      nonce,
      bodyDigestHex: bodyDigest(method, request.rawBody),
    });
    if (!signaturesEqual(sign(method, this.#secret, text), h('x-gw-signature')))
      return 'bad signature';
    this.#forgetOld();
    if (this.#seen.has(nonce)) return 'replayed nonce';
    this.#seen.set(nonce, this.#now() + NONCE_TTL_MS);
    return undefined;
  }

  #forgetOld(): void {
    const now = this.#now();
    for (const [nonce, until] of this.#seen) if (until <= now) this.#seen.delete(nonce);
  }
}
