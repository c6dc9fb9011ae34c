// Lock-out after repeated failed sign-ins (gateway/console/README.md#security): per operator id,
// so guessing one operator's password stops after consoleLockAfterFailures tries, and per client
// address, so one machine cannot try every id in turn. Counts live in Redis (shared by every
// gateway instance) with the window as their expiry; the failure that reaches the limit restarts
// the expiry, so the lock lasts the whole consoleLockMinutes. A correct password while locked is
// refused like a wrong one — the lock is checked first — and does not reveal the password was right.
import type { RedisClient } from '../shared/redis.ts';
import type { ConsoleKeys } from '../shared/redis-keys.ts';

export type LockSubject = 'operator' | 'ip';

export interface SignInLockoutDeps {
  readonly redis: RedisClient;
  readonly keys: ConsoleKeys;
  readonly operatorLimit: number;
  readonly ipLimit: number;
  readonly windowMs: number;
}

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
    return this.#deps.keys.failures(by, by === 'operator' ? idKey(subject) : ipKey(subject));
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
