// A joint case (多地联办, gateway/README.md#joint-cases) is a parent with one child per party; events go to the
// children, and the parent advances to a status only when every child has reached it. A child's
// blocking status (NOT_ACCEPTED, DELIVERY_FAILED) shows on the parent at once. The case store lets
// the parent follow after every move of a child; this is the rule it applies.
import type { CaseStatus } from './case-status.ts';
import type { CaseRecord, JointParentCase } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import { PROGRESS_RANK } from './lifecycle.ts';

const MAIN_PATH: CaseStatus[] = [
  'ROUTED',
  'DELIVERED',
  'IN_PROGRESS',
  'DECIDED',
  'RESULT_DELIVERED',
  'CLOSED',
];

/** The status all children have reached, or a blocking status shared by one of them. */
export function parentStatusOf(children: readonly CaseRecord[]): CaseStatus {
  if (children.some((c) => c.status === 'NOT_ACCEPTED')) return 'NOT_ACCEPTED';
  if (children.some((c) => c.status === 'DELIVERY_FAILED')) return 'DELIVERY_FAILED';
  const least = Math.min(...children.map((c) => PROGRESS_RANK[c.status] ?? 0));
  return MAIN_PATH.find((s) => PROGRESS_RANK[s] === least) ?? 'ROUTED';
}

/** Moves the parent to its children's status when that is ahead of it, or blocking. */
export async function followChildren(store: CaseStore, parent: JointParentCase): Promise<void> {
  const children = (await Promise.all(parent.children.map((id) => store.get(id)))).filter(
    (c): c is CaseRecord => c !== undefined,
  );
  const target = parentStatusOf(children);
  if (target === parent.status) return;
  const blocking = target === 'NOT_ACCEPTED' || target === 'DELIVERY_FAILED';
  if (!blocking && (PROGRESS_RANK[target] ?? 0) <= (PROGRESS_RANK[parent.status] ?? 0)) return;
  // A concurrent follower may have moved it first: the store then refuses this move (illegal).
  await store.move(parent, 'parent-followed', {
    actor: 'gateway',
    from: parent.status,
    to: target,
    note: `every party reached ${target}`,
  });
}
