// The queue board's Retry of failed portal callbacks (gateway/README.md#failed-callbacks), taken
// from Bull Board and done by the admin API's use case: Bull Board's own retry keeps the attempts
// already made, so a callback that had spent its 8 got one attempt per Retry, while the same
// replay from the API or the CLI gets all 8 again. The board's Retry of one failed callback
// (`PUT …/api/queues/callbacks/<jobId>/retry`) and its Retry all of the failed tab
// (`PUT …/api/queues/callbacks/retry/failed`) are answered here, as Bull Board would answer them
// (204; 200 `{ retried, skipped }`), and audited as the API's are (`callback.replay`,
// `callback.replay-bulk`), not as `queue.put`. Anything else — a completed callback's retry, the
// adapter queues — is Bull Board's.
import { Job } from 'bullmq';
import type { Request, Response } from 'express';
import {
  replayFailedCallbackAudited,
  replayFailedCallbacksInBulk,
} from '../callbacks/failed-callback-replay.ts';
import { MAX_PAGE } from '../http/cursor.ts';
import { isGatewayError } from '../shared/errors.ts';
import { CALLBACK_QUEUE } from '../shared/redis-keys.ts';
import { operatorRequest, type ConsoleDeps } from './console-context.ts';

const ONE = new RegExp(`^/api/queues/${CALLBACK_QUEUE}/([^/]+)/retry$`);
const ALL = `/api/queues/${CALLBACK_QUEUE}/retry/failed`;

/** True when it answered the request (a board retry of failed callbacks); false: Bull Board's. */
export async function retryFailedCallbacks(
  deps: ConsoleDeps,
  req: Request,
  res: Response,
): Promise<boolean> {
  if (req.method !== 'PUT') return false;
  const { callbacks, audit, now } = deps.services;
  const request = operatorRequest(res);
  try {
    const one = ONE.exec(req.path);
    if (one) {
      const id = decodeURIComponent(one[1] ?? '');
      const job = await Job.fromId(callbacks.queue, id);
      if (!job || (await job.getState()) !== 'failed') return false;
      await replayFailedCallbackAudited({ callbacks, audit }, { ...request, id });
      res.status(204).json({});
      return true;
    }
    if (req.path !== ALL) return false;
    // Every callback failed before the click, in the API's batches.
    let failedBefore: string | undefined;
    let retried = 0;
    let skipped = 0;
    for (;;) {
      const batch = await replayFailedCallbacksInBulk(
        { callbacks, audit },
        { ...request, now, limit: MAX_PAGE, ...(failedBefore ? { failedBefore } : {}) },
      );
      failedBefore = batch.failedBefore;
      retried += batch.replayed.length;
      skipped += batch.skipped.length;
      if (batch.remaining === 0 || batch.replayed.length === 0) break;
    }
    res.status(200).json({ retried, skipped });
    return true;
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    // As Bull Board answers a refusal: its error key and a message, for its page to show.
    res.status(error.status).json({ error: { key: error.code }, message: error.message });
    return true;
  }
}
