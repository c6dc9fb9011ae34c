// The job runner (adapters/README.md#job-runner): one BullMQ Worker per adapter queue `route-<adapter>`, with
// that adapter's concurrency, rate limit and retry policy. Delivery is at-least-once; the case id
// travels as the province-side idempotency key, so a retried or stalled-and-recovered job never
// creates a second provincial case. Per job it loads the case, calls the adapter, classifies the
// failure and records one outcome through the case store (gateway/cases/record-delivery.ts):
//   delivered                       → recordDelivered;
//   PermanentDeliveryError          → recordDeliveryFailed, and the job fails at once;
//   429 (rate limited)              → the adapter's queue pauses for the Retry-After, no attempt
//                                     spent, nothing recorded;
//   any other failure               → retried after the policy's delay (or the Retry-After); the
//                                     last attempt's failure → recordDeliveryFailed.
// A failed job is a dead letter, so a job fails only when there is something to replay: a case
// that moved on meanwhile, or that retention removed, completes its job as a no-op.
// Redis failing the job's own reads and moves — a Cluster slot being resharded (slot-moving.ts), or
// Redis unavailable for the moment (shared/redis.ts isRedisUnavailable: a lost connection, a
// command timeout, LOADING, READONLY after a fail-over) — is neither the province's failure nor the
// case's: the job is put back delayed and run again, spending no attempt, opening no breaker,
// recording nothing, counted in gw_delivery_jobs_put_back_total{reason}. Only our own steps are
// judged so: a province's error that reads like one ("connect ECONNREFUSED") spends its attempt.
// If Redis refuses the put-back too, the job is left to BullMQ: its lock runs out and the stalled
// check returns it to wait, which spends no attempt either (it counts towards maxStalledCount).
// A job whose delivery the province took but whose move could not be recorded keeps the
// province's answer in its data, so its next run records that answer instead of delivering again.
// The same worker runs the adapter's status query jobs (status-query-job.ts), so queries of silent
// cases share the adapter's rate limit and concurrency with its deliveries.
// A province's error text may quote the applicant (an ID number it echoes back): the case store
// seals it as the failure reason, and this runner's log lines, and the errors its jobs fail with
// (BullMQ keeps their message and stack in Redis), carry it masked (personal-data/mask-free-text.ts).
// Each run's outcome is counted here, where it is decided, in gw_deliveries_total{adapter,outcome}
// (worker-metrics.ts): delivered or duplicate once DELIVERED is recorded, retry for a failed
// province call that will be tried again, rate-limited for a 429 (no attempt spent), failed for a
// dead letter, skipped when there was nothing to send; a put-back counts only as a put-back. The province call itself is
// timed in gw_province_request_duration_seconds{adapter}; a status query job counts and times its
// own (status-query-job.ts).
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import {
  loadForDelivery,
  recordDelivered,
  recordDeliveryFailed,
} from '../../gateway/cases/record-delivery.ts';
import type { StatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import {
  STATUS_QUERY_JOB,
  type DeliveryJob,
  type ProvinceAnswer,
} from '../../gateway/queues/case-queues.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import { rateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import { routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { isRedisUnavailable } from '../../gateway/shared/redis.ts';
import { maskFreeText } from '../../gateway/personal-data/mask-free-text.ts';
import { isSlotMoving } from '../../gateway/shared/slot-moving.ts';
import type {
  DeliveryOutcomeLabel,
  PutBackReason,
  WorkerMetrics,
} from '../../gateway/metrics/worker-metrics.ts';
import { CircuitBreaker, redisBreakerRecord, type BreakerSettings } from './circuit-breaker.ts';
import {
  PermanentDeliveryError,
  type DeliveryRequest,
  type DeliveryResult,
  type ProvinceAdapter,
} from './contract.ts';
import { DeliveryLog } from './delivery-log.ts';
import { toDeliveryRequest } from './delivery-request.ts';
import { runStatusQuery, type StatusQueryOutcome } from './status-query-job.ts';
import {
  deliveryBackoff,
  rateLimitPauseMs,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy.ts';

export interface RunnerSettings {
  concurrency: number;
  ratePerSecond: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  breaker: BreakerSettings;
  retry: RetryPolicy;
}

export interface RunnerDeps {
  connection: RedisClient;
  bullPrefix: string;
  /** The adapter's breaker hash (RedisKeys.breaker), where each change of state is recorded. */
  breakerKey: string;
  store: CaseStore;
  /** Brings a case up to date from a status query's answer. */
  statusQueries: StatusQueryRecorder;
  itemName: (code: string, version: number) => string;
  log: Logger;
  /** Counts outcomes, province call durations and jobs put back without spending an attempt. */
  metrics: WorkerMetrics;
}

export interface AdapterWorker {
  worker: Worker<DeliveryJob>;
  breaker: CircuitBreaker;
  close: () => Promise<void>;
}

/**
 * The longest a job waits between runs while Redis cannot serve it (its case's slot being moved,
 * or Redis unavailable): the waits grow as the adapter's backoff does, and a move of a large slot
 * or a fail-over can take minutes, but a case should not sit long after Redis is back.
 */
export const PUT_BACK_MAX_WAIT_MS = 30_000;

/** One of the job's own Redis steps failed because Redis could not serve it for the moment. */
class RedisOutage extends Error {
  override name = 'RedisOutage';
  readonly reason: PutBackReason;
  readonly error: Error;
  constructor(reason: PutBackReason, error: Error) {
    super(error.message);
    this.reason = reason;
    this.error = error;
  }
}

/** Why Redis refused a command for the moment, or undefined when the error is about anything else. */
export function putBackReason(error: unknown): PutBackReason | undefined {
  if (isSlotMoving(error)) return 'slot-moving';
  return isRedisUnavailable(error) ? 'redis-unavailable' : undefined;
}

/** Runs one of the job's own reads or writes: Redis refusing it becomes a RedisOutage. */
async function ownStep<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    const reason = putBackReason(error);
    if (reason) throw new RedisOutage(reason, error as Error);
    throw error;
  }
}

