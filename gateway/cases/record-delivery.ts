// What an adapter worker records about a delivery (gateway/README.md#case-lifecycle): the case
// it may deliver, then one outcome — delivered (with the province's case number) or failed for
// good (a dead letter). Retrying is the worker's business and records nothing.
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import { SealedDataError } from '../personal-data/sealed-data.ts';
import { caseCreatedAtMs } from './case-id.ts';
import type { CaseStatus } from './case-status.ts';
import type { RoutedCase } from './case-record.ts';
import type { MoveOutcome } from './case-move.ts';
import type { CaseStore } from './case-store.ts';
import { recordDispatched } from './record-dispatch.ts';

export type DeliveryTarget =
  | { found: 'deliver'; record: RoutedCase; envelope: SubmissionEnvelope }
  /** Its sealed envelope cannot be opened here (a data key not listed, tampered bytes). */
  | { found: 'unreadable'; record: RoutedCase; reason: string }
  /** Nothing to send: a replayed job, or a province that reported progress first. */
  | { found: 'skip'; status: CaseStatus }
  /**
   * Gone, and old enough that retention may have removed it: created at least
   * GW_CASE_RETENTION_DAYS ago, so it may have closed and expired while this job waited (a
   * repeat of a delivered case's job, say). Nothing to deliver and nothing to replay.
   */
  | { found: 'expired' }
  /** Gone, yet too young for retention to have removed it: never stored, or deleted by hand. */
  | { found: 'missing' };

/**
 * The case of a delivery job, if it is still waiting to be delivered, with its envelope decrypted
 * for the adapter (the one place a worker opens it), both in one round trip (CaseStore.getForDelivery). A case still SUBMITTED had
 * its job queued by a submit path that has not recorded the dispatch yet (or died before it): the
 * worker records it, so the history never jumps from SUBMITTED to DELIVERED.
 */
export async function loadForDelivery(store: CaseStore, caseId: string): Promise<DeliveryTarget> {
  let stored = await store.getForDelivery(caseId);
  if (stored?.record.status === 'SUBMITTED') {
    await recordDispatched(store, stored.record);
    stored = await store.getForDelivery(caseId);
  }
  if (!stored) return mayHaveExpired(store, caseId) ? { found: 'expired' } : { found: 'missing' };
  const { record } = stored;
  // A joint parent has no route of its own: its children are delivered.
  if (record.kind === 'joint-parent' || record.status !== 'ROUTED') {
    return { found: 'skip', status: record.status };
  }
  try {
    return { found: 'deliver', record, envelope: await stored.openEnvelope() };
  } catch (error) {
    if (error instanceof SealedDataError)
      return { found: 'unreadable', record, reason: error.message };
    throw error;
  }
}

/**
 * Whether retention could have removed this case by now: a case is kept GW_CASE_RETENTION_DAYS
 * after it closes, and it closes after it is created (its id tells when), so one created less
 * than that long ago cannot have expired. The store's clock, as retention's.
 */
function mayHaveExpired(store: CaseStore, caseId: string): boolean {
  const createdAt = caseCreatedAtMs(caseId);
  const retentionMs = store.caseRetentionSeconds * 1000;
  return (
    createdAt !== undefined && retentionMs > 0 && createdAt + retentionMs <= store.now().getTime()
  );
}

export interface Delivered {
  adapterId: string;
  provinceCaseNo: string;
  /** The province already held the case (a retried or recovered delivery). */
  duplicate: boolean;
}

/** ROUTED → DELIVERED with the province's case number. */
export async function recordDelivered(
  store: CaseStore,
  record: RoutedCase,
  delivered: Delivered,
): Promise<MoveOutcome> {
  const { adapterId, provinceCaseNo, duplicate } = delivered;
  const note = `province case ${provinceCaseNo}${duplicate ? ' (already held by the province)' : ''}`;
  const moved = await store.move(record, 'delivered', {
    actor: `adapter:${adapterId}`,
    note,
    fields: { provinceCaseNo },
  });
  // The province's own event moved the case past ROUTED first: keep its case number anyway.
  if (!moved.ok) await store.keepProvinceCaseNo(record.id, provinceCaseNo);
  return moved;
}

/**
 * ROUTED → DELIVERY_FAILED, listed as a dead letter for operators to replay. The reason is the
 * province client's error text, which may quote the applicant: the store seals it at rest, in the
 * case hash and as the history entry's note (cases/failure-reason.ts).
 */
export async function recordDeliveryFailed(
  store: CaseStore,
  record: RoutedCase,
  failure: { adapterId: string; reason: string },
): Promise<MoveOutcome> {
  const reason = failure.reason.slice(0, 300);
  return store.move(record, 'delivery-failed', {
    actor: `adapter:${failure.adapterId}`,
    note: reason,
    sealNote: true,
    failureReason: reason,
  });
}
