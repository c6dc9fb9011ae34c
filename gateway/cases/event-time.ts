// When a province says an event happened (its `at`), held against the gateway's clock and against
// the case's own submission, whichever way the event came: posted (record-event.ts answers 422
// GW_VALIDATION_FAILED at `/at`) or found by a status query (record-status-query.ts leaves it
// unapplied). The schema bounds the years (case-event.ts); this bounds the rest
// (gateway/README.md#province-events):
// - not in the future: a `resumed` dated years ahead counted every working day up to it as
//   paused, pushing the due date as far: the case was never overdue and 督办 never came;
// - not before the submission: nothing can befall a case before it exists, and such a time in
//   the history (an `accepted` before the case was submitted) misstates the 跟踪 record. The
//   submission time is the gateway's clock and `at` the province's, so the same allowance holds
//   both ways: a province whose clock runs a minute behind, accepting a case the moment it
//   arrives, stamps it a minute "before" the submission, and that `accepted` is let by.
import type { FieldProblem } from '../shared/errors.ts';
import type { CaseEvent } from './case-event.ts';

/**
 * How far past the gateway's clock an `at` may lie, and how far before the case's submission
 * (stamped by that clock): clocks kept by NTP differ by milliseconds, a server's unkept clock by
 * seconds to a few minutes.
 */
export const EVENT_CLOCK_ALLOWANCE_MS = 5 * 60_000;
const ALLOWANCE_MINUTES = EVENT_CLOCK_ALLOWANCE_MS / 60_000;

/**
 * `submittedAt` is the case's `createdAt`; `now` the gateway's clock. An `at` the schema passed
 * parses; the checks are written as "not within bounds" so an unparsable one is never let by.
 */
export function eventTimeProblems(
  event: Pick<CaseEvent, 'at'>,
  now: Date,
  submittedAt: string,
): FieldProblem[] {
  const at = Date.parse(event.at);
  if (!(at <= now.getTime() + EVENT_CLOCK_ALLOWANCE_MS)) {
    return [
      {
        path: '/at',
        message: `must not lie in the future: ${event.at} is more than ${ALLOWANCE_MINUTES} minutes after the gateway's clock (${now.toISOString()})`,
        messageZh: `不得晚于当前时间：${event.at} 比网关时钟（${now.toISOString()}）晚 ${ALLOWANCE_MINUTES} 分钟以上`,
      },
    ];
  }
  // A record that somehow lacks its createdAt bounds nothing here rather than refusing all.
  const submitted = Date.parse(submittedAt);
  if (Number.isFinite(submitted) && !(at >= submitted - EVENT_CLOCK_ALLOWANCE_MS)) {
    return [
      {
        path: '/at',
        message: `must not lie before the case was submitted: ${event.at} is more than ${ALLOWANCE_MINUTES} minutes before its submission (${submittedAt}, the gateway's clock)`,
        messageZh: `不得早于办件提交时间：${event.at} 比提交时间（${submittedAt}，网关时钟）早 ${ALLOWANCE_MINUTES} 分钟以上`,
      },
    ];
  }
  return [];
}
