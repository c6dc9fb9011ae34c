// The portal of the previous version kept logins in clear in its Redis
// (README.md#the-taxpayer-portal): in the names of an account's set of cases
// (`<prefix>:account:<login>:cases`) and of its failure counter
// (`<prefix>:login-failures:<login>`), and in the `login` field of each case and session hash. Before it serves, the portal moves every
// such record to the login's keyed digest (portal-keys.ts), so nothing reads both shapes and no
// login stays behind in clear for the year a case record is kept. Each record moves in one script
// that first checks it is still in the old shape: running again, or in two portals starting at
// once, moves nothing twice. It walks the portal's prefix at every start (one SCAN, pipelined), so
// records a portal of the previous version wrote while this one ran are moved at the next start.
// A failure counter has nowhere to move: counts are now per login and client address
// (login-lockout.ts) and the old one names no address, so it is deleted — its login in clear goes
// with it, and that login's lock (at most 5 minutes) starts over. The per-login counters of the
// version before this one (`<prefix>:login-lock:<login digest>`, no login in clear) are no longer
// read and expire by their own 5-minute TTL.
import { luaScript, runScript } from '../../gateway/shared/lua-script.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import { LEGACY, type PortalKeys } from './portal-keys.ts';

// KEYS[1] the old sorted set, KEYS[2] the new one. Output: 1 if moved, 0 if already gone. The
// two are merged (a new portal may have written the new one first), the longer TTL kept.
const MOVE_SET = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ttl = math.max(redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]))
redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MAX')
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('DEL', KEYS[1])
return 1
`);

// KEYS[1] a case or session hash. ARGV[1] the login its `login` field held when read, ARGV[2] the
// login's digest. Output: 1 if moved, 0 if the field no longer holds ARGV[1]. The TTL is kept.
const MOVE_FIELD = luaScript(`
if redis.call('HGET', KEYS[1], 'login') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'account', ARGV[2])
redis.call('HDEL', KEYS[1], 'login')
return 1
`);

const SCAN_COUNT = 1000;

/**
 * Moves every login the previous version stored in clear to its digest (a failure counter is
 * deleted); answers how many records moved or went.
 */
export async function keyLoginsByDigest(redis: RedisClient, keys: PortalKeys): Promise<number> {
  const counters = LEGACY.loginFailures(keys.prefix);
  const sets = LEGACY.accountCases(keys.prefix);
  const hashes = new RegExp(`^${keys.prefix}:(case|session):`);
  let moved = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(
      cursor,
      'MATCH',
      `${keys.prefix}:*`,
      'COUNT',
      SCAN_COUNT,
    );
    cursor = next;
    const inHashes = found.filter((key) => hashes.test(key));
    const logins = await Promise.all(inHashes.map((key) => redis.hget(key, LEGACY.field)));
    const moves: Promise<unknown>[] = [];
    inHashes.forEach((key, i) => {
      const login = logins[i];
      if (login) moves.push(runScript(redis, MOVE_FIELD, [key], [login, keys.account(login)]));
    });
    for (const key of found) {
      const [, counterOf] = counters.exec(key) ?? [];
      if (counterOf) moves.push(redis.del(key));
      const [, setOf] = sets.exec(key) ?? [];
      if (setOf) moves.push(runScript(redis, MOVE_SET, [key, keys.accountCases(setOf)], []));
    }
    for (const done of await Promise.all(moves)) moved += Number(done);
  } while (cursor !== '0');
  return moved;
}
