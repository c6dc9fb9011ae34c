// Lock-out after repeated failed sign-ins (gateway/console/README.md#security): per operator id,
// so guessing one operator's password stops after consoleLockAfterFailures tries, and per client
// address, so one machine cannot try every id in turn. Counts live in Redis (shared by every
// gateway instance) with the window as their expiry; the failure that reaches the limit restarts
// the expiry, so the lock lasts the whole consoleLockMinutes. A correct password while locked is
// refused like a wrong one — the lock is checked first — and does not reveal the password was right.
// A count's key is named by the HMAC-SHA-256 of `<operator|ip>\0<subject>` under a key derived from
// the current data key (personal-data/derived-key.ts), never by the id or the address: key names
// are not encrypted at rest and show in a SCAN, MONITOR, the slow log and backups. The counts follow
// the current data key: when another becomes current, the windows start over.
import { createHmac, type KeyObject } from 'node:crypto';
import type { RedisClient } from '../shared/redis.ts';
import type { ConsoleKeys } from '../shared/redis-keys.ts';

export type LockSubject = 'operator' | 'ip';

export interface SignInLockoutDeps {
  readonly redis: RedisClient;
  readonly keys: ConsoleKeys;
  /** The HMAC key naming the counts: derived from the current data key (LOCKOUT_KEY_PURPOSE). */
  readonly secret: KeyObject;
  readonly operatorLimit: number;
  readonly ipLimit: number;
  readonly windowMs: number;
}

/** What the HMAC key of the counts is derived for (personal-data/derived-key.ts). */
export const LOCKOUT_KEY_PURPOSE = 'console-lockout';

/** Ids as registered (config/clients.schema.json); anything else is counted as one unknown id. */
const OPERATOR_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;
const idKey = (operatorId: string) => (OPERATOR_ID.test(operatorId) ? operatorId : '~unknown');
/** IPv4, IPv6 (with a zone or mapped v4): what express reports as req.ip. */
const ipKey = (ip: string) => (/^[0-9A-Fa-f:.%a-z]{1,64}$/.test(ip) ? ip : '~unknown');

export class SignInLockout {
  readonly #deps: SignInLockoutDeps;

  constructor(deps: SignInLockoutDeps) {
    this.#deps = deps;
  }

  #key(by: LockSubject, subject: string): string {
    const counted = by === 'operator' ? idKey(subject) : ipKey(subject);
    const digest = createHmac('sha256', this.#deps.secret)
      .update(`${by}\0${counted}`, 'utf8')
      .digest('base64url');
    return this.#deps.keys.failures(digest);
  }

  /** What is locked now: the operator id, the address, or nothing. */
  async locked(operatorId: string, ip: string): Promise<LockSubject | undefined> {
    const { redis, operatorLimit, ipLimit } = this.#deps;
    // Two reads, not one MGET: the keys may sit in different Redis Cluster slots.
    const [byOperator, byIp] = await Promise.all([
      redis.get(this.#key('operator', operatorId)),
      redis.get(this.#key('ip', ip)),
    ]);
    if (Number(byOperator ?? 0) >= operatorLimit) return 'operator';
    if (Number(byIp ?? 0) >= ipLimit) return 'ip';
    return undefined;
  }

  /** Counts a failure; answers which locks this failure has just closed. */
  async failed(operatorId: string, ip: string): Promise<LockSubject[]> {
    const { redis, operatorLimit, ipLimit, windowMs } = this.#deps;
    const closed: LockSubject[] = [];
    for (const [by, subject, limit] of [
      ['operator', operatorId, operatorLimit],
      ['ip', ip, ipLimit],
    ] as const) {
      const key = this.#key(by, subject);
      const result = await redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec();
      const count = Number(result?.[0]?.[1] ?? 0);
      if (count === limit) {
        await redis.pexpire(key, windowMs);
        closed.push(by);
      }
    }
    return closed;
  }

  /** A successful sign-in clears the operator's count (not the address's). */
  async succeeded(operatorId: string): Promise<void> {
    await this.#deps.redis.del(this.#key('operator', operatorId));
  }
}
