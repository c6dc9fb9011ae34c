// Verifies a gateway callback (README.md#callbacks): signed by the request-signing scheme with
// X-Gw-Client `gateway` and this portal's own secret, so the portal checks it with the same code
// that signs its calls (gateway/client/signing.ts). Like the gateway, it refuses a stale timestamp
// and a nonce it has seen, so a captured callback cannot be replayed. The nonces seen live in the
// portal's Redis (portal-keys.ts, one `SET NX PX` each), not in this process: a second portal on
// the same Redis, or this one restarted, refuses the replay too, and memory holds none of them. A
// Redis failure rejects, which the app answers 503 (store-unavailable.ts): the gateway retries,
// signing afresh, rather than the portal believing a callback it could not check. While the
// portal's secret rotates, a callback signed with its previous secret is accepted too
// (README.md#rotating-a-clients-secret): a worker not yet restarted still signs with it.
import {
  bodyDigest,
  isSignatureMethod,
  QueryEncodingError,
  sign,
  signaturesEqual,
  stringToSign,
} from '../../gateway/client/signing.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { PortalKeys } from './portal-keys.ts';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SKEW_SECONDS = 300;
/**
 * A timestamp is believed up to SKEW_SECONDS either side of now, so a nonce first seen at the
 * earliest moment its timestamp allows must be remembered until the latest: twice the skew.
 */
const NONCE_TTL_MS = 2 * SKEW_SECONDS * 1000;

export interface CallbackRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly header: (name: string) => string | undefined;
  readonly rawBody: Buffer;
}

export interface CallbackVerifierDeps {
  /** This portal's client secret: the gateway signs its callbacks with it. */
  readonly secret: string;
  /** The secret being rotated away from, still accepted (PORTAL_CLIENT_PREVIOUS_SECRET). */
  readonly previousSecret?: string | undefined;
  /** The portal's Redis, where the nonces seen are kept. */
  readonly redis: RedisClient;
  readonly keys: PortalKeys;
  readonly now?: () => number;
}

export class CallbackVerifier {
  readonly #secrets: readonly string[];
  readonly #redis: RedisClient;
  readonly #keys: PortalKeys;
  readonly #now: () => number;

  constructor(deps: CallbackVerifierDeps) {
    this.#secrets = deps.previousSecret ? [deps.secret, deps.previousSecret] : [deps.secret];
    this.#redis = deps.redis;
    this.#keys = deps.keys;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Undefined when the callback is genuine and fresh, else why it is refused. Rejects when the
   * portal's Redis fails: the nonce could not be checked.
   */
  async problem(request: CallbackRequest): Promise<string | undefined> {
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
    let text: string;
    try {
      text = stringToSign({
        method: request.method,
        path,
        rawQuery: query,
        timestamp,
        nonce,
        bodyDigestHex: bodyDigest(method, request.rawBody),
      });
    } catch (error) {
      // No gateway signs such a query; thrown on, it was a 503 that told a forger to retry and
      // logged a store failure that never was.
      if (error instanceof QueryEncodingError) return 'query not percent-encoding';
      throw error;
    }
    // Constant time per secret, the current one first.
    const signature = h('x-gw-signature');
    if (!this.#secrets.some((secret) => signaturesEqual(sign(method, secret, text), signature)))
      return 'bad signature';
    // Only after the signature: a forger cannot fill Redis with nonces. NX makes the claim atomic,
    // so of two portals handed the same callback at once, one accepts it.
    const claimed = await this.#redis.set(
      this.#keys.callbackNonce(nonce),
      '1',
      'PX',
      NONCE_TTL_MS,
      'NX',
    );
    return claimed === 'OK' ? undefined : 'replayed nonce';
  }
}
