// Failed portal callbacks as operators see them (gateway/README.md#failed-callbacks): the jobs of
// the `callbacks` queue's failed set, oldest failure first, in pages from a position (when it
// failed, and its job id) rather than an offset, so callbacks replayed or failing between two pages
// neither repeat one nor skip one — as the dead letters page. An item names the callback (its job
// id), the case, the portal and the host it is posted to, never the URL's path or query (a portal
// may put a token there) nor the body; the last error is masked as free text (a socket's or TLS
// message names hosts and addresses; masked all the same, so nothing that looks like a personal
// number leaves in clear).
import { Job, type Queue } from 'bullmq';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import type { CallbackJobData, CallbackQueue } from './callback-queue.ts';
import { callbackHost } from './callback-url.ts';

export interface FailedCallback {
  /** The job id, naming the callback: `status-<caseId>-<sequence>`, `supervision-case-…`. */
  id: string;
  caseId: string;
  /** The portal client the callback is for. */
  portal: string;
  /** `status` for a case's move; else the event's type (`supervision`, `rectification`). */
  type: string;
  /** A status callback's status and sequence (the history length once it was reached). */
  status?: string;
  sequence?: number;
  /** The callback URL's host (and port, when written). */
  host: string | undefined;
  failedAt: string;
  /** Attempts made before it failed for good (8 when the portal never took it). */
  attempts: number;
  lastError: string;
}

/** Where a page of the failed set stops: the failure's time and the job id. */
export interface FailedCallbackPosition {
  failedAtMs: number;
  id: string;
}

/** A job id as the gateway names callbacks (and BullMQ's own numbers). */
export const CALLBACK_ID = /^[A-Za-z0-9_-]{1,160}$/;
const POSITION = /^(0|[1-9][0-9]{0,14})\.([A-Za-z0-9_-]{1,160})$/;

export function failedCallbackCursor(position: FailedCallbackPosition | undefined): string | null {
  return position ? encodeCursor(`${position.failedAtMs}.${position.id}`) : null;
}

/** The position a cursor names; 400 GW_INVALID_PARAMETER at /query/cursor for any other text. */
export function failedCallbackPosition(
  cursor: string | undefined,
): FailedCallbackPosition | undefined {
  const match = POSITION.exec(decodeCursor(cursor, POSITION) ?? '');
  return match ? { failedAtMs: Number(match[1]), id: match[2] ?? '' } : undefined;
}

/** The failed callback at `position`; undefined when it left the failed set meanwhile. */
export async function failedCallbackAt(
  queue: Queue<CallbackJobData>,
  position: FailedCallbackPosition,
): Promise<FailedCallback | undefined> {
  const job = await Job.fromId<CallbackJobData>(queue, position.id);
  if (!job?.data || !job.failedReason) return undefined;
  const { data } = job;
  return {
    id: position.id,
    caseId: data.caseId,
    portal: data.clientId,
    ...('body' in data
      ? { type: data.body.type }
      : { type: 'status', status: data.status, sequence: data.sequence }),
    host: callbackHost(data.url),
    failedAt: new Date(job.finishedOn ?? position.failedAtMs).toISOString(),
    attempts: job.attemptsMade,
    lastError: maskFreeText(job.failedReason),
  };
}

/** One page of failed callbacks; a callback retried between the two reads is left out. */
export async function failedCallbackPage(
  callbacks: CallbackQueue,
  request: { after?: FailedCallbackPosition; limit: number },
): Promise<{ items: FailedCallback[]; next: FailedCallbackPosition | undefined }> {
  // One more than the page needs tells whether a further page exists.
  const positions = await callbacks.failedAfter(request.after, request.limit + 1);
  const page = positions.slice(0, request.limit);
  const items = await Promise.all(page.map((p) => failedCallbackAt(callbacks.queue, p)));
  return {
    items: items.filter((c): c is FailedCallback => c !== undefined),
    next: positions.length > request.limit ? page.at(-1) : undefined,
  };
}
