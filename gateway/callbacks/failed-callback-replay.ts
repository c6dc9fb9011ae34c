// Replaying failed portal callbacks (gateway/README.md#failed-callbacks), by the admin API and the
// CLI: one by its job id, or every callback failed up to a time in batches. A replayed callback is
// its own job put back in line with its attempts reset, so it gets all 8 again with their backoff
// (a retry that keeps BullMQ's attempts made — the queue board's — gets one). It posts the body it
// had, signed afresh. Audited as the dead letters' replays are: `callback.replay` of the job id for
// each callback, `callback.replay-bulk` for a batch, under the operator, refused without `replay`.
import { Job, type Queue } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import { MAX_PAGE } from '../http/cursor.ts';
import { GatewayError, isGatewayError } from '../shared/errors.ts';
import { CALLBACK_QUEUE, SLOT } from '../shared/redis-keys.ts';
import type { CallbackJobData, CallbackQueue } from './callback-queue.ts';
import { CALLBACK_ID } from './failed-callbacks.ts';

export interface FailedCallbackDeps {
  callbacks: CallbackQueue;
  audit: AuditLog;
}

export interface CallbackReplayed {
  id: string;
  caseId: string;
  /** The attempts it has again. */
  attempts: number;
}

/** One failed callback queued again with its full attempts: `replay` right, audited. */
export function replayFailedCallbackAudited(
  deps: FailedCallbackDeps,
  request: OperatorRequest & { id: string },
): Promise<CallbackReplayed> {
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'callback.replay',
      target: request.id.slice(0, 160),
      right: 'replay',
      writes: [SLOT.queue(CALLBACK_QUEUE)],
    },
    () => replayFailedCallback(deps.callbacks.queue, request.id),
  );
}

async function replayFailedCallback(
  queue: Queue<CallbackJobData>,
  id: string,
): Promise<CallbackReplayed> {
  const job = CALLBACK_ID.test(id) ? await Job.fromId<CallbackJobData>(queue, id) : undefined;
  if (!job?.data)
    throw new GatewayError('GW_NOT_FOUND', { detail: `No callback ${id.slice(0, 160)}` });
  const state = await job.getState();
  const notFailed = (now: string) =>
    new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `Only a failed callback can be replayed; ${id.slice(0, 160)} is ${now}`,
    });
  if (state !== 'failed') throw notFailed(state);
  try {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  } catch (error) {
    // Another operator replayed it (or it was removed) between the read and the retry.
    const now = await job.getState();
    if (now !== 'failed') throw notFailed(now);
    throw error;
  }
  return { id, caseId: job.data.caseId, attempts: job.opts.attempts ?? 1 };
}

export interface CallbackBulkReplay {
  replayed: string[];
  skipped: { id: string; code: string }[];
  /** Callbacks failed at or before `failedBefore` still in the failed set: 0 when done. */
  remaining: number;
  /** The batch's bound: send it back so callbacks failing again meanwhile are not taken. */
  failedBefore: string;
}

/**
 * Up to `limit` (≤ MAX_PAGE) of the oldest callbacks failed at or before `failedBefore` (default:
 * now), each replayed as one is (its own `callback.replay` entry); the batch audited as
 * `callback.replay-bulk`. A callback replayed by someone else meanwhile is skipped and named.
 */
export function replayFailedCallbacksInBulk(
  deps: FailedCallbackDeps,
  request: OperatorRequest & { limit?: number; failedBefore?: string; now: () => Date },
): Promise<CallbackBulkReplay> {
  const before = request.failedBefore ? Date.parse(request.failedBefore) : request.now().getTime();
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'callback.replay-bulk',
      target: `failed-before:${new Date(before).toISOString()}`,
      right: 'replay',
    },
    async () => {
      const limit = Math.min(request.limit ?? MAX_PAGE, MAX_PAGE);
      const positions = await deps.callbacks.failedAfter(undefined, limit, before);
      const replayed: string[] = [];
      const skipped: CallbackBulkReplay['skipped'] = [];
      for (const { id } of positions) {
        try {
          await replayFailedCallbackAudited(deps, { ...request, id });
          replayed.push(id);
        } catch (error) {
          if (!isGatewayError(error) || (error.status !== 409 && error.status !== 404)) throw error;
          skipped.push({ id, code: error.code });
        }
      }
      return {
        replayed,
        skipped,
        remaining: await deps.callbacks.failedCount(before),
        failedBefore: new Date(before).toISOString(),
      };
    },
    (r) => `replayed ${r.replayed.length}, skipped ${r.skipped.length}, remaining ${r.remaining}`,
  );
}
