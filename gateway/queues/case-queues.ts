// Producers for the delivery queues (gateway/README.md#queues-and-delivery): one BullMQ queue per
// adapter, `route-<adapter>`, so one slow province never delays another, each under its own hash
// tag (RedisKeys.queuePrefix). A joint case's children are plain jobs on their adapters' queues,
// not a BullMQ flow: a flow's parent and children must share one slot, which the per-queue tags
// rule out, and the parent needs no job — it follows its children inside each child's move
// (gateway/README.md#joint-parent-atomicity). Job id = case id, so the outbox relay, repeating a
// batch, or the reconciler can never queue a case twice.
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../shared/redis.ts';
import { addJobs } from './add-jobs.ts';
import { routeQueueName, type RedisKeys } from '../shared/redis-keys.ts';
import {
  completedJobRetention,
  queueStreamRetention,
  type JobRetentionSettings,
} from '../shared/retention.ts';

export interface DeliveryJob {
  caseId: string;
  /**
   * The province's answer to a delivery the worker could not record (adapters/kit/job-runner.ts):
   * the job's next run records it instead of delivering again.
   */
  delivered?: ProvinceAnswer;
}

/** What a province answered a delivery: its case number, and whether it already held the case. */
export interface ProvinceAnswer {
  provinceCaseNo: string;
  duplicate: boolean;
}

/**
 * Retrying is the delivery worker's business, per adapter (`attempts` and `backoffMs` in
 * config/adapters.json, else GW_DELIVERY_ATTEMPTS / GW_DELIVERY_BACKOFF_MS; a province's
 * Retry-After): the worker's backoff strategy of this name computes each delay and stops retrying
 * after the adapter's attempts. A job only carries a ceiling no adapter setting can reach, so the
 * process that queues a case needs no adapter settings (and no provincial credentials).
 */
export const DELIVERY_BACKOFF = 'delivery';
export const DELIVERY_ATTEMPTS_CEILING = 100;

/**
 * A status query of a silent province (gateway/README.md#silence-reconciliation) runs as a job of
 * this name on the adapter's own queue, so it shares the adapter's rate limit and concurrency with
 * deliveries (xz's 5 requests/s count both). One attempt: the next silence period asks again.
 */
export const STATUS_QUERY_JOB = 'status-query';

export class CaseQueues {
  private readonly queues = new Map<string, Queue<DeliveryJob>>();
  private readonly connection: RedisClient;
  private readonly keys: RedisKeys;
  private readonly retention: JobRetentionSettings;

  constructor(connection: RedisClient, keys: RedisKeys, retention: JobRetentionSettings) {
    this.connection = connection;
    this.keys = keys;
    this.retention = retention;
  }

  jobOptions(caseId: string): JobsOptions {
    return {
      jobId: caseId,
      attempts: DELIVERY_ATTEMPTS_CEILING,
      backoff: { type: DELIVERY_BACKOFF },
      // Completed jobs are trimmed; the case record outlives them (gateway/README.md#retention).
      // Failed jobs stay as dead letters until an operator replays them.
      removeOnComplete: completedJobRetention(this.retention),
      removeOnFail: false,
    };
  }

  queue(adapter: string): Queue<DeliveryJob> {
    let queue = this.queues.get(adapter);
    if (!queue) {
      const name = routeQueueName(adapter);
      queue = new Queue<DeliveryJob>(name, {
        connection: this.connection,
        prefix: this.keys.queuePrefix(name),
        ...queueStreamRetention(this.retention),
      });
      queue.on('error', () => undefined);
      this.queues.set(adapter, queue);
    }
    return queue;
  }

  /**
   * Opens these adapters' queues now (the gateway's, at start): a queue's first command waits for
   * BullMQ to check the server (an INFO), which a first dead-letter replay or status query would
   * otherwise pay within its request; and a handle whose check failed fails every later use, which
   * the gateway's start then sees (ready()) rather than an operator's replay.
   */
  open(adapters: readonly string[]): void {
    for (const adapter of adapters) this.queue(adapter);
  }

  /** Resolves once every queue opened so far has checked the server. */
  async ready(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.waitUntilReady()));
  }

  async enqueue(caseId: string, adapter: string): Promise<void> {
    await this.queue(adapter).add('deliver', { caseId }, this.jobOptions(caseId));
  }

  /** Queues a status query of a case; `claimedAtMs` keeps each claim's job id unique. */
  async enqueueStatusQuery(caseId: string, adapter: string, claimedAtMs: number): Promise<void> {
    await this.queue(adapter).add(
      STATUS_QUERY_JOB,
      { caseId },
      {
        jobId: `status-query-${caseId}-${claimedAtMs}`,
        attempts: 1,
        removeOnComplete: completedJobRetention(this.retention),
        removeOnFail: { count: 1000 },
      },
    );
  }

  /**
   * Queues cases of one adapter in one call (the outbox relay's batch), all in the queue's slot
   * (addJobs: a few single adds or one `addBulk`); an id already queued keeps its job.
   */
  async enqueueMany(adapter: string, caseIds: readonly string[]): Promise<void> {
    await addJobs(
      this.queue(adapter),
      caseIds.map((caseId) => ({
        name: 'deliver',
        data: { caseId },
        opts: this.jobOptions(caseId),
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
