// A worker process's Prometheus metrics (adapters/README.md#job-runner), on a prom-client Registry
// of its own as a gateway's are (metrics.ts), served by its operations listener
// (adapters/worker-operations.ts, GW_WORKER_METRICS_PORT):
// - `gw_deliveries_total{adapter, outcome}`: each delivery job run's outcome, counted by the job
//   runner where it decides it — delivered, duplicate (the province already had the case),
//   retry (a failed province call that will be tried again), rate-limited (a 429: the adapter's
//   queue pauses for its Retry-After, no attempt spent), failed (given up: a dead letter), skipped
//   (nothing to send: the case moved on or is gone);
// - `gw_province_request_duration_seconds{adapter}`: the delivery call to the province itself,
//   whatever its answer;
// - `gw_status_queries_total{adapter, outcome}`: each status query job run's outcome
//   (adapters/kit/status-query-job.ts) — answered (the province knows the case; its answer is
//   recorded), not-found, failed (the query failed: asked again after the next silence), skipped
//   (the case moved on before the query ran);
// - `gw_status_query_duration_seconds{adapter}`: the status query call to the province itself,
//   whatever its answer. A histogram of its own, not a label on the delivery one: a label added
//   there would change every existing series and fold queries into a delivery's rate;
// - `gw_delivery_jobs_put_back_total{adapter, reason}`: delivery jobs put back to wait without
//   spending an attempt because Redis, not the province, could not serve the job's own reads and
//   writes;
// - `gw_callbacks_total{outcome}`: each portal callback job run's outcome, counted by the callback
//   worker (gateway/callbacks/callback-worker.ts) — delivered (2xx), retry (a failed post that
//   will be tried again), failed (given up: the last attempt, a 410 Gone, a portal no longer
//   registered), refused (production: an address that is not public unicast, never called);
// - `gw_callback_request_duration_seconds`: the post to the portal itself, whatever its answer;
// - `gw_adapter_tls_certificate_expiry_timestamp_seconds{adapter, certificate}`: when the first
//   certificate of an adapter's tlsCertFile (`client`) or tlsCaFile (`ca`) lapses, as read at
//   start (adapters/kit/certificate-expiry.ts); no series for an adapter without that file.
// The backlog (outbox, queues, dead letters) is read from Redis by every gateway's /metrics
// (delivery-metrics.ts), not here. Labels never carry case ids.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Each label's values are listed once: the series are shown at 0 from the start, and the types
// are read off the lists.

/** Why a delivery job was put back: its case's Cluster slot was moving, or Redis was unavailable. */
const PUT_BACK_REASONS = ['slot-moving', 'redis-unavailable'] as const;
export type PutBackReason = (typeof PUT_BACK_REASONS)[number];

/** What one run of a delivery job came to (gw_deliveries_total's outcome label). */
const OUTCOMES = ['delivered', 'duplicate', 'retry', 'rate-limited', 'failed', 'skipped'] as const;
export type DeliveryOutcomeLabel = (typeof OUTCOMES)[number];

/** What one run of a status query job came to (gw_status_queries_total's outcome label). */
const STATUS_QUERY_OUTCOMES = ['answered', 'not-found', 'failed', 'skipped'] as const;
export type StatusQueryOutcomeLabel = (typeof STATUS_QUERY_OUTCOMES)[number];

/** What one run of a callback job came to (gw_callbacks_total's outcome label). */
const CALLBACK_OUTCOMES = ['delivered', 'retry', 'failed', 'refused'] as const;
export type CallbackOutcomeLabel = (typeof CALLBACK_OUTCOMES)[number];

export const DELIVERY_JOBS_PUT_BACK = 'gw_delivery_jobs_put_back_total';
export const DELIVERIES = 'gw_deliveries_total';
export const PROVINCE_REQUEST_DURATION = 'gw_province_request_duration_seconds';
export const STATUS_QUERIES = 'gw_status_queries_total';
export const STATUS_QUERY_DURATION = 'gw_status_query_duration_seconds';
export const CALLBACKS = 'gw_callbacks_total';
export const CALLBACK_REQUEST_DURATION = 'gw_callback_request_duration_seconds';
export const TLS_CERTIFICATE_EXPIRY = 'gw_adapter_tls_certificate_expiry_timestamp_seconds';

/** From a near province's 10 ms to the 30 s an adapter's timeout may allow. */
const PROVINCE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

