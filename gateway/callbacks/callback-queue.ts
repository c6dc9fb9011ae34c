// Portal callbacks (跟踪, gateway/README.md#callbacks): when a case with a callbackUrl changes
// status, a job on the `callbacks` queue posts { caseId, status, phase, sequence, at } to the
// portal, and the result once the case is decided — masked as GET /v1/cases/{id} masks it, so no
// personal data travels in clear, and sealed in the job (callback-result.ts), so none waits in
// Redis in clear. Delivery is at-least-once and may arrive out of order:
// `sequence` (the history length) orders them, and GET /v1/cases/{id} stays the truth. Other events of a case — a
// 督办 flag, a rectification's progress — go the same way with a body of their own (EventCallback).
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../shared/redis.ts';
import { addJobs } from '../queues/add-jobs.ts';
import type { CaseStatus } from '../cases/case-status.ts';
import type { TransitionListener } from '../cases/case-move.ts';
import { ListenerDeferred } from '../shared/listener-deferred.ts';
import type { ResultSchemas } from '../cases/event-result.ts';
import { maskedResult } from '../cases/masked-result.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import { sealCallbackResult } from './callback-result.ts';
import { CALLBACK_QUEUE, type RedisKeys } from '../shared/redis-keys.ts';
import {
  completedJobRetention,
  queueStreamRetention,
  type JobRetentionSettings,
} from '../shared/retention.ts';

export interface CallbackJob {
  caseId: string;
  clientId: string;
  url: string;
  status: CaseStatus;
  sequence: number;
  at: string;
  /**
   * The case's result, masked and sealed (a decided case and every later status;
   * callback-result.ts).
   */
  sealedResult?: string;
  /** The result in clear, as a gateway of the previous version queued it. */
  result?: unknown;
}

/** Any other event of a case for its portal; `body` carries no personal data and a `type`. */
export interface EventCallback {
  caseId: string;
  clientId: string;
  url: string;
  at: string;
  body: Readonly<Record<string, unknown>> & { type: string };
}

export type CallbackJobData = CallbackJob | EventCallback;

/** A delivered callback is of no use after a day, whatever GW_JOB_RETENTION_SECONDS says. */
const DELIVERED_CALLBACK_SECONDS = 24 * 3600;

export class CallbackQueue {
  readonly #queue: Queue<CallbackJobData>;
  readonly #options: JobsOptions;
  readonly #connection: RedisClient;

