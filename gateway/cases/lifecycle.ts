// The province side of the case lifecycle (gateway/README.md#event-transitions): which event moves
// a case from which statuses to which. ROUTED is allowed wherever DELIVERED is, because a fast
// province can report "accepted" before our worker has recorded its own delivery; the worker then
// finds the case already past DELIVERED and leaves it be.
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

export interface EventRule {
  from: readonly CaseStatus[];
  to: CaseStatus;
  /** Reached at once after `to` (the loop closes when the result has been delivered). */
  then?: CaseStatus;
}

const RECEIVED: CaseStatus[] = ['ROUTED', 'DELIVERED'];

export const EVENT_RULES: Record<EventType, EventRule> = {
  accepted: { from: RECEIVED, to: 'IN_PROGRESS' },
  'in-progress': { from: [...RECEIVED, 'IN_PROGRESS'], to: 'IN_PROGRESS' },
  'correction-required': { from: [...RECEIVED, 'IN_PROGRESS'], to: 'CORRECTION_REQUIRED' },
  suspended: { from: ['IN_PROGRESS'], to: 'SUSPENDED' },
  resumed: { from: ['CORRECTION_REQUIRED', 'SUSPENDED'], to: 'IN_PROGRESS' },
  'not-accepted': {
    from: [...RECEIVED, 'IN_PROGRESS', 'CORRECTION_REQUIRED'],
    to: 'NOT_ACCEPTED',
    then: 'CLOSED',
  },
  decided: { from: [...RECEIVED, 'IN_PROGRESS'], to: 'DECIDED' },
  'result-delivered': { from: ['DECIDED'], to: 'RESULT_DELIVERED', then: 'CLOSED' },
};

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
