// Second half of the outbox rule (gateway/README.md#outbox-rule): queue a stored case (job id =
// case id, so a repeat is a no-op) and only then mark it ROUTED. Used by the submit path, by an
// idempotent replay whose first attempt died between the two writes, and by the reconciler.
import type { CaseRecord, HistoryEntry } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { scheduleSupervision } from '../supervision/supervision.ts';

export interface DispatchDeps {
  store: CaseStore;
  queues: CaseQueues;
}

export function routedEntries(record: CaseRecord, at: string): HistoryEntry[] {
  const target = record.route
    ? `route-${record.route.adapter}`
    : `${record.children?.length ?? 0} parties (joint)`;
  return [
    {
      at,
      status: 'ACCEPTED',
      actor: 'gateway',
      note: `valid for ${record.itemCode} v${record.itemVersion}`,
    },
    { at, status: 'ROUTED', actor: 'gateway', note: `queued to ${target}` },
  ];
}

export async function dispatchCase(deps: DispatchDeps, record: CaseRecord): Promise<void> {
  const children: CaseRecord[] = [];
  for (const childId of record.children ?? []) {
    const child = await deps.store.get(childId);
    if (!child?.route) throw new Error(`joint case ${record.id}: child ${childId} missing`);
    children.push(child);
  }
  if (children.length > 0) {
    await deps.queues.enqueueJoint(
      record.id,
      children.map((c) => ({ caseId: c.id, adapter: c.route!.adapter })),
    );
  } else if (record.route) {
    await deps.queues.enqueue(record.id, record.route.adapter);
  } else {
    throw new Error(`case ${record.id} has neither route nor children`);
  }
  const at = new Date().toISOString();
  for (const c of [record, ...children]) {
    await deps.store.transition(c.id, ['SUBMITTED'], 'ROUTED', routedEntries(c, at));
  }
  // 督办 follows the case the portal follows: the single case, or the joint parent.
  await scheduleSupervision(deps.store, record);
}
