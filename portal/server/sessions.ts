// Portal sessions (README.md#the-taxpayer-portal): after login the browser holds only a random
// session id in a cookie that scripts cannot read (HttpOnly), that other sites' requests do not
// carry (SameSite=Strict) and, in production, that travels only over https (Secure). Everything
// else — the account, the CSRF token every state-changing request must echo — stays on the server.
// Repeated failed logins lock an account for a while. Kept in memory: the reference portal is one
// process; a real portal would keep them in its own store.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { PortalAccount } from './test-accounts.ts';

export const SESSION_COOKIE = 'portal_sid';
const LOCK_AFTER = 5;
const LOCK_MS = 5 * 60_000;

export interface Session {
  readonly id: string;
  readonly account: PortalAccount;
  /** Echoed in X-CSRF-Token (or a form's _csrf field) by every state-changing request. */
  readonly csrf: string;
  expiresAt: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #failures = new Map<string, { count: number; until: number }>();
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(idleMinutes: number, now: () => number = Date.now) {
    this.#idleMs = idleMinutes * 60_000;
    this.#now = now;
  }

  open(account: PortalAccount): Session {
    this.#failures.delete(account.login);
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      account,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: this.#now() + this.#idleMs,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle timer restarted. */
  find(id: string | undefined): Session | undefined {
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(session.id);
      return undefined;
    }
    session.expiresAt = this.#now() + this.#idleMs;
    return session;
  }

  close(id: string): void {
    this.#sessions.delete(id);
  }

  /** True while a login is locked after repeated failures. */
  locked(login: string): boolean {
    const entry = this.#failures.get(login);
    return entry !== undefined && entry.count >= LOCK_AFTER && entry.until > this.#now();
  }

  failed(login: string): void {
    const entry = this.#failures.get(login);
    const count = entry && entry.until > this.#now() ? entry.count + 1 : 1;
    this.#failures.set(login, { count, until: this.#now() + LOCK_MS });
  }
}

export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(session.csrf));
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