  constructor(connection: RedisClient, keys: RedisKeys, retention: JobRetentionSettings) {
    this.#connection = connection;
    this.#options = {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: completedJobRetention(retention, DELIVERED_CALLBACK_SECONDS),
      removeOnFail: { age: 7 * 24 * 3600 },
    };
    this.#queue = new Queue<CallbackJobData>(CALLBACK_QUEUE, {
      connection,
      prefix: keys.queuePrefix(CALLBACK_QUEUE),
      ...queueStreamRetention(retention),
    });
    this.#queue.on('error', () => undefined);
  }

  /**
   * Queues the callback of one applied move. Its `jobId` names the move (the case and its place in
   * the history), so the same add run twice — applied by Redis, its answer lost with the
   * connection and sent again on the next one (README.md#redis-durability) — queues one job, not
   * two callbacks of one status change.
   */
  async enqueue(job: CallbackJob): Promise<void> {
    await this.#queue.add('callback', job, {
      ...this.#options,
      jobId: `status-${job.caseId}-${job.sequence}`,
    });
  }

  /**
   * Queues status callbacks in one call (addJobs: a few single adds or one `addBulk`); each
   * `jobId` names its status change, so the same one again (a relay repeating a batch) is dropped
   * while the first job is kept.
   */
  async enqueueMany(jobs: readonly { job: CallbackJob; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    await addJobs(
      this.#queue,
      jobs.map(({ job, jobId }) => ({
        name: 'callback',
        data: job,
        opts: { ...this.#options, jobId },
      })),
    );
  }

  /**
   * Queues an event callback. `jobId` names the event: the same id again (two supervisors raising
   * one flag) is dropped while the first job is kept (a day after it completed).
   */
  async enqueueEvent(job: EventCallback, jobId: string): Promise<void> {
    await this.#queue.add('event', job, { ...this.#options, jobId });
  }

  /**
   * The positions of up to `count` failed callbacks after `after`, oldest failure first; with
   * `before` (ms), only those failed at or before it (callbacks/failed-callbacks.ts). BullMQ scores
   * its failed set by the job's finishedOn, members of one score in byte order: the order read.
   */
  async failedAfter(
    after: { failedAtMs: number; id: string } | undefined,
    count: number,
    before = Number.POSITIVE_INFINITY,
  ): Promise<{ failedAtMs: number; id: string }[]> {
    if (after && after.failedAtMs > before) return [];
    const key = this.#queue.toKey('failed');
    // Those failed in the same millisecond as `after` and after it in byte order come first.
    const ties = after
      ? (await this.#connection.zrangebyscore(key, after.failedAtMs, after.failedAtMs))
          .filter((id) => id > after.id)
          .slice(0, count)
          .map((id) => ({ id, failedAtMs: after.failedAtMs }))
      : [];
    const flat = await this.#connection.zrangebyscore(
      key,
      after ? `(${after.failedAtMs}` : '-inf',
      Number.isFinite(before) ? before : '+inf',
      'WITHSCORES',
      'LIMIT',
      0,
      count - ties.length,
    );
    const rest = flat.flatMap((id, i) =>
      i % 2 === 0 ? [{ id, failedAtMs: Number(flat[i + 1]) }] : [],
    );
    return [...ties, ...rest];
  }

  /** How many callbacks failed at or before `before` (ms; all of them without). */
  failedCount(before = Number.POSITIVE_INFINITY): Promise<number> {
    const max = Number.isFinite(before) ? before : '+inf';
    return this.#connection.zcount(this.#queue.toKey('failed'), '-inf', max);
  }

  /** The BullMQ queue itself, for the console's queue board (console/queue-board.ts). */
  get queue(): Queue<CallbackJobData> {
    return this.#queue;
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}

/**
 * The case store's transition listener for portal callbacks: every move of a case with a
 * callbackUrl (a single case or a joint parent) queues one. It never fails the move. An add Redis
 * refused is deferred (ListenerDeferred): the move's outbox entry stays and the reconciler queues
 * the callback later (job id per case and sequence, so once). A result that does not open
 * (SealedDataError) or cannot be masked never will: that callback is dropped with an error line,
 * and the portal can still poll GET /v1/cases/{caseId}.
 */
export function callbackListener(
  queue: CallbackQueue,
  log: {
    warn: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  },
  /** Seals the masked result into the job. */
  sealer: Sealer,
  /** The typed results, to mask a result as GET /v1/cases/{id} does; none: withhold it. */
  results?: ResultSchemas,
): TransitionListener {
  return async (notice) => {
    const { record, status, sequence, at } = notice;
    if (record.kind === 'joint-child' || !record.callbackUrl) return;
    let job: CallbackJob;
    try {
      // The move that decides writes the result; later moves open it from the record they read
      // (sealed at rest). One that does not open (SealedDataError) is logged by its message, never
      // its content.
      const result = notice.result();
      job = {
        caseId: record.id,
        clientId: record.clientId,
        url: record.callbackUrl,
        status,
        sequence,
        at,
        ...(result === undefined
          ? {}
          : {
              sealedResult: sealCallbackResult(
                sealer,
                { caseId: record.id, sequence },
                maskedResult(results, record, result),
              ),
            }),
      };
    } catch (error) {
      log.error(
        { err: error, caseId: record.id, sequence },
        'callback dropped for good: its result does not open; the portal can still poll',
      );
      return;
    }
    try {
      await queue.enqueue(job);
    } catch (error) {
      log.warn(
        { err: error, caseId: record.id, sequence },
        'callback not queued; the reconciler will queue it',
      );
      throw new ListenerDeferred('callback not queued', { cause: error });
    }
  };
}
