// Operator console sessions (gateway/console/README.md#security), kept in Redis so any gateway
// instance serves any request and a restart signs nobody out. The browser holds only a random
// 256-bit id; Redis holds the session under the SHA-256 of that id, so a copy of Redis (a dump, a
// replica, a MONITOR) does not hand out live cookies. A session ends when it has been idle for
// consoleIdleMinutes or consoleSessionHours after sign-in, whichever comes first; the times are
// read from the gateway's clock (tests advance it) and Redis forgets an idle session by itself.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../shared/redis.ts';
import type { ConsoleKeys } from '../shared/redis-keys.ts';

export interface ConsoleSession {
  /** The cookie value (only ever in this request's memory, never stored). */
  readonly id: string;
  readonly operatorId: string;
  /** The synchronizer token every console form carries (csrf.ts). */
  readonly csrf: string;
  readonly signedInAt: number;
}

export type SessionLookup =
  { readonly session: ConsoleSession } | { readonly expired: true } | { readonly missing: true };

export interface ConsoleSessionsDeps {
  readonly redis: RedisClient;
  readonly keys: ConsoleKeys;
  readonly idleMs: number;
  readonly maxMs: number;
  readonly now: () => Date;
}

/** base64url of 32 random bytes: what a session cookie holds. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export class ConsoleSessions {
  readonly #deps: ConsoleSessionsDeps;

  constructor(deps: ConsoleSessionsDeps) {
    this.#deps = deps;
  }

  /** A new session for the operator (a new id every sign-in: no session fixation). */
  async open(operatorId: string): Promise<ConsoleSession> {
    const { redis, keys, idleMs, now } = this.#deps;
    const session: ConsoleSession = {
      id: randomBytes(32).toString('base64url'),
      operatorId,
      csrf: randomBytes(32).toString('base64url'),
      signedInAt: now().getTime(),
    };
    const key = keys.session(hashOf(session.id));
    await redis
      .multi()
      .hset(key, {
        operator: operatorId,
        csrf: session.csrf,
        signedInAt: session.signedInAt,
        lastSeenAt: session.signedInAt,
      })
      .pexpire(key, idleMs)
      .exec();
    return session;
  }

  /** The live session with this cookie value, its idle timer restarted; or why there is none. */
  async find(id: string | undefined): Promise<SessionLookup> {
    if (!id || !SESSION_ID.test(id)) return { missing: true };
    const { redis, keys, idleMs, maxMs, now } = this.#deps;
    const key = keys.session(hashOf(id));
    const [operator, csrf, signedIn, lastSeen] = await redis.hmget(
      key,
      'operator',
      'csrf',
      'signedInAt',
      'lastSeenAt',
    );
    if (!operator || !csrf || !signedIn || !lastSeen) return { expired: true };
    const at = now().getTime();
    if (at - Number(lastSeen) >= idleMs || at - Number(signedIn) >= maxMs) {
      await redis.del(key);
      return { expired: true };
    }
    await redis.multi().hset(key, 'lastSeenAt', at).pexpire(key, idleMs).exec();
    return { session: { id, operatorId: operator, csrf, signedInAt: Number(signedIn) } };
  }

  async close(id: string | undefined): Promise<void> {
    if (id && SESSION_ID.test(id)) await this.#deps.redis.del(this.#deps.keys.session(hashOf(id)));
  }
}

/** Constant-time comparison of a submitted token with the expected one (never empty). */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (expected.length < 32 || typeof given !== 'string' || given.length !== expected.length)
    return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
