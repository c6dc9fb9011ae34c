// A joint case (多地联办, schemas/README.md#modes) is a parent with one child per party; events go to
// the children, and the parent advances to a status only when every child has reached it.
import type { CaseStatus } from './case-status.ts';
import type { CaseRecord } from './case-record.ts';
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
export function parentStatusOf(children: CaseRecord[]): CaseStatus {
  if (children.some((c) => c.status === 'NOT_ACCEPTED')) return 'NOT_ACCEPTED';
  if (children.some((c) => c.status === 'DELIVERY_FAILED')) return 'DELIVERY_FAILED';
  const least = Math.min(...children.map((c) => PROGRESS_RANK[c.status] ?? 0));
  return MAIN_PATH.find((s) => PROGRESS_RANK[s] === least) ?? 'ROUTED';
}

export async function advanceParent(store: CaseStore, parentId: string): Promise<void> {
  const parent = await store.get(parentId);
  if (!parent?.children) return;
  const children = (await Promise.all(parent.children.map((id) => store.get(id)))).filter(
    (c): c is CaseRecord => c !== undefined,
  );
  const target = parentStatusOf(children);
  if (target === parent.status) return;
  const blocking = target === 'NOT_ACCEPTED' || target === 'DELIVERY_FAILED';
  if (!blocking && (PROGRESS_RANK[target] ?? 0) <= (PROGRESS_RANK[parent.status] ?? 0)) return;
  const at = new Date().toISOString();
  await store.transition(parent.id, [parent.status], target, [
    { at, status: target, actor: 'gateway', note: `every party reached ${target}` },
  ]);
}