export interface WorkerMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC), as a gateway's; default false (unserved). */
  defaultMetrics?: boolean;
}

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Shows the adapter's series at 0 from its start, so rate() sees its first delivery. */
  adapterStarted(adapter: string): void;
  /** Counts one delivery job run's outcome. */
  delivery(adapter: string, outcome: DeliveryOutcomeLabel): void;
  /** Observes one delivery call to the province, in seconds. */
  provinceRequest(adapter: string, seconds: number): void;
  /** Counts one status query job run's outcome. */
  statusQuery(adapter: string, outcome: StatusQueryOutcomeLabel): void;
  /** Observes one status query call to the province, in seconds. */
  statusQueryRequest(adapter: string, seconds: number): void;
  /** Counts one delivery job put back (delayed) without spending an attempt. */
  jobPutBack(adapter: string, reason: PutBackReason): void;
  /** Counts one callback job run's outcome. */
  callback(outcome: CallbackOutcomeLabel): void;
  /** Observes one post of a callback to its portal, in seconds. */
  callbackRequest(seconds: number): void;
  /** Sets when an adapter's client certificate or CA file first lapses (its notAfter). */
  tlsCertificateExpiry(adapter: string, certificate: 'client' | 'ca', notAfter: Date): void;
}

export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: DELIVERIES,
    help: 'Delivery job runs by adapter and outcome (delivered, duplicate, retry, rate-limited: a 429, failed: a dead letter, skipped)',
    labelNames: ['adapter', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: PROVINCE_REQUEST_DURATION,
    help: 'Duration of delivery calls to the province in seconds, by adapter, whatever the answer',
    labelNames: ['adapter'] as const,
    buckets: PROVINCE_BUCKETS,
    registers: [registry],
  });
  const statusQueries = new Counter({
    name: STATUS_QUERIES,
    help: 'Status query job runs by adapter and outcome (answered, not-found, failed, skipped)',
    labelNames: ['adapter', 'outcome'] as const,
    registers: [registry],
  });
  const statusQueryDuration = new Histogram({
    name: STATUS_QUERY_DURATION,
    help: 'Duration of status query calls to the province in seconds, by adapter, whatever the answer',
    labelNames: ['adapter'] as const,
    // The delivery histogram's buckets, so the two compare.
    buckets: PROVINCE_BUCKETS,
    registers: [registry],
  });
  const putBack = new Counter({
    name: DELIVERY_JOBS_PUT_BACK,
    help: 'Delivery jobs put back without spending an attempt, by adapter and reason (slot-moving, redis-unavailable)',
    labelNames: ['adapter', 'reason'] as const,
    registers: [registry],
  });
  const callbacks = new Counter({
    name: CALLBACKS,
    help: 'Portal callback job runs by outcome (delivered, retry, failed: given up, refused: an address not public unicast)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every outcome at 0 from the start, so rate() sees the first callback.
  for (const outcome of CALLBACK_OUTCOMES) callbacks.inc({ outcome }, 0);
  const callbackDuration = new Histogram({
    name: CALLBACK_REQUEST_DURATION,
    help: 'Duration of callback posts to portals in seconds, whatever the answer',
    // Up to the callback worker's 5 s timeout.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // A timestamp, not the time left: Prometheus's convention, so an alert computes what is left
  // against time() and the value stays put between restarts.
  const tlsExpiry = new Gauge({
    name: TLS_CERTIFICATE_EXPIRY,
    help: "When the first certificate of an adapter's tlsCertFile (client) or tlsCaFile (ca) expires, unix seconds (notAfter)",
    labelNames: ['adapter', 'certificate'] as const,
    registers: [registry],
  });
  return {
    registry,
    adapterStarted: (adapter) => {
      for (const outcome of OUTCOMES) deliveries.inc({ adapter, outcome }, 0);
      for (const outcome of STATUS_QUERY_OUTCOMES) statusQueries.inc({ adapter, outcome }, 0);
      for (const reason of PUT_BACK_REASONS) putBack.inc({ adapter, reason }, 0);
    },
    delivery: (adapter, outcome) => deliveries.inc({ adapter, outcome }),
    provinceRequest: (adapter, seconds) => duration.observe({ adapter }, seconds),
    statusQuery: (adapter, outcome) => statusQueries.inc({ adapter, outcome }),
    statusQueryRequest: (adapter, seconds) => statusQueryDuration.observe({ adapter }, seconds),
    jobPutBack: (adapter, reason) => putBack.inc({ adapter, reason }),
    callback: (outcome) => callbacks.inc({ outcome }),
    callbackRequest: (seconds) => callbackDuration.observe(seconds),
    tlsCertificateExpiry: (adapter, certificate, notAfter) =>
      tlsExpiry.set({ adapter, certificate }, notAfter.getTime() / 1000),
  };
}
