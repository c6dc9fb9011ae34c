// Every Redis key the reference portal owns (README.md#the-taxpayer-portal), under its own prefix
// (PORTAL_REDIS_PREFIX) so it can share a Redis with the gateway or another portal. A session is
// keyed by the SHA-256 of its id: whoever reads the keyspace (a dump, MONITOR, a slow log) finds no
// cookie that would log them in. A login is never stored: where the portal must find records by
// login (an account's cases, its lock-out) or say whose a record is (a session, a case), it stores
// the login's HMAC-SHA-256 under PORTAL_LOGIN_KEY; a lock-out's client address is keyed the same
// way, with the login or alone. A plain hash would not do: a login may be a
// phone or ID number, few enough to hash them all and read the digests back. The key never
// rotates (portal-config.ts), so a login's digest is the same for as long as its records live.
// The Idempotency-Keys of a payment and of a rating are named here too: they leave this server in
// a header (proxies, their logs) and the gateway keeps their hash in a key name, so each carries
// the account's digest, hashed again with what it keys (the form's key, the case id), never the
// login. A gateway callback's nonce is kept for the replay window under its SHA-256: the key is
// the same length whatever was signed, and names nothing the signer put in the header.
import { createHash, createHmac } from 'node:crypto';
import type { DataKey } from '../../gateway/personal-data/data-keys.ts';
import type { RedisDataLossKeys } from '../../gateway/shared/redis-data-loss.ts';

export interface PortalKeys extends RedisDataLossKeys {
  readonly prefix: string;
  /** Hash {account, csrf} of one session, expiring after the session's idle time. */
  session(sessionId: string): string;
  /** Counter of one login's recent failed attempts from one client address (login-lockout.ts). */
  loginFailures(login: string, address: string): string;
  /** Counter of one client address's recent failed attempts, whatever the login. */
  addressFailures(address: string): string;
  /** Marks a verified gateway callback's nonce as seen, for the replay window (callback-verifier.ts). */
  callbackNonce(nonce: string): string;
  /** Hash of what the portal remembers of one case it submitted (portal-cases.ts). */
  case(caseId: string): string;
  /** Sorted set of the case ids an account submitted, scored by submission time (ms). */
  accountCases(login: string): string;
  /** What a session's or a case's `account` field holds: the login's keyed digest. */
  account(login: string): string;
  /**
   * The Idempotency-Key of one form submission sent to the gateway: `portal-<base64url SHA-256 of
   * the account's digest and the form's submission key>`. The same for a resend of the same form
   * by the same account, another for another account; it names neither the login nor the key.
   */
  idempotencyKey(login: string, submissionKey: string): string;
  /**
   * The Idempotency-Key of the 好差评 rating of one case by one account (the portal rates its
   * handling party only): `portal-rating-<base64url SHA-256 of the account's digest and the case
   * id>`. The same for every press of the rating's button, so a resend after a lost answer gets
   * the gateway's first answer instead of 409 GW_ALREADY_EVALUATED; it names neither login nor case.
   */
  ratingKey(login: string, caseId: string): string;
}

/**
 * Where the portal of the previous version kept logins in clear (login-migration.ts moves them):
 * the login in a key's name, or a hash's `login` field.
 */
export const LEGACY = {
  loginFailures: (prefix: string) => new RegExp(`^${prefix}:login-failures:(.+)$`),
  accountCases: (prefix: string) => new RegExp(`^${prefix}:account:(.+):cases$`),
  field: 'login',
} as const;

/**
 * The case hashes' keys alone, which need no login key: what the data-key census and re-seal walk
 * (portal-sealed-records.ts).
 */
export function caseKeys(prefix: string) {
  const head = `${prefix}:case:`;
  return {
    key: (caseId: string) => `${head}${caseId}`,
    /** SCAN's MATCH for every case hash (the prefix holds no glob character: portal-config.ts). */
    pattern: `${head}*`,
    idOf: (key: string) => key.slice(head.length),
  };
}

export function sessionDigest(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}

/** IPv4 or IPv6 (a zone, a mapped v4): what express reports as req.ip; anything else one name. */
const addressOf = (ip: string) => (/^[0-9A-Fa-f:.%a-z]{1,64}$/.test(ip) ? ip : '~unknown');

export function portalKeys(prefix: string, loginKey: DataKey): PortalKeys {
  const account = (login: string) =>
    createHmac('sha256', loginKey.key).update(login, 'utf8').digest('base64url');
  return {
    prefix,
    // The mark that tells a Redis that came back empty, and the day's record of it
    // (portal-data-loss.ts): the gateway's names, under the portal's prefix.
    redisEpoch: `${prefix}:redis-epoch`,
    redisDataLost: `${prefix}:redis-data-lost`,
    session: (sessionId) => `${prefix}:session:${sessionDigest(sessionId)}`,
    // `login\0<address>\0<login>` and `address\0<address>`: an address holds no NUL, so each
    // pair is one input, and the leading word keeps the two counts' digests (and a login's) apart.
    loginFailures: (login, address) =>
      `${prefix}:login-lock:pair:${account(`login\0${addressOf(address)}\0${login}`)}`,
    addressFailures: (address) =>
      `${prefix}:login-lock:address:${account(`address\0${addressOf(address)}`)}`,
    callbackNonce: (nonce) =>
      `${prefix}:callback-nonce:${createHash('sha256').update(nonce).digest('base64url')}`,
    case: caseKeys(prefix).key,
    accountCases: (login) => `${prefix}:account-cases:${account(login)}`,
    account,
    // A digest is 43 base64url characters, a submission key has no NUL: the pair is unambiguous.
    idempotencyKey: (login, submissionKey) =>
      `portal-${createHash('sha256')
        .update(`${account(login)}\0${submissionKey}`)
        .digest('base64url')}`,
    // The same pairing with the case id (a ULID); its own prefix keeps it apart from a payment's.
    ratingKey: (login, caseId) =>
      `portal-rating-${createHash('sha256')
        .update(`${account(login)}\0${caseId}`)
        .digest('base64url')}`,
  };
}
