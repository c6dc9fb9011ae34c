// Prometheus gauges of the way from an accepted case to its province (README.md#operations), read
// from Redis at scrape time, so any gateway answers for the whole system (a worker's own /metrics,
// worker-metrics.ts, has only what that worker did):
// - `gw_outbox_cases` — cases stored and answered 202 but not yet on a delivery queue; and
//   `gw_outbox_oldest_seconds`, how long the oldest of them has waited. Only the workers' relays
//   move them on: a growing age says no worker is relaying (none runs, or none reaches Redis).
// - `gw_delivery_jobs{adapter, state}` — each adapter's queue: waiting, active, delayed (a retry's
//   backoff, a province's Retry-After, a slot on the move), prioritized. A dead province shows as
//   delayed jobs piling up on its adapter alone.
// - `gw_dead_letters` — cases whose delivery failed for good, waiting for an operator's replay.
// A scrape while Redis is down keeps the last values rather than failing /metrics.
import { Gauge, type Registry } from 'prom-client';
import type { CaseQueues } from '../queues/case-queues.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';

export const OUTBOX_CASES = 'gw_outbox_cases';
export const OUTBOX_OLDEST = 'gw_outbox_oldest_seconds';
export const DELIVERY_JOBS = 'gw_delivery_jobs';
export const DEAD_LETTERS = 'gw_dead_letters';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized'] as const;

interface Backlog {
  outbox: number;
  oldestSeconds: number;
  deadLetters: number;
  jobs: { adapter: string; state: string; count: number }[];
}

export interface DeliveryMetricsDeps {
  redis: RedisClient;
  keys: RedisKeys;
  queues: CaseQueues;
  /** Every adapter a case can be routed to (the route table's). */
  adapters: readonly string[];
  now?: () => number;
}

/** One read of the backlog for all four gauges of a scrape (prom-client collects each apart). */
function backlogReader(deps: DeliveryMetricsDeps): () => Promise<Backlog> {
  const now = deps.now ?? Date.now;
  let pending: Promise<Backlog> | undefined;
  const read = async (): Promise<Backlog> => {
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
        const counts = await deps.queues.queue(adapter).getJobCounts(...JOB_STATES);
        return JOB_STATES.map((state) => ({ adapter, state, count: counts[state] ?? 0 }));
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
    // The gauges of one scrape share one read; the next scrape reads again.
    pending ??= read().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
}

export function registerDeliveryMetrics(registry: Registry, deps: DeliveryMetricsDeps): void {
  const backlog = backlogReader(deps);
  const latest = async (): Promise<Backlog | undefined> => {
    try {
      return await backlog();
    } catch {
      return undefined;
    }
  };
  new Gauge({
    name: OUTBOX_CASES,
    help: 'Cases stored and answered 202 that no relay has put on a delivery queue yet',
    registers: [registry],
    async collect() {
      const b = await latest();
      if (b) this.set(b.outbox);
    },
  });
  new Gauge({
    name: OUTBOX_OLDEST,
    help: 'How long the oldest case in the outbox has waited for a relay, in seconds (0: none)',
    registers: [registry],
    async collect() {
      const b = await latest();
      if (b) this.set(b.oldestSeconds);
    },
  });
  new Gauge({
    name: DELIVERY_JOBS,
    help: 'Delivery jobs on each adapter queue, by state (delayed: waiting out a retry or a pause)',
    labelNames: ['adapter', 'state'] as const,
    registers: [registry],
    async collect() {
      const b = await latest();
      if (!b) return;
      for (const j of b.jobs) this.set({ adapter: j.adapter, state: j.state }, j.count);
    },
  });
  new Gauge({
    name: DEAD_LETTERS,
    help: 'Cases whose delivery failed for good, waiting for an operator to replay them',
    registers: [registry],
    async collect() {
      const b = await latest();
      if (b) this.set(b.deadLetters);
    },
  });
}
