// A Redis that came back without its data — restarted without AOF (or with `appendonly no` and no
// save), a replica promoted empty, a FLUSHALL — answers PING like any other, so readiness said
// nothing: every case, queue and session was gone without a line in the logs, and the only trace
// was the catalogue's reseed warning. Each gateway adopts a random mark in Redis at start
// (`<prefix>:redis-epoch`, SET NX: the first one's stays) and looks at it every reconcile interval;
// a mark gone or replaced means Redis lost its data since. The gateway that finds it so logs an
// error, sets a new mark and records when (`<prefix>:redis-data-lost`, a day), and every gateway's
// /readyz then carries the `redis-data-lost` warning for that day (still 200: new cases are taken
// as before). One key: on a Redis Cluster it watches the master that holds its slot only. The
// taxpayer portal watches its own Redis the same way (portal/server/portal-data-loss.ts): the two
// key names and what the log line says is lost are its owner's.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis.ts';

/** How long /readyz carries the warning after a loss was found (an operator may DEL it sooner). */
export const DATA_LOST_WARNING_SECONDS = 24 * 3600;

export interface RedisDataLossWarning {
  code: 'redis-data-lost';
  detectedAt: string;
  detail: string;
}

export interface RedisDataLossWatch {
  /** Adopts the mark in Redis (the one there, or this gateway's own when there is none). */
  start(): Promise<void>;
  /** Looks at the mark: gone or replaced since it was adopted is a loss, logged and recorded. */
  check(): Promise<void>;
  /** /readyz's warning while a loss found in the last day is on record. */
  warnings(): Promise<RedisDataLossWarning[]>;
}

/** The mark and the record of a loss, each under its owner's prefix (redis-keys.ts, portal-keys.ts). */
export interface RedisDataLossKeys {
  readonly redisEpoch: string;
  readonly redisDataLost: string;
}

/** Where the loss is told: the gateway's logger, or the portal's line (a pino Logger fits). */
export interface RedisDataLossLog {
  error(fields: { detectedAt: string }, message: string): void;
}

export function redisDataLossWatch(deps: {
  redis: RedisClient;
  keys: RedisDataLossKeys;
  logger: RedisDataLossLog;
  /** What its owner kept there and has lost, ending with where the README says what to do. */
  lost: string;
  now: () => Date;
}): RedisDataLossWatch {
  const { redis, keys } = deps;
  let adopted: string | null = null;

  async function adopt(): Promise<string | null> {
    await redis.set(keys.redisEpoch, randomUUID(), 'NX');
    return redis.get(keys.redisEpoch);
  }

  return {
    async start() {
      adopted = await adopt();
    },
    async check() {
      const current = await redis.get(keys.redisEpoch);
      if (adopted === null) {
        adopted = current ?? (await adopt());
        return;
      }
      if (current === adopted) return;
      const detectedAt = deps.now().toISOString();
      // Another gateway may have found it first: its record stands, and its new mark is adopted.
      const found = current === null;
      adopted = await adopt();
      if (found) {
        await redis.set(keys.redisDataLost, detectedAt, 'EX', DATA_LOST_WARNING_SECONDS, 'NX');
        deps.logger.error({ detectedAt }, `Redis came back without its data: ${deps.lost}`);
      }
    },
    async warnings() {
      const detectedAt = await redis.get(keys.redisDataLost);
      if (!detectedAt) return [];
      return [
        {
          code: 'redis-data-lost',
          detectedAt,
          detail:
            'Redis lost its data (restarted without AOF, emptied or replaced): what was stored before is gone',
        },
      ];
    },
  };
}