export type DeliveryOutcome =
  | { delivered: true; provinceCaseNo: string; duplicate: boolean }
  | { delivered: false; skipped: string };

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
  const actor = { adapterId };
  const countOutcome = (outcome: DeliveryOutcomeLabel) => deps.metrics.delivery(adapterId, outcome);
  deps.metrics.adapterStarted(adapterId);

  /** One run of a delivery job; Redis refusing its own steps puts it back, no attempt spent. */
  async function deliver(job: Job<DeliveryJob>, token?: string): Promise<DeliveryOutcome> {
    try {
      return await deliverOnce(job);
    } catch (error) {
      if (!(error instanceof RedisOutage)) throw error;
      if (token === undefined) throw error.error;
      // Runs beyond the attempts made are this job's waits (and 429 pauses): the delay grows.
      const waits = Math.max(1, job.attemptsStarted - job.attemptsMade);
      const delayMs = Math.min(
        retryDelayMs(settings.retry, waits, undefined),
        PUT_BACK_MAX_WAIT_MS,
      );
      const fields = { caseId: job.data.caseId, delayMs, reason: error.message };
      try {
        await job.moveToDelayed(Date.now() + delayMs, token);
      } catch (moveError) {
        // Redis refuses the put-back too: a DelayedError leaves the job active, its lock runs
        // out, and BullMQ's stalled check returns it to wait (no attempt spent).
        putBack.warn(
          'not-put-back',
          { ...fields, err: moveError },
          'delivery job could not be put back; it is recovered once its lock runs out',
        );
        throw new DelayedError();
      }
      deps.metrics.jobPutBack(adapterId, error.reason);
      if (error.reason === 'slot-moving') {
        putBack.warn(
          'slot-moving',
          fields,
          'case slot moving between Redis nodes: delivery job waits, no attempt spent',
        );
      } else {
        putBack.warn(
          'redis-unavailable',
          fields,
          'Redis unavailable for the delivery job: it waits, no attempt spent',
        );
      }
      throw new DelayedError();
    }
  }

  async function deliverOnce(job: Job<DeliveryJob>): Promise<DeliveryOutcome> {
    const { caseId, delivered: earlier } = job.data;
    const target = await ownStep(loadForDelivery(deps.store, caseId));
    if (target.found === 'missing') {
      // Never stored, or deleted by hand (too young for retention): a job no submission made,
      // left a dead letter for an operator to see (adapters/README.md#job-runner).
      log.error({ caseId }, 'delivery job for a case that was never stored');
      countOutcome('failed');
      throw new UnrecoverableError(`case ${caseId} not found`);
    }
    if (target.found === 'expired') {
      // Closed and removed by retention before this repeat of its job ran: its delivery was done
      // long ago, so there is nothing to send and nothing an operator could replay.
      log.info({ caseId }, 'delivery job for a case retention removed: nothing to send');
      countOutcome('skipped');
      return { delivered: false, skipped: 'expired' };
    }
    // A replayed job, or a province that reported progress before this worker recorded its
    // delivery: nothing to send.
    if (target.found === 'skip') {
      // Delivered by an earlier run, and a province event moved the case before this one could
      // record it: keep the province's number, as recordDelivered does.
      if (earlier) await ownStep(deps.store.keepProvinceCaseNo(caseId, earlier.provinceCaseNo));
      countOutcome('skipped');
      return { delivered: false, skipped: target.status };
    }
    const { record } = target;
    const attempt = job.attemptsMade + 1;
    const caseLog = new DeliveryLog(log, caseId, attempt);
    // The province took it in an earlier run: record that, never deliver again.
    if (earlier) return recordProvinceAnswer(job, record, earlier, caseLog);
    if (target.found === 'unreadable') {
      // Not the province's fault and no retry will help: a dead letter, replayable once the
      // operator lists the missing data key again (gateway/README.md#encryption-at-rest).
      caseLog.error({ reason: target.reason }, 'stored submission cannot be decrypted');
      return failForGood(record, `stored submission unreadable: ${target.reason}`, caseLog);
    }
    const itemName = deps.itemName(record.itemCode, record.itemVersion);
    const request = toDeliveryRequest(record, target.envelope, itemName);
    let result;
    try {
      result = await callProvince(request, caseLog);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentDeliveryError) {
        caseLog.warn({ reason: maskFreeText(message) }, 'province refused the case permanently');
        return failForGood(record, `refused: ${message}`, caseLog, message);
      }
      const pauseMs = rateLimitPauseMs(error, settings.retry);
      if (pauseMs !== undefined) {
        // The province is up and asked us to slow down: pause this adapter's queue (for every
        // worker instance) and put the job back without spending an attempt. Not a breaker
        // failure either.
        caseLog.warn(
          { reason: maskFreeText(message), pauseMs },
          'province rate-limited us; queue paused',
        );
        countOutcome('rate-limited');
        await worker.rateLimit(pauseMs);
        throw Worker.RateLimitError();
      }
      await breaker.transientFailure();
      const last = attempt >= settings.retry.attempts;
      caseLog.warn(
        { reason: maskFreeText(message), last },
        'delivery failed; will retry unless last',
      );
      // BullMQ keeps a retried attempt's message and stack in the job's hash: masked first. The
      // same error object, so the backoff still reads its Retry-After.
      if (!last) {
        countOutcome('retry');
        throw maskedInPlace(error);
      }
      return failForGood(record, `gave up after ${attempt} attempts: ${message}`, caseLog, message);
    }
    await breaker.success();
    const answer = { provinceCaseNo: result.provinceCaseNo, duplicate: result.duplicate };
    return recordProvinceAnswer(job, record, answer, caseLog);
  }

  /** The delivery call, timed in gw_province_request_duration_seconds whatever its answer. */
  async function callProvince(
    request: DeliveryRequest,
    caseLog: DeliveryLog,
  ): Promise<DeliveryResult> {
    const started = performance.now();
    try {
      // No signal: only the adapter's timeout bounds the call (contract.ts AdapterContext).
      return await adapter.deliver(request, { log: caseLog });
    } finally {
      deps.metrics.provinceRequest(adapterId, (performance.now() - started) / 1000);
    }
  }

  /** Records DELIVERED; if that fails, the job keeps the answer for its next run to record. */
  async function recordProvinceAnswer(
    job: Job<DeliveryJob>,
    record: RoutedCase,
    answer: ProvinceAnswer,
    caseLog: DeliveryLog,
  ): Promise<DeliveryOutcome> {
    try {
      await ownStep(recordDelivered(deps.store, record, { ...actor, ...answer }));
    } catch (error) {
      // The job's hash is in its queue's slot, not the case's. Should this write fail too, the
      // next run delivers again and the province, idempotent by case id, answers `duplicate`.
      if (!job.data.delivered) {
        await job.updateData({ ...job.data, delivered: answer }).catch(() => undefined);
      }
      throw error;
    }
    caseLog.infoOnce(answer, 'delivered');
    countOutcome(answer.duplicate ? 'duplicate' : 'delivered');
    return { delivered: true, ...answer };
  }

  /**
   * Records the case DELIVERY_FAILED and fails the job: a dead letter. Unless the case is no
   * longer ROUTED — its province reported progress while we retried (it holds the case: an
   * attempt reached it though its answer did not reach us), or it closed and was removed — then
   * there is nothing to replay and the job completes.
   */
  async function failForGood(
    record: RoutedCase,
    reason: string,
    caseLog: DeliveryLog,
    message = reason,
  ): Promise<DeliveryOutcome> {
    const moved = await ownStep(recordDeliveryFailed(deps.store, record, { ...actor, reason }));
    if (moved.ok) {
      countOutcome('failed');
      throw new UnrecoverableError(maskFreeText(message));
    }
    const now = moved.reason === 'missing' ? 'missing' : moved.current;
    caseLog.warn(
      { reason: maskFreeText(reason), status: now },
      'delivery failed, but the case has moved on: no dead letter',
    );
    countOutcome('skipped');
    return { delivered: false, skipped: now };
  }

  /** `error` with the province's text masked where BullMQ stores it: its message and stack. */
  function maskedInPlace(error: unknown): unknown {
    if (error instanceof Error) {
      error.message = maskFreeText(error.message);
      if (error.stack !== undefined) error.stack = maskFreeText(error.stack);
    }
    return error;
  }

  // A province that is down fails every claimed query: one line a second, with a count.
  const queryFailures = rateLimitedLog(log);
  // A resharding or an outage puts back every job it meets: one line a second, with a count.
  const putBack = rateLimitedLog(log);
  const run = (
    job: Job<DeliveryJob>,
    token?: string,
  ): Promise<DeliveryOutcome | StatusQueryOutcome> =>
    job.name === STATUS_QUERY_JOB
      ? runStatusQuery(job.data.caseId, adapter, { ...deps, log, failures: queryFailures })
      : deliver(job, token);

  // autorun off: the breaker must exist before the first job can run.
  const worker = new Worker<DeliveryJob, DeliveryOutcome | StatusQueryOutcome>(
    routeQueueName(adapterId),
    run,
    {
      autorun: false,
      connection: deps.connection,
      prefix: deps.bullPrefix,
      concurrency: settings.concurrency,
      limiter: strictLimiter(settings.ratePerSecond),
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      // Stalled jobs are retried: a worker killed mid-delivery must not lose the case.
      maxStalledCount: 10,
      settings: { backoffStrategy: deliveryBackoff(settings.retry) },
    },
  );
  const breaker = new CircuitBreaker(settings.breaker, {
    // Pauses this worker only (not the queue for every instance): each worker probes on its own.
    pause: async () => worker.pause(true),
    resume: async () => worker.resume(),
    onChange: (state) => log.warn({ breaker: state }, 'circuit breaker changed'),
    // For the console's dead-letter pages: is the province back? (circuit-breaker.ts)
    record: redisBreakerRecord(deps.connection, deps.breakerKey, (error) =>
      log.warn({ err: error }, 'circuit breaker change not recorded'),
    ),
  });
  // BullMQ repeats its connection error on every retry: one line a second, with a count.
  const errors = rateLimitedLog(log);
  worker.on('error', (error) => errors.warn('worker-error', { err: error }, 'worker error'));
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
