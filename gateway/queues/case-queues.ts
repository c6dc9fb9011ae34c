// Producers for the delivery queues (gateway/README.md#queues-and-delivery): one BullMQ queue per
// adapter, `route-<adapter>`, so one slow province never delays another; joint cases are a BullMQ
// flow whose parent waits on the `joint-cases` queue until every child is delivered. Job id = case
// id, so a retried submission or the reconciler can never queue a case twice.
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const JOINT_QUEUE = 'joint-cases';

export function routeQueueName(adapter: string): string {
  return `route-${adapter}`;
}

export interface DeliveryJob {
  caseId: string;
}

export interface QueueSettings {
  keyPrefix: string;
  attempts: number;
  backoffMs: number;
}

export interface JointChildJob {
  caseId: string;
  adapter: string;
}

export class CaseQueues {
  private readonly queues = new Map<string, Queue<DeliveryJob>>();
  private readonly flows: FlowProducer;
  private readonly connection: Redis;
  private readonly settings: QueueSettings;

  constructor(connection: Redis, settings: QueueSettings) {
    this.connection = connection;
    this.settings = settings;
    this.flows = new FlowProducer({ connection, prefix: this.bullPrefix() });
  }

  bullPrefix(): string {
    return `${this.settings.keyPrefix}:bull`;
  }

  jobOptions(caseId: string): JobsOptions {
    return {
      jobId: caseId,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs, jitter: 0.5 },
      // Completed jobs are trimmed; the case record outlives them (gateway/README.md#retention).
      // Failed jobs stay as dead letters until an operator replays them.
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: false,
    };
  }

  queue(adapter: string): Queue<DeliveryJob> {
    let queue = this.queues.get(adapter);
    if (!queue) {
      queue = new Queue<DeliveryJob>(routeQueueName(adapter), {
        connection: this.connection,
        prefix: this.bullPrefix(),
      });
      queue.on('error', () => undefined);
      this.queues.set(adapter, queue);
    }
    return queue;
  }

  async enqueue(caseId: string, adapter: string): Promise<void> {
    await this.queue(adapter).add('deliver', { caseId }, this.jobOptions(caseId));
  }

  async enqueueJoint(parentId: string, children: JointChildJob[]): Promise<void> {
    await this.flows.add({
      name: 'joint',
      queueName: JOINT_QUEUE,
      data: { caseId: parentId },
      opts: { jobId: parentId, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: false },
      children: children.map((child) => ({
        name: 'deliver',
        queueName: routeQueueName(child.adapter),
        data: { caseId: child.caseId },
        opts: this.jobOptions(child.caseId),
      })),
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.flows.close();
  }
}
