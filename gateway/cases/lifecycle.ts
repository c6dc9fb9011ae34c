// The case lifecycle in one table (gateway/README.md#case-lifecycle): every status move a case
// can make — the gateway dispatching it, an adapter worker delivering it or giving up, a province
// reporting progress, an operator replaying a dead letter, a joint parent following its children —
// is one row: the statuses it may start from, the statuses it records, and its side effects. The
// case store applies a row atomically (gateway/cases/case-mover.ts, move); nothing else writes a
// status. A move that ends in CLOSED starts the retention clock (GW_CASE_RETENTION_DAYS).
import type { CaseStatus } from './case-status.ts';

export const EVENT_TYPES = [
  'accepted',
  'correction-required',
  'not-accepted',
  'in-progress',
  'suspended',
  'resumed',
  'decided',
  'result-delivered',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Who makes a move; the history entry names the actual client, worker or operator. */
export type Mover = 'gateway' | 'adapter' | 'province' | 'operator';

/**
 * How a province's event reaches us: posted by the province, or found by our status query of its
 * platform when it has been silent too long (gateway/README.md#silence-reconciliation). Both
 * apply the event rows below with the same content digest (so an event that arrives both ways is
 * applied once); a queried one is recorded with actor `adapter:<id>` and a note `status query…`.
 */
export type EventSource = 'province-post' | 'status-query';

export interface LifecycleMove {
  readonly by: Mover;
  /** Statuses the case may be in; from any other the move is refused (illegal). */
  readonly from: readonly CaseStatus[];
  /** Where the case goes; a list when the mover picks one (a joint parent follows its children). */
  readonly to: CaseStatus | readonly CaseStatus[];
  /** Recorded on the way to `to` (dispatch records ACCEPTED, then ROUTED). */
  readonly via?: CaseStatus;
  /** Reached at once after `to` (the loop closes once the province says it is over). */
  readonly then?: CaseStatus;
  /** The dead-letter list gains the case (delivery failed for good) or loses it (replayed). */
  readonly deadLetter?: 'add' | 'remove';
}

/**
 * A case the province has received. ROUTED is allowed wherever DELIVERED is, because a fast
 * province can report before our worker has recorded its own delivery: the event path then
 * records the delivery first (`delivered-reported`), and the worker, finding the case past ROUTED,
 * leaves it.
 */
const RECEIVED: readonly CaseStatus[] = ['ROUTED', 'DELIVERED'];

/** Every status a joint parent can show, and so reach by following its children. */
const PARENT_SHOWS: readonly CaseStatus[] = [
  'ROUTED',
  'DELIVERED',
  'IN_PROGRESS',
  'CORRECTION_REQUIRED',
  'SUSPENDED',
  'DECIDED',
  'RESULT_DELIVERED',
  'CLOSED',
  'NOT_ACCEPTED',
  'DELIVERY_FAILED',
];

/** A closed case stays closed, a joint parent too. */
const PARENT_OPEN = PARENT_SHOWS.filter((status) => status !== 'CLOSED');

export const LIFECYCLE = {
  // The gateway queued the case (submit path, idempotent replay, reconciler, or a worker that
  // found its job before the submit path had recorded it).
  dispatched: { by: 'gateway', from: ['SUBMITTED'], via: 'ACCEPTED', to: 'ROUTED' },
  delivered: { by: 'adapter', from: ['ROUTED'], to: 'DELIVERED' },
  'delivery-failed': { by: 'adapter', from: ['ROUTED'], to: 'DELIVERY_FAILED', deadLetter: 'add' },
  replayed: { by: 'operator', from: ['DELIVERY_FAILED'], to: 'ROUTED', deadLetter: 'remove' },
  // A province's event overtook the worker's own record of the delivery.
  'delivered-reported': { by: 'province', from: ['ROUTED'], to: 'DELIVERED' },
  accepted: { by: 'province', from: RECEIVED, to: 'IN_PROGRESS' },
  'in-progress': { by: 'province', from: [...RECEIVED, 'IN_PROGRESS'], to: 'IN_PROGRESS' },
  'correction-required': {
    by: 'province',
    from: [...RECEIVED, 'IN_PROGRESS'],
    to: 'CORRECTION_REQUIRED',
  },
  suspended: { by: 'province', from: ['IN_PROGRESS'], to: 'SUSPENDED' },
  resumed: { by: 'province', from: ['CORRECTION_REQUIRED', 'SUSPENDED'], to: 'IN_PROGRESS' },
  'not-accepted': {
    by: 'province',
    from: [...RECEIVED, 'IN_PROGRESS', 'CORRECTION_REQUIRED'],
    to: 'NOT_ACCEPTED',
    then: 'CLOSED',
  },
  decided: { by: 'province', from: [...RECEIVED, 'IN_PROGRESS'], to: 'DECIDED' },
  'result-delivered': { by: 'province', from: ['DECIDED'], to: 'RESULT_DELIVERED', then: 'CLOSED' },
  // A joint parent shows the status every child has reached, or a child's blocking status
  // (gateway/cases/joint-parent.ts); it follows in the same Lua step as every move of a child
  // (cases/scripts/parent-follow.lua), which picks `to` from the children.
  'parent-followed': { by: 'gateway', from: PARENT_OPEN, to: PARENT_SHOWS },
} as const satisfies Record<EventType, LifecycleMove> & Record<string, LifecycleMove>;

export type MoveName = keyof typeof LIFECYCLE;

/**
 * Statuses in which the province holds an open case and owes us its news: a case that stays in
 * one of them without a province event for GW_PROVINCE_SILENCE_MS is queried from the province
 * (gateway/README.md#silence-reconciliation). Entering any other status ends the watch.
 */
export const AWAITING_PROVINCE: ReadonlySet<CaseStatus> = new Set([
  'DELIVERED',
  'IN_PROGRESS',
  'CORRECTION_REQUIRED',
  'SUSPENDED',
  'DECIDED',
]);

/** Statuses during which the promised-time clock stops (补正, 特别程序). */
export const PAUSED: ReadonlySet<CaseStatus> = new Set(['CORRECTION_REQUIRED', 'SUSPENDED']);

/** Progress order used to advance a joint parent once every child has reached a status. */
export const PROGRESS_RANK: Partial<Record<CaseStatus, number>> = {
  ROUTED: 1,
  DELIVERED: 2,
  IN_PROGRESS: 3,
  CORRECTION_REQUIRED: 3,
  SUSPENDED: 3,
  DECIDED: 4,
  RESULT_DELIVERED: 5,
  CLOSED: 6,
};
