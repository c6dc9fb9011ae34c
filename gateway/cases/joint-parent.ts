// A joint case (多地联办, gateway/README.md#joint-cases) is a parent with one child per party; events
// go to the children, and the parent advances to a status only when every child has reached it. A
// child's blocking status (NOT_ACCEPTED, DELIVERY_FAILED) shows on the parent at once.
//
// The rule runs inside Redis, in the same atomic step as the child's move
// (cases/scripts/parent-follow.lua, gateway/README.md#joint-parent-atomicity): a rule computed here
// from children read a moment earlier could be stale by the time it was written, and a crash
// between the child's write and the parent's stranded the parent. What the rule needs is data, and
// this file builds it from the lifecycle table, so the progress order is still written once
// (lifecycle.ts) and the algorithm once (the Lua chunk).
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseStatus } from './case-status.ts';
import { LIFECYCLE, PROGRESS_RANK } from './lifecycle.ts';

/** The one path every child walks when nothing blocks it. */
const MAIN_PATH: readonly CaseStatus[] = [
  'ROUTED',
  'DELIVERED',
  'IN_PROGRESS',
  'DECIDED',
  'RESULT_DELIVERED',
  'CLOSED',
];

/** Shown on the parent as soon as one child has it, in this priority. */
const BLOCKING: readonly CaseStatus[] = ['NOT_ACCEPTED', 'DELIVERY_FAILED'];

export interface ParentRule {
  from: readonly CaseStatus[];
  blocking: readonly CaseStatus[];
  rank: Partial<Record<CaseStatus, number>>;
  /** Rank (as a string: a JSON object key) → the main-path status of that rank. */
  byRank: Record<string, CaseStatus>;
  /** When no main-path status has the least rank (a child not yet dispatched). */
  fallback: CaseStatus;
  actor: string;
  /** History notes; '%s' is the status the parent reached. */
  note: string;
  lateNote: string;
}

function buildRule(): ParentRule {
  const byRank: Record<string, CaseStatus> = {};
  for (const status of MAIN_PATH) {
    const rank = PROGRESS_RANK[status];
    if (rank === undefined) throw new Error(`main-path status ${status} has no progress rank`);
    byRank[String(rank)] ??= status;
  }
  return {
    from: LIFECYCLE['parent-followed'].from,
    blocking: BLOCKING,
    rank: PROGRESS_RANK,
    byRank,
    fallback: MAIN_PATH[0]!,
    actor: 'gateway',
    note: 'every party reached %s',
    // The repair's note tells an operator reading the history that this advance came late: a
    // repeated province event or the reconciler completed it, not the child's own move.
    lateNote: 'every party reached %s (completed late)',
  };
}

export const PARENT_RULE: Readonly<ParentRule> = Object.freeze(buildRule());

/** The rule as the Lua scripts take it (ARGV). */
export const PARENT_RULE_JSON = JSON.stringify(PARENT_RULE);

/** A joint parent and its children's ids: what the scripts that let it follow need. */
export interface JointFamily {
  parentId: string;
  children: readonly string[];
}

/**
 * The parent's hash, history, digests and sealed envelope (it expires with the parent), then every
 * child's hash: one hash tag, one slot.
 */
export function familyKeys(keys: RedisKeys, family: JointFamily): string[] {
  return [
    keys.case(family.parentId),
    keys.history(family.parentId),
    keys.events(family.parentId),
    keys.envelope(family.parentId),
    ...family.children.map((child) => keys.case(child)),
  ];
}
