// Lock-out after repeated failed logins (README.md#the-taxpayer-portal), counted per login *and*
// client address, and per address across logins (OWASP's authentication guidance). The previous
// version counted per login alone, whoever typed it: anyone who knew a taxpayer's login could keep
// that taxpayer locked out for ever with five wrong passwords every five minutes, while a guesser
// spreading guesses over many logins was never stopped. Now a stranger's wrong passwords lock only
// the stranger's address for that login — the taxpayer from their own address still logs in — and
// one address failing ADDRESS_LOCK_AFTER times across any logins is locked for all of them.
// The address is express's req.ip: the socket's peer, or the client a trusted proxy names when
// PORTAL_TRUST_PROXY is set (behind a proxy it must be, or every taxpayer shares the proxy's
// address and its lock). A count's key is named by the login key's HMAC (portal-keys.ts), never
// the login or the address. The lock lasts LOCK_MS from the last failure; a correct password while
// locked is refused like a wrong one (the lock is checked first), and a successful login clears its
// login-and-address count but not the address's, which a sprayer holding one valid account could
// otherwise reset at will.
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { PortalKeys } from './portal-keys.ts';

/** Failures of one login from one address before that pair is locked. */
export const LOGIN_LOCK_AFTER = 5;
/** Failures from one address, across logins, before the address is locked. */
export const ADDRESS_LOCK_AFTER = 20;
/** How long a lock lasts after the failure that closed (or extended) it. */
export const LOCK_MS = 5 * 60_000;

/** A transaction's answers, or its first error thrown (a Redis failure is a 503, portal-app.ts). */
function answers(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('portal lock-out transaction aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}

export class LoginLockout {
  readonly #redis: RedisClient;
  readonly #keys: PortalKeys;

  constructor(deps: { readonly redis: RedisClient; readonly keys: PortalKeys }) {
    this.#redis = deps.redis;
    this.#keys = deps.keys;
  }

  /** True while this login from this address, or this address for every login, is locked. */
  async locked(login: string, address: string): Promise<boolean> {
    const [pair, byAddress] = answers(
      await this.#redis
        .multi()
        .get(this.#keys.loginFailures(login, address))
        .get(this.#keys.addressFailures(address))
        .exec(),
    );
    return Number(pair) >= LOGIN_LOCK_AFTER || Number(byAddress) >= ADDRESS_LOCK_AFTER;
  }

  /** One more failure of this login from this address; each lock lasts LOCK_MS from the last. */
  async failed(login: string, address: string): Promise<void> {
    const pair = this.#keys.loginFailures(login, address);
    const byAddress = this.#keys.addressFailures(address);
    answers(
      await this.#redis
        .multi()
        .incr(pair)
        .pexpire(pair, LOCK_MS)
        .incr(byAddress)
        .pexpire(byAddress, LOCK_MS)
        .exec(),
    );
  }

  /** A successful login clears its count from this address (not the address's own count). */
  async succeeded(login: string, address: string): Promise<void> {
    await this.#redis.del(this.#keys.loginFailures(login, address));
  }
}
