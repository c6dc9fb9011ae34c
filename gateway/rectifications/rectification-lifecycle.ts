// The rectification lifecycle in one table (gateway/README.md#rectification-lifecycle), like the
// case's (gateway/cases/lifecycle.ts): a 差评 opens a rectification owned by the rated party's
// province (谁办理谁负责); the province visits the applicant (回访), then rectifies or explains, or
// appeals an untrue 差评 (申诉复核) to an operator; the portal's re-rating closes it, or, when its
// window ends without one, the gateway's default re-rating (基本满意). Each row: who
// moves it, the statuses it may start from, where it goes, and the counter it moves
// (gateway/evaluations/rating-counters.ts). The rectification store applies a row atomically
// (rectification-store.ts); nothing else writes a status.
import type { Counter } from '../evaluations/rating-counters.ts';

export const RECTIFICATION_STATUSES = [
  'OPEN',
  'VISITED',
  'RECTIFIED',
  'EXPLAINED',
  'APPEALED',
  'VOIDED',
  'CLOSED',
] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** The events a province reports. */
export const RECTIFICATION_EVENT_TYPES = ['visited', 'rectified', 'explained', 'appealed'] as const;
export type RectificationEventType = (typeof RECTIFICATION_EVENT_TYPES)[number];

export const APPEAL_DECISIONS = ['upheld', 'rejected'] as const;
export type AppealDecision = (typeof APPEAL_DECISIONS)[number];

export interface RectificationMove {
  readonly by: 'province' | 'operator' | 'portal' | 'gateway';
  readonly from: readonly RectificationStatus[];
  /** A list when the mover picks (an appeal rejected goes back where it was). */
  readonly to: RectificationStatus | readonly RectificationStatus[];
  readonly counter?: Counter;
}

export const RECTIFICATION_LIFECYCLE = {
  // Opened by the 差评 itself, in the evaluation's own Lua step.
  opened: { by: 'gateway', from: [], to: 'OPEN', counter: 'rectOpened' },
  visited: { by: 'province', from: ['OPEN'], to: 'VISITED', counter: 'rectVisited' },
  // 回访 first (100 % for real-name 差评), then fixed or explained.
  rectified: { by: 'province', from: ['VISITED'], to: 'RECTIFIED', counter: 'rectRectified' },
  explained: { by: 'province', from: ['VISITED'], to: 'EXPLAINED', counter: 'rectExplained' },
  appealed: { by: 'province', from: ['OPEN', 'VISITED'], to: 'APPEALED', counter: 'rectAppealed' },
  // The 差评 was untrue: the evaluation leaves the statistics, the rectification is void.
  'appeal-upheld': { by: 'operator', from: ['APPEALED'], to: 'VOIDED', counter: 'rectUpheld' },
  'appeal-rejected': { by: 'operator', from: ['APPEALED'], to: ['OPEN', 'VISITED'] },
  're-rated': {
    by: 'portal',
    from: ['RECTIFIED', 'EXPLAINED'],
    to: 'CLOSED',
    counter: 'rectReRated',
  },
  // No re-rating within the owner province's reRatingWindowDays: 基本满意 by default (DOMAIN §6's
  // rule for the first rating), through the same step, so the portal's and the default never both.
  're-rated-by-default': {
    by: 'gateway',
    from: ['RECTIFIED', 'EXPLAINED'],
    to: 'CLOSED',
    counter: 'rectReRated',
  },
} as const satisfies Record<RectificationEventType, RectificationMove> &
  Record<string, RectificationMove>;

export type RectificationMoveName = keyof typeof RECTIFICATION_LIFECYCLE;

/** Statuses in which the province owes something: supervised by the 督办 engine. */
export const RECTIFICATION_SUPERVISED: ReadonlySet<RectificationStatus> = new Set([
  'OPEN',
  'VISITED',
]);
/** The clock stops while an appeal is under review. */
export const RECTIFICATION_PAUSED: ReadonlySet<RectificationStatus> = new Set(['APPEALED']);
