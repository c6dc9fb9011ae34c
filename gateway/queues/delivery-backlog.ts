// The way from an accepted case to its province, as it stands now, read from Redis so any gateway
// answers for the whole system: the outbox (cases answered 202 that no relay has queued yet, and
// how long the oldest has waited), each adapter's delivery queue by state, and the dead letters.
// Read by /metrics at each scrape (metrics/delivery-metrics.ts) and by the console's overview
// (console/home-page.ts): one reading, so the page and the alert never disagree on what they count.
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseQueues } from './case-queues.ts';

/** The delivery job states a backlog counts: the jobs still to be done, not the finished ones. */
export const BACKLOG_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized'] as const;
export type BacklogJobState = (typeof BACKLOG_JOB_STATES)[number];

export interface DeliveryBacklog {
  /** Cases stored and answered 202 that no relay has put on a delivery queue yet. */
  outbox: number;
  /** How long the oldest of them has waited, in seconds (0: none waits). */
  oldestSeconds: number;
  /** Cases whose delivery failed for good, waiting for an operator's replay. */
  deadLetters: number;
  /** Every adapter's jobs in each of BACKLOG_JOB_STATES, in the route table's adapter order. */
  jobs: { adapter: string; state: BacklogJobState; count: number }[];
}

export interface DeliveryBacklogDeps {
  redis: RedisClient;
  /** With every shard: the outbox and dead letters are per shard. */
  keys: RedisKeys;
  queues: CaseQueues;
  /** Every adapter a case can be routed to (the route table's). */
  adapters: readonly string[];
  now?: () => number;
}

/**
 * The backlog's reader. Callers while a reading is out share it (a scrape collects four gauges,
 * each asking); the next call after it reads again. Rejects when Redis does not answer.
 */
export function deliveryBacklogReader(deps: DeliveryBacklogDeps): () => Promise<DeliveryBacklog> {
  const now = deps.now ?? Date.now;
  let pending: Promise<DeliveryBacklog> | undefined;
  const read = async (): Promise<DeliveryBacklog> => {
    const shards = await Promise.all(
      deps.keys.allShards.map(async (shard) => {
        const [outbox, oldest, deadLetters] = await Promise.all([
          deps.redis.zcard(shard.outbox),
          // Scores: when stored, or when a relay's claim on the entry ends (in the future).
          deps.redis.zrange(shard.outbox, '0', '0', 'WITHSCORES'),
          deps.redis.zcard(shard.deadLetters),
        ]);
        const since = oldest[1] === undefined ? Number.NaN : Number(oldest[1]);
        return { outbox, since, deadLetters };
      }),
    );
    const jobs = await Promise.all(
      deps.adapters.map(async (adapter) => {
        const counts = await deps.queues.queue(adapter).getJobCounts(...BACKLOG_JOB_STATES);
        return BACKLOG_JOB_STATES.map((state) => ({ adapter, state, count: counts[state] ?? 0 }));
      }),
    );
    const earliest = Math.min(...shards.map((s) => s.since).filter((s) => !Number.isNaN(s)));
    return {
      outbox: shards.reduce((n, s) => n + s.outbox, 0),
      oldestSeconds: Number.isFinite(earliest) ? Math.max(0, (now() - earliest) / 1000) : 0,
      deadLetters: shards.reduce((n, s) => n + s.deadLetters, 0),
      jobs: jobs.flat(),
    };
  };
  return () => {
    pending ??= read().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
}
