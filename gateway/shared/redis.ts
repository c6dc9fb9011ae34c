// Redis connections per role (gateway/README.md#redis-requirements). The HTTP path must fail fast
// when Redis is gone so a portal gets 503 within a second instead of a hang: no offline queue, one
// attempt, a command timeout. Workers are the opposite: BullMQ needs maxRetriesPerRequest null and
// waits for Redis.
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/load-config.ts';

export type RedisRole = 'http' | 'worker';

export interface RedisSettings {
  redisUrl: string;
  redisCommandTimeoutMs: number;
  redisConnectTimeoutMs: number;
  redisReconnectMaxDelayMs: number;
}

/** A process cannot start: Redis missing, unreachable, too old or evicting. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The connection settings of a process (gateway, worker, CLI) from its configuration. */
export function redisSettings(config: Config): RedisSettings {
  if (!config.redisUrl) throw new StartupError('REDIS_URL is not set');
  return {
    redisUrl: config.redisUrl,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    redisConnectTimeoutMs: config.redisConnectTimeoutMs,
    redisReconnectMaxDelayMs: config.redisReconnectMaxDelayMs,
  };
}

export function redisOptions(role: RedisRole, settings: RedisSettings): RedisOptions {
  const common: RedisOptions = {
    connectTimeout: settings.redisConnectTimeoutMs,
    // Keep reconnecting for ever, with a capped backoff, so readiness returns by itself.
    retryStrategy: (times) =>
      Math.min(50 * 2 ** Math.min(times, 10), settings.redisReconnectMaxDelayMs),
    lazyConnect: false,
  };
  if (role === 'http') {
    return {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: settings.redisCommandTimeoutMs,
    };
  }
  return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export function createRedis(role: RedisRole, settings: RedisSettings): Redis {
  const redis = new Redis(settings.redisUrl, redisOptions(role, settings));
  // Connection errors are reported through readiness and logs, never as unhandled 'error' events.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves once the connection is ready, or rejects after timeoutMs. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

export interface RedisServerFacts {
  version: string;
  maxmemoryPolicy: string;
  aofEnabled: boolean;
  appendfsync?: string;
}

function infoField(info: string, field: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

export async function readRedisFacts(redis: Redis): Promise<RedisServerFacts> {
  // INFO works where CONFIG is disabled (managed Redis), so the check never needs admin rights.
  const info = await redis.info();
  return {
    version: infoField(info, 'redis_version') ?? infoField(info, 'valkey_version') ?? '0',
    maxmemoryPolicy: infoField(info, 'maxmemory_policy') ?? 'unknown',
    aofEnabled: infoField(info, 'aof_enabled') === '1',
  };
}

/**
 * gateway/README.md#redis-requirements: queued jobs and case records must never be evicted, so the
 * gateway refuses to run on Redis older than 7 or with any maxmemory-policy other than noeviction.
 * Returns the problems.
 */
export function redisFactsProblems(facts: RedisServerFacts): string[] {
  const problems: string[] = [];
  const major = Number(facts.version.split('.')[0]);
  if (!(major >= 7))
    problems.push(`Redis ${facts.version} is too old: version 7 or newer is required`);
  if (facts.maxmemoryPolicy !== 'noeviction') {
    problems.push(
      `Redis maxmemory-policy is ${facts.maxmemoryPolicy}: it must be noeviction, or queued cases could be evicted (set "maxmemory-policy noeviction" in redis.conf)`,
    );
  }
  return problems;
}

const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Command timed out',
  'Connection is closed',
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'Redis not reachable',
];

/** True for the errors ioredis raises when Redis is down or too slow: those become 503. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m));
}
