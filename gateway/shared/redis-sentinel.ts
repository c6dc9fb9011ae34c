// A master found through Redis Sentinel (REDIS_URL `redis-sentinel://…/<masterName>`,
// README.md#redis-topologies): every connection of every process asks the Sentinels where the
// master is whenever it connects, ioredis's SentinelConnector, so after a fail-over each one finds
// the promoted replica by itself. What a fail-over needs beyond that:
// - a connection to the old master is lost (it died, or Sentinel's reconfiguration of a demoted
//   master kills its clients: CLIENT KILL TYPE normal) and reconnects through the Sentinels, which
//   name the old master until they promote: refused until then (503 on the request path), then
//   the new one; ioredis's ready check refuses a server that answers as a replica;
// - a connection that still reaches a master demoted without losing its clients (a partition that
//   heals) is refused every write with READONLY: that answer reconnects it (reconnectOnError, the
//   command itself failed, 503, never sent again) rather than leave it on a replica for good.
// ioredis's failoverDetector (a subscription to +switch-master on every Sentinel) is not used: it
// holds a connection to each Sentinel per connection of ours (BullMQ's blocking ones included),
// and tells nothing the two above do not, save a partitioned master's clients, which
// GW_REDIS_WAIT_REPLICAS's WAIT (its replicas gone with the partition) answers 503.
import type { Redis, RedisOptions } from 'ioredis';
import { probeCommand } from './probe-command.ts';
import type { RedisNode, SentinelTarget } from './redis.ts';
import {
  NAT_MAP_HINT,
  addressKey,
  announcedBehind,
  ioredisNatMap,
  reachedThrough,
  type RedisNatMap,
} from './redis-nat-map.ts';

/** A demoted master's refusal of a write. */
const READONLY = /^READONLY\b/;

/** A sentinel target's connection options, to lay over a role's (shared/redis.ts redisOptions). */
export function sentinelOptions(
  target: SentinelTarget,
  connectTimeoutMs: number,
  natMap?: RedisNatMap,
): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.name,
    role: 'master',
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // A Sentinel that accepts the connection and never answers is skipped for the next one,
    // rather than holding the connection's every reconnect.
    sentinelCommandTimeout: connectTimeoutMs,
    reconnectOnError: (error) => (READONLY.test(error.message) ? 1 : false),
    // The master's (and the Sentinels') announced addresses, translated (redis-nat-map.ts).
    ...(natMap ? { natMap: ioredisNatMap(natMap) } : {}),
  };
}

/**
 * Asks each Sentinel of a connection for its master's address (SENTINEL get-master-addr-by-name),
 * each on a short-lived connection held to `timeoutMs`: the address one announced (as the
 * Sentinel gave it, before any NAT map), or undefined when none answered. Rejects when some
 * answered and none monitors the name, which a start would otherwise wait out its whole start-up
 * timeout for and then say only that Redis was not reachable.
 */
export async function masterAnnouncedBySentinels(
  redis: Redis,
  timeoutMs: number,
): Promise<RedisNode | undefined> {
  const { options } = redis;
  const answers = await Promise.all(
    (options.sentinels ?? []).map(async (sentinel) => {
      try {
        const address = await probeCommand(
          {
            host: sentinel.host ?? '127.0.0.1',
            port: sentinel.port ?? 26_379,
            username: options.sentinelUsername,
            password: options.sentinelPassword,
            tls: options.sentinelTLS,
          },
          timeoutMs,
          'SENTINEL',
          'get-master-addr-by-name',
          options.name ?? '',
        );
        return Array.isArray(address)
          ? { host: String(address[0]), port: Number(address[1]) }
          : 'unknown';
      } catch {
        return 'unreached';
      }
    }),
  );
  const announced = answers.find((answer) => typeof answer === 'object');
  if (announced) return announced;
  if (answers.includes('unknown')) {
    // Not a StartupError: the process prefixes the setting it came from (REDIS_URL, the portal's).
    throw new Error(
      `no Sentinel (${sentinelList(redis)}) monitors a master named "${options.name}"`,
    );
  }
  return undefined;
}

/** A connection's Sentinels, host:port each, as its URL named them. */
export function sentinelList(redis: Redis): string {
  return (redis.options.sentinels ?? []).map((s) => `${s.host}:${s.port}`).join(', ');
}

/**
 * The master a ready connection reached, for a start's lines: its name and address (and, through
 * a NAT map, the address the Sentinels announced it by).
 */
export function sentinelMasterLabel(redis: Redis): string {
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  if (!stream?.remoteAddress) return `master "${redis.options.name}" (?)`;
  const reached = `${stream.remoteAddress}:${stream.remotePort}`;
  const announced = announcedBehind(
    redis.options.natMap,
    stream.remoteAddress,
    stream.remotePort ?? 0,
  );
  const address = announced ? `${announced}, reached at ${reached} through the NAT map` : reached;
  return `master "${redis.options.name}" (${address})`;
}

/**
 * Why a connection the Sentinels answered never reached its master: the address they announce,
 * where the NAT map sent it (or that it lists no such address), and the connection's last error.
 */
export function unreachedMasterReason(
  redis: Redis,
  announced: RedisNode,
  lastError: Error | undefined,
): string {
  const reached = reachedThrough(redis.options.natMap, announced);
  const where = reached
    ? `${addressKey(announced)}, reached at ${addressKey(reached)} through the NAT map`
    : addressKey(announced);
  const why = lastError ? ` (${lastError.message})` : '';
  const hint = redis.options.natMap
    ? reached
      ? ''
      : ', which the NAT map does not list'
    : `: ${NAT_MAP_HINT}`;
  return `the Sentinels name master "${redis.options.name}" at ${where}${why}${hint}`;
}
