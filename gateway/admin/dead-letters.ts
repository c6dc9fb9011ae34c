// Dead letters (gateway/README.md#queues-and-delivery): cases whose delivery failed for good
// (DELIVERY_FAILED), listed for operators and replayable once the province has recovered. A replay
// is recorded in the case history (who, when), appended to the audit chain (ok, refused or failed)
// and re-runs the same BullMQ job (job id = case id), so the province's idempotency on the case id
// still guarantees one provincial case.
// A dead letter's failure reason is the province client's error text, sealed at rest
// (cases/failure-reason.ts): opened here for the list (API and console) and the console's page, and
// masked like a history note (personal-data/mask-free-text.ts) unless the reader may unmask.
import { Job } from 'bullmq';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import type { CaseRecord } from '../cases/case-record.ts';
import type { CaseStore } from '../cases/case-store.ts';
import type { DeadLetterPosition } from '../cases/dead-letter-list.ts';
import { failureKindOf, type FailureKindKey } from '../cases/failure-kind.ts';
import { phaseOf } from '../cases/case-status.ts';
import { recordReplayed } from '../cases/record-replay.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { routeQueueName, SLOT } from '../shared/redis-keys.ts';

export interface DeadLetter {
  caseId: string;
  itemCode: string;
  adapter: string | undefined;
  failedAt: string;
  /** The failure's kind (cases/failure-kind.ts), of the reason opened whole. */
  kind: FailureKindKey;
  reason: string | undefined;
  /** The division the case was routed to (its first two digits: the province). */
  targetRegion: string | undefined;
}

export interface DeadLetterDeps {
  store: CaseStore;
  queues: CaseQueues;
}

/** How long a replay waits for the job of a failing last attempt to reach BullMQ's failed set. */
const SETTLE_TIMEOUT_MS = 5000;

/** Who reads a dead letter's reason: whether they see it unmasked, and where a fault is logged. */
export interface DeadLetterReader {
  /** An operator holding `unmask` (the caller audits the read). */
  unmasked: boolean;
  log: Logger;
}

/**
 * The case's failure reason as `reader` sees it (undefined when none is stored): opened, masked
 * unless the reader may unmask. One that does not open reads as UNREADABLE_FAILURE_REASON, with a
 * log line saying where and why, never content.
 */
export function shownFailureReason(
  store: CaseStore,
  record: CaseRecord,
  reader: DeadLetterReader,
): string | undefined {
  const opened = store.failureReason(record);
  if (opened?.unreadable) {
    reader.log.warn({ caseId: record.id, problem: opened.unreadable }, 'failure reason unreadable');
    return opened.reason;
  }
  if (opened === undefined || reader.unmasked) return opened?.reason;
  return maskFreeText(opened.reason);
}

/**
 * The dead letter at `position` as `reader` sees it, undefined when the list's entry is stale (the
 * case moved on between the list's read and the case's). Its kind is of the opened reason, so a
 * masked reader's list filters and counts as an unmasked one's.
 */
export async function deadLetterAt(
  store: CaseStore,
  reader: DeadLetterReader,
  position: DeadLetterPosition,
): Promise<DeadLetter | undefined> {
  const record = await store.get(position.caseId);
  if (!record || record.status !== 'DELIVERY_FAILED') return undefined;
  return {
    caseId: record.id,
    itemCode: record.itemCode,
    adapter: record.kind === 'joint-parent' ? undefined : record.route.adapter,
    failedAt: new Date(position.failedAtMs).toISOString(),
    kind: failureKindOf(store.failureReason(record)?.reason),
    reason: shownFailureReason(store, record, reader),
    targetRegion: record.kind === 'joint-parent' ? undefined : record.route.targetRegion,
  };
}

export type ReplayResult = Awaited<ReturnType<typeof replayDeadLetter>>;

/**
 * The operator's replay (over HTTP and from the console): needs the `replay` right, and every
 * attempt is audited as `dead-letter.replay` of the case under the operator's id.
 */
export function replayDeadLetterAudited(
  deps: DeadLetterDeps & { audit: AuditLog },
  request: OperatorRequest & { caseId: string },
): Promise<ReplayResult> {
  const { caseId, operator } = request;
  let queue: string | undefined;
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'dead-letter.replay',
      target: caseId.slice(0, 64),
      right: 'replay',
      // The case's move and its job, put back in its province's queue (another slot).
      writes: () => [SLOT.case(caseId), ...(queue ? [SLOT.queue(queue)] : [])],
    },
    () =>
      replayDeadLetter(deps, caseId, operator.id, (adapter) => {
        queue = routeQueueName(adapter);
      }),
  );
}

async function replayDeadLetter(
  deps: DeadLetterDeps,
  caseId: string,
  operatorId: string,
  queued: (adapter: string) => void,
) {
  const record = await deps.store.get(caseId);
  if (!record || record.kind === 'joint-parent')
    throw new GatewayError('GW_CASE_NOT_FOUND', { detail: `No case ${caseId.slice(0, 40)}` });
  // Leaves the dead-letter list, and lets a joint parent blocked by this party follow it back.
  const moved = await recordReplayed(deps.store, record, operatorId);
  if (!moved.ok) {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `Only DELIVERY_FAILED cases can be replayed; ${caseId} is ${'current' in moved ? moved.current : 'missing'}`,
    });
  }
  await requeue(deps, caseId, record.route.adapter);
  queued(record.route.adapter);
  return { caseId, status: 'ROUTED' as const, phase: phaseOf('ROUTED') };
}

/**
 * Puts the case's delivery job back in line, whatever state its failure left it in. The job runner
 * marks a case DELIVERY_FAILED just before BullMQ moves its job to failed, so a replay can find the
 * job still active (wait for it to settle, else the retry below is skipped and the case sits
 * ROUTED with a failed job for ever) or, after a worker died between the two, completed by the
 * recovered run that found nothing to send (a completed job id blocks a new job: remove it first).
 * Waiting or delayed jobs need nothing: they will run, find the case ROUTED, and deliver it.
 */
async function requeue(deps: DeadLetterDeps, caseId: string, adapter: string): Promise<void> {
  const queue = deps.queues.queue(adapter);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let job = await Job.fromId(queue, caseId);
  let state = job ? await job.getState() : 'missing';
  while (state === 'active' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    job = await Job.fromId(queue, caseId);
    state = job ? await job.getState() : 'missing';
  }
  if (job && state === 'failed') {
    await job.retry('failed', { resetAttemptsMade: true });
  } else if (!job || state === 'completed' || state === 'unknown') {
    await job?.remove();
    await deps.queues.enqueue(caseId, adapter);
  }
  // Still active after the wait: a dead worker's stalled job, which the stalled check recovers.
}
