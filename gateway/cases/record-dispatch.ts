// The gateway's own move of a stored case: SUBMITTED → ACCEPTED → ROUTED once its delivery job is
// guaranteed (the outbox rule, gateway/README.md#outbox-rule). A submission records the three in
// its one write, beside the outbox entry that guarantees the job (submissionHistory). A case a
// gateway before the outbox relay left SUBMITTED is moved by the worker that finds its job
// (recordDispatched): the lifecycle row lets only one mover through.
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

/** The history a submitted case starts with: SUBMITTED by the portal, then the dispatch row. */
export function submissionHistory(record: CaseRecord, submitted: HistoryEntry): HistoryEntry[] {
  const children = record.kind === 'joint-parent' ? record.children.length : 0;
  const plan = planMove('dispatched', dispatchStep(record, children), new Date(submitted.at));
  return [submitted, ...plan.entries];
}

/** The history length once a submission is stored: the `sequence` of its ROUTED callback. */
export const ROUTED_SEQUENCE = 3;

export async function recordDispatched(store: CaseStore, record: CaseRecord): Promise<MoveOutcome> {
  const children = record.kind === 'joint-parent' ? record.children.length : 0;
  return store.move(record, 'dispatched', dispatchStep(record, children));
}
