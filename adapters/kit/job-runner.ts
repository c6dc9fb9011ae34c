// The job runner (adapters/README.md#job-runner): one BullMQ Worker per adapter queue
// `route-<adapter>`, with that adapter's concurrency and rate limit. Delivery is at-least-once; the
// case id travels as the province-side idempotency key, so a retried or stalled-and-recovered job
// never creates a second provincial case. Failure type decides retry: PermanentDeliveryError →
// UnrecoverableError (fails at once), anything else retries with exponential backoff and jitter;
// the last failure marks the case DELIVERY_FAILED and lists it as a dead letter.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import { routedEntries } from '../../gateway/cases/dispatch-case.ts';
import { advanceParent } from '../../gateway/cases/joint-parent.ts';
import { routeQueueName, type DeliveryJob } from '../../gateway/queues/case-queues.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import { CircuitBreaker, type BreakerSettings } from './circuit-breaker.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from './contract.ts';
import { toDeliveryRequest } from './delivery-request.ts';

export interface RunnerSettings {
  concurrency: number;
  ratePerSecond: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  breaker: BreakerSettings;
}

export interface RunnerDeps {
  connection: Redis;
  bullPrefix: string;
  store: CaseStore;
  itemName: (code: string, version: number) => string;
  log: Logger;
}

export interface AdapterWorker {
  worker: Worker<DeliveryJob>;
  breaker: CircuitBreaker;
  close: () => Promise<void>;
}

export type DeliveryOutcome =
  | { delivered: true; provinceCaseNo: string; duplicate: boolean }
  | { delivered: false; skipped: string };

async function markFailed(
  deps: RunnerDeps,
  adapterId: string,
  caseId: string,
  reason: string,
  parentId: string | undefined,
) {
  const at = new Date().toISOString();
  const outcome = await deps.store.transition(
    caseId,
    ['ROUTED'],
    'DELIVERY_FAILED',
    [{ at, status: 'DELIVERY_FAILED', actor: `adapter:${adapterId}`, note: reason.slice(0, 300) }],
    { failureReason: reason.slice(0, 300) },
  );
  if (!outcome.ok) return;
  await deps.store.redis.zadd(deps.store.deadLettersKey(), Date.now(), caseId);
  // A joint parent shows a party's dead letter (parentStatusOf). Without this it learnt of the
  // failure only from a later sibling event, and stayed ROUTED when the sibling had finished first.
  if (parentId) await advanceParent(deps.store, parentId);
}

/**
 * BullMQ's limiter counts in fixed windows, so `max: rate per 1000 ms` lets up to twice the rate
 * through across a window boundary. A low-capacity province (xz: 5 requests/s) counts in a sliding
 * second, so for rates up to 20/s we send one job per 1000/(rate−1) ms (+2 % for network jitter):
 * every sliding second then stays at or under the rate, at the cost of about one job per second.
 * Higher rates are throughput limits, not hard capacities, and keep the fixed window.
 */
export function strictLimiter(ratePerSecond: number): { max: number; duration: number } {
  if (ratePerSecond > 20) return { max: ratePerSecond, duration: 1000 };
  if (ratePerSecond <= 1) return { max: 1, duration: 1020 };
  return { max: 1, duration: Math.ceil((1000 * 1.02) / (ratePerSecond - 1)) };
}

export function startAdapterWorker(
  adapterId: string,
  adapter: ProvinceAdapter,
  settings: RunnerSettings,
  deps: RunnerDeps,
): AdapterWorker {
  const log = deps.log.child({ adapter: adapterId });

  async function deliver(job: Job<DeliveryJob>): Promise<DeliveryOutcome> {
    const { caseId } = job.data;
    let record = await deps.store.get(caseId);
    if (!record) throw new UnrecoverableError(`case ${caseId} not found`);
    if (record.status === 'SUBMITTED') {
      await deps.store.transition(
        caseId,
        ['SUBMITTED'],
        'ROUTED',
        routedEntries(record, new Date().toISOString()),
      );
      record = (await deps.store.get(caseId)) ?? record;
    }
    // A replayed job, or a province that reported progress before this worker recorded its
    // delivery: nothing to send.
    if (record.status !== 'ROUTED') return { delivered: false, skipped: record.status };
    const request = toDeliveryRequest(record, deps.itemName(record.itemCode, record.itemVersion));
    const controller = new AbortController();
    const caseLog = log.child({ caseId, attempt: job.attemptsMade + 1 });
    let result;
    try {
      result = await adapter.deliver(request, { signal: controller.signal, log: caseLog });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (error instanceof PermanentDeliveryError) {
        caseLog.warn({ reason: message }, 'province refused the case permanently');
        await markFailed(deps, adapterId, caseId, `refused: ${message}`, record.parentId);
        throw new UnrecoverableError(message);
      }
      await breaker.transientFailure();
      caseLog.warn({ reason: message, last }, 'delivery failed; will retry unless last');
      if (last)
        await markFailed(
          deps,
          adapterId,
          caseId,
          `gave up after ${job.attemptsMade + 1} attempts: ${message}`,
          record.parentId,
        );
      throw error;
    }
    await breaker.success();
    const at = new Date().toISOString();
    const note = `province case ${result.provinceCaseNo}${result.duplicate ? ' (already held by the province)' : ''}`;
    const moved = await deps.store.transition(
      caseId,
      ['ROUTED'],
      'DELIVERED',
      [{ at, status: 'DELIVERED', actor: `adapter:${adapterId}`, note }],
      { provinceCaseNo: result.provinceCaseNo },
    );
    if (!moved.ok && !record.provinceCaseNo) {
      await deps.store.setFields(caseId, { provinceCaseNo: result.provinceCaseNo });
    }
    if (record.parentId) await advanceParent(deps.store, record.parentId);
    caseLog.info(
      { provinceCaseNo: result.provinceCaseNo, duplicate: result.duplicate },
      'delivered',
    );
    return { delivered: true, provinceCaseNo: result.provinceCaseNo, duplicate: result.duplicate };
  }

  // autorun off: the breaker must exist before the first job can run.
  const worker = new Worker<DeliveryJob, DeliveryOutcome>(routeQueueName(adapterId), deliver, {
    autorun: false,
    connection: deps.connection,
    prefix: deps.bullPrefix,
    concurrency: settings.concurrency,
    limiter: strictLimiter(settings.ratePerSecond),
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    // Stalled jobs are retried: a worker killed mid-delivery must not lose the case.
    maxStalledCount: 10,
  });
  const breaker = new CircuitBreaker(settings.breaker, {
    // Pauses this worker only (not the queue for every instance): each worker probes on its own.
    pause: async () => worker.pause(true),
    resume: async () => worker.resume(),
    onChange: (state) => log.warn({ breaker: state }, 'circuit breaker changed'),
  });
  worker.on('error', (error) => log.warn({ err: error }, 'worker error'));
  worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped with an error'));
  return {
    worker,
    breaker,
    close: async () => {
      breaker.stop();
      await worker.close();
    },
  };
}
