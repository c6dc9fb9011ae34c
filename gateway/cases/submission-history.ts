// The history a stored case starts with, derived from its record (gateway/README.md#lean-records):
// a submission is stored ROUTED in its one write, beside the outbox entry that guarantees its job,
// and its three history entries (SUBMITTED by the portal, ACCEPTED and ROUTED by the gateway, all
// at createdAt) say nothing the record does not, so they are not stored but derived here when the
// history is read. The stored list holds only later moves; a move's callback sequence still counts
// the whole history. Its own file because the store (case-reader.ts, reading a history) and the
// worker's move of a legacy SUBMITTED case (record-dispatch.ts, which needs the store) both use it.
import { planMove, type MoveStep } from './case-move.ts';
import { routeQueueName } from '../shared/redis-keys.ts';
import type { CaseRecord, HistoryEntry } from './case-record.ts';

/** The gateway's dispatch row: where the case was queued, and against which item version. */
export function dispatchStep(record: CaseRecord): MoveStep {
  const target =
    record.kind === 'joint-parent'
      ? `${record.children.length} parties (joint)`
      : routeQueueName(record.route.adapter);
  return {
    actor: 'gateway',
    viaNote: `valid for ${record.itemCode} v${record.itemVersion}`,
    note: `queued to ${target}`,
  };
}

/**
 * The history a submitted case starts with, from its record: SUBMITTED by the portal when it was
 * created, then the dispatch row at the same time.
 */
export function submissionHistory(record: CaseRecord): HistoryEntry[] {
  const submitted: HistoryEntry = {
    at: record.createdAt,
    status: 'SUBMITTED',
    actor: record.clientId,
    ...(record.relatedCaseId ? { note: `resubmission of ${record.relatedCaseId}` } : {}),
  };
  const step = { ...dispatchStep(record), at: record.createdAt };
  const plan = planMove('dispatched', step, new Date(record.createdAt));
  return [submitted, ...plan.entries];
}

/**
 * The history length once a submission is stored: the `sequence` of its ROUTED callback, and what
 * a move's sequence adds to the length of the stored list (its submission's entries are derived).
 */
export const ROUTED_SEQUENCE = 3;

/**
 * A case's whole history: its submission's entries, then the stored ones of its later moves. A
 * case stored before the submission's entries were derived has them in its list (it starts with
 * SUBMITTED): read as stored.
 */
export function caseHistory(record: CaseRecord, stored: HistoryEntry[]): HistoryEntry[] {
  if (stored[0]?.status === 'SUBMITTED') return stored;
  return [...submissionHistory(record), ...stored];
}
