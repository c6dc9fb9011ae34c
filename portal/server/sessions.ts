// Portal sessions (README.md#the-taxpayer-portal): after login the browser holds only a random
// session id in a cookie that scripts cannot read (HttpOnly), that other sites' requests do not
// carry (SameSite=Strict) and, in production, that travels only over https (Secure). Everything
// else — the account, the CSRF token every state-changing request must echo — stays on the server,
// in the portal's Redis: a restarted portal (or a second one beside it) knows the same sessions.
// Redis holds each under the hash of its id (portal-keys.ts) with a TTL of the idle time, renewed
// by every request, so an idle session ends by itself; its account is named by the login's keyed
// digest, never the login. Repeated failed logins are counted apart (login-lockout.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { PortalKeys } from './portal-keys.ts';
import type { PortalAccount } from './test-accounts.ts';

export const SESSION_COOKIE = 'portal_sid';

export interface Session {
  readonly id: string;
  readonly account: PortalAccount;
  /** Echoed in X-CSRF-Token (or a form's _csrf field) by every state-changing request. */
  readonly csrf: string;
}

export interface SessionStoreDeps {
  readonly redis: RedisClient;
  readonly keys: PortalKeys;
  readonly accounts: readonly PortalAccount[];
  readonly idleMinutes: number;
}

/** A transaction's answers, or its first error thrown (a Redis failure is a 503, portal-app.ts). */
function answers(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('portal session transaction aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}

export class SessionStore {
  readonly #redis: RedisClient;
  readonly #keys: PortalKeys;
  /** The accounts by their logins' digests: what a session's `account` field names. */
  readonly #accounts: ReadonlyMap<string, PortalAccount>;
  readonly #idleMs: number;

  constructor(deps: SessionStoreDeps) {
    this.#redis = deps.redis;
    this.#keys = deps.keys;
    this.#accounts = new Map(deps.accounts.map((a) => [deps.keys.account(a.login), a]));
    this.#idleMs = deps.idleMinutes * 60_000;
  }

  async open(account: PortalAccount): Promise<Session> {
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      account,
      csrf: randomBytes(24).toString('base64url'),
    };
    const key = this.#keys.session(session.id);
    answers(
      await this.#redis
        .multi()
        .hset(key, { account: this.#keys.account(account.login), csrf: session.csrf })
        .pexpire(key, this.#idleMs)
        .exec(),
    );
    return session;
  }

  /** The live session with this id, its idle time restarted. */
  async find(id: string | undefined): Promise<Session | undefined> {
    if (!id) return undefined;
    const key = this.#keys.session(id);
    // PEXPIRE on a missing key does nothing: an ended session stays ended.
    const [stored] = answers(
      await this.#redis.multi().hgetall(key).pexpire(key, this.#idleMs).exec(),
    ) as [Record<string, string>];
    const account = stored.account ? this.#accounts.get(stored.account) : undefined;
    if (!account || !stored.csrf) return undefined;
    return { id, account, csrf: stored.csrf };
  }

  async close(id: string): Promise<void> {
    await this.#redis.del(this.#keys.session(id));
  }
}

export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  // Compared as bytes, their lengths first: a header of the token's length in characters may be
  // longer in bytes (not ASCII), and timingSafeEqual throws on unequal lengths.
  const [a, b] = [Buffer.from(given), Buffer.from(session.csrf)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Set-Cookie value for a session (or its removal). */
export function sessionCookie(id: string | undefined, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${id ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(id ? [] : ['Max-Age=0']),
  ];
  return parts.join('; ');
}

/** The session id from a Cookie header. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
