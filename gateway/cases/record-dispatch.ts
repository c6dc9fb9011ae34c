// The gateway's own move of a stored case: SUBMITTED → ACCEPTED → ROUTED once its delivery job is
// guaranteed (the outbox rule, gateway/README.md#outbox-rule). A submission is stored ROUTED in its
// one write, beside the outbox entry that guarantees the job; its three history entries say
// nothing the record does not, so they are not stored but derived from it when the history is
// read (submissionHistory, caseHistory). A case a gateway before the outbox relay left SUBMITTED is
// moved by the worker that finds its job (recordDispatched): the lifecycle row lets only one mover
// through.
import { planMove, type MoveOutcome, type MoveStep } from './case-move.ts';
import { routeQueueName } from '../shared/redis-keys.ts';
import type { CaseRecord, HistoryEntry } from './case-record.ts';
import type { CaseStore } from './case-store.ts';

function dispatchStep(record: CaseRecord, childCount: number): MoveStep {
  const target =
    record.kind === 'joint-parent'
      ? `${childCount} parties (joint)`
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
  const children = record.kind === 'joint-parent' ? record.children.length : 0;
  const step = { ...dispatchStep(record, children), at: record.createdAt };
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

export async function recordDispatched(store: CaseStore, record: CaseRecord): Promise<MoveOutcome> {
  const children = record.kind === 'joint-parent' ? record.children.length : 0;
  return store.move(record, 'dispatched', dispatchStep(record, children));
}
