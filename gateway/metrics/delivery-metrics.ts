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
import type { DeliveryBacklog } from '../queues/delivery-backlog.ts';

export const OUTBOX_CASES = 'gw_outbox_cases';
export const OUTBOX_OLDEST = 'gw_outbox_oldest_seconds';
export const DELIVERY_JOBS = 'gw_delivery_jobs';
export const DEAD_LETTERS = 'gw_dead_letters';

/** `backlog`: the services' reader (queues/delivery-backlog.ts), one reading for a scrape's gauges. */
export function registerDeliveryMetrics(
  registry: Registry,
  backlog: () => Promise<DeliveryBacklog>,
): void {
  const latest = async (): Promise<DeliveryBacklog | undefined> => {
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
