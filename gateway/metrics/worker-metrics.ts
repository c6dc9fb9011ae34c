// A worker process's Prometheus metrics (adapters/README.md#job-runner), on a prom-client Registry
// of its own as a gateway's are (metrics.ts): `gw_delivery_jobs_put_back_total{adapter, reason}`,
// delivery jobs put back to wait without spending an attempt because Redis, not the province,
// could not serve the job's own reads and writes. The worker process serves no /metrics yet
// (gateway/README.md#callbacks says so too): the registry is RunningWorkers.metrics, for a future
// endpoint and for tests.
import { Counter, Registry } from 'prom-client';

/** Why a delivery job was put back: its case's Cluster slot was moving, or Redis was unavailable. */
export type PutBackReason = 'slot-moving' | 'redis-unavailable';

export const DELIVERY_JOBS_PUT_BACK = 'gw_delivery_jobs_put_back_total';

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Counts one delivery job put back (delayed) without spending an attempt. */
  jobPutBack(adapter: string, reason: PutBackReason): void;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  const putBack = new Counter({
    name: DELIVERY_JOBS_PUT_BACK,
    help: 'Delivery jobs put back without spending an attempt, by adapter and reason (slot-moving, redis-unavailable)',
    labelNames: ['adapter', 'reason'] as const,
    registers: [registry],
  });
  return {
    registry,
    jobPutBack: (adapter, reason) => putBack.inc({ adapter, reason }),
  };
}
