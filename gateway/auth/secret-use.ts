// When each secret of a rotating client was last accepted, across every gateway
// (README.md#rotating-a-clients-secret, step 3): the metric gw_client_secret_matches_total is per
// process, so an operator had to read every process's /metrics before dropping the old secret.
//
// Written only for a client with a previous secret (authenticate.ts tells of no other), at most
// once per THROTTLE_MS per client, secret and process, and never awaited: a request is neither
// delayed nor failed by it, a Redis error is logged. A shown time is therefore up to THROTTLE_MS
// earlier than the secret's real last use. One sorted set per client, `<secret>|<gateway>` →
// when that gateway last recorded it (ms), raised only (ZADD GT), so a late write of an older
// time never hides a newer one; members older than HORIZON_MS are dropped at each write and the
// key expires HORIZON_MS after the last, so a rotation's record is gone a week after it ended.
// Every client's key shares the hash tag `{clients}`: the listing reads them all in one slot.
import { hostname } from 'node:os';
import type { RedisClient } from '../shared/redis.ts';
import type { RateLimitedLog } from '../shared/rate-limited-log.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { SecretUsed } from './authenticate.ts';

/** A process records a client's secret at most this often. */
export const THROTTLE_MS = 5_000;
/**
 * How long a use is kept: a week, so a client that signs weekly (a batch job still holding the old
 * secret) is seen before step 4; far beyond the nonces' 600 s and a process's own counters.
 */
export const HORIZON_MS = 7 * 24 * 3_600_000;

/** The last accepted use of one secret: when, and by which gateway process. */
export interface SecretUse {
  readonly at: string;
  readonly gateway: string;
}

export interface SecretUses {
  readonly current: SecretUse | null;
  readonly previous: SecretUse | null;
}

export interface SecretUseLedger {
  /** This process, as it names itself in the records (host and pid, as its log lines). */
  readonly gateway: string;
  /** A rotating client's request verified with `secret`: recorded in the background. */
  accepted(clientId: string, secret: SecretUsed): void;
  /** The recorded uses of these clients (a client with none: both null). */
  read(clientIds: readonly string[]): Promise<Map<string, SecretUses>>;
}

export interface SecretUseSettings {
  redis: RedisClient;
  keys: Pick<RedisKeys, 'secretUse'>;
  log: RateLimitedLog;
  now?: () => number;
  gateway?: string;
}

export function secretUseLedger(settings: SecretUseSettings): SecretUseLedger {
  const { redis, keys, log } = settings;
  const now = settings.now ?? Date.now;
  const gateway = settings.gateway ?? `${hostname()}/${process.pid}`;
  // One entry per rotating client and secret: as small as the clients file.
  const lastWritten = new Map<string, number>();
  const failed = (error: unknown) =>
    log.warn(
      'secret-use-write',
      { err: error },
      'could not record the use of a rotating secret (the request was served)',
    );
  return {
    gateway,
    accepted(clientId, secret) {
      const at = now();
      const throttle = `${clientId}|${secret}`;
      const last = lastWritten.get(throttle);
      if (last !== undefined && at - last < THROTTLE_MS) return;
      lastWritten.set(throttle, at);
      const key = keys.secretUse(clientId);
      // Three single-key commands, issued in one turn: they leave in one write (batched-redis.ts).
      redis.zadd(key, 'GT', at, `${secret}|${gateway}`).catch(failed);
      redis.zremrangebyscore(key, '-inf', `(${at - HORIZON_MS}`).catch(failed);
      redis.pexpire(key, HORIZON_MS).catch(failed);
    },
    async read(clientIds) {
      const horizon = now() - HORIZON_MS;
      const answers = await Promise.all(
        clientIds.map((id) => redis.zrange(keys.secretUse(id), '0', '-1', 'WITHSCORES')),
      );
      const uses = new Map<string, SecretUses>();
      clientIds.forEach((id, i) => uses.set(id, latest(answers[i]!, horizon)));
      return uses;
    },
  };
}

/** The newest use of each secret in a ZRANGE … WITHSCORES answer, within the horizon. */
function latest(flat: readonly string[], horizon: number): SecretUses {
  const best: Record<SecretUsed, { ms: number; gateway: string } | undefined> = {
    current: undefined,
    previous: undefined,
  };
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const member = flat[i]!;
    const ms = Number(flat[i + 1]);
    const bar = member.indexOf('|');
    const secret = member.slice(0, bar);
    if (bar < 0 || (secret !== 'current' && secret !== 'previous') || !(ms >= horizon)) continue;
    if ((best[secret]?.ms ?? -1) < ms) best[secret] = { ms, gateway: member.slice(bar + 1) };
  }
  const shown = (use: { ms: number; gateway: string } | undefined): SecretUse | null =>
    use ? { at: new Date(use.ms).toISOString(), gateway: use.gateway } : null;
  return { current: shown(best.current), previous: shown(best.previous) };
}
