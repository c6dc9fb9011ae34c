// Second half of the outbox rule (gateway/README.md#outbox-rule): queue a stored case (job id = case id, so a
// repeat is a no-op) and only then record it ROUTED. Used by the submit path, by an idempotent
// replay whose first attempt died between the two writes, and by the reconciler.
import type { CaseRecord, JointChildCase } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { recordDispatched } from './record-dispatch.ts';

export interface DispatchDeps {
  store: CaseStore;
  queues: CaseQueues;
}

export async function dispatchCase(deps: DispatchDeps, record: CaseRecord): Promise<void> {
  const children: JointChildCase[] = [];
  if (record.kind === 'joint-parent') {
    for (const childId of record.children) {
      const child = await deps.store.get(childId);
      if (child?.kind !== 'joint-child') {
        throw new Error(`joint case ${record.id}: child ${childId} missing`);
      }
      children.push(child);
    }
    await deps.queues.enqueueJoint(
      record.id,
      children.map((c) => ({ caseId: c.id, adapter: c.route.adapter })),
    );
  } else {
    await deps.queues.enqueue(record.id, record.route.adapter);
  }
  // The parent first: 督办 scheduling (a transition listener) follows the case the portal follows.
  for (const c of [record, ...children]) await recordDispatched(deps.store, c);
}
