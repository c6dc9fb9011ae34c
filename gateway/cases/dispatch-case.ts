// Second half of the outbox rule (gateway/README.md#outbox-rule): queue a stored case (job id = case id, so a
// repeat is a no-op) and only then record it ROUTED. Used by the submit path, by an idempotent
// replay whose first attempt died between the two writes, and by the reconciler. A case that
// follows up an earlier one (relatedCaseId, gateway/README.md#related-cases) is linked from that
// case first, here rather than at creation, so a process that dies in between leaves the link to
// whoever dispatches the case next (the link is made once).
import type { CaseRecord, JointChildCase } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { recordDispatched } from './record-dispatch.ts';

export interface DispatchDeps {
  store: CaseStore;
  queues: CaseQueues;
}

export async function dispatchCase(deps: DispatchDeps, record: CaseRecord): Promise<void> {
  const related = record.relatedCaseId;
  if (related && record.kind !== 'joint-child') {
    await deps.store.linkFollowUp(related, record.id, {
      at: record.createdAt,
      actor: record.clientId,
      note: `resubmitted as ${record.id}`,
    });
  }
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
      children.map((c) => ({ caseId: c.id, adapter: c.route.adapter })),
    );
  } else {
    await deps.queues.enqueue(record.id, record.route.adapter);
  }
  // The parent first: 督办 scheduling (a transition listener) follows the case the portal follows.
  for (const c of [record, ...children]) await recordDispatched(deps.store, c);
}
