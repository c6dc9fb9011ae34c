// Portal callbacks (跟踪, gateway/README.md#callbacks): when a case with a callbackUrl changes
// status, a job on the `callbacks` queue posts { caseId, status, phase, sequence, at } to the
// portal — no personal data. Delivery is at-least-once and may arrive out of order: `sequence` (the
// history length) orders them, and GET /v1/cases/{id} stays the truth.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CaseStatus } from '../cases/case-status.ts';

export const CALLBACK_QUEUE = 'callbacks';

export interface CallbackJob {
  caseId: string;
  clientId: string;
  url: string;
  status: CaseStatus;
  sequence: number;
  at: string;
}

export class CallbackQueue {
  readonly #queue: Queue<CallbackJob>;

  constructor(connection: Redis, keyPrefix: string) {
    this.#queue = new Queue<CallbackJob>(CALLBACK_QUEUE, {
      connection,
      prefix: `${keyPrefix}:bull`,
    });
    this.#queue.on('error', () => undefined);
  }

  async enqueue(job: CallbackJob): Promise<void> {
    await this.#queue.add('callback', job, {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}

/** The store's transition listener: queue a callback, never fail the transition over it. */
export function callbackNotifier(
  queue: CallbackQueue,
  log: { warn: (obj: object, msg: string) => void },
) {
  return async (notice: {
    caseId: string;
    status: CaseStatus;
    callbackUrl: string;
    clientId: string;
    sequence: number;
    at: string;
  }): Promise<void> => {
    try {
      await queue.enqueue({
        caseId: notice.caseId,
        clientId: notice.clientId,
        url: notice.callbackUrl,
        status: notice.status,
        sequence: notice.sequence,
        at: notice.at,
      });
    } catch (error) {
      log.warn(
        { err: error, caseId: notice.caseId },
        'callback not queued; the portal can still poll',
      );
    }
  };
}
