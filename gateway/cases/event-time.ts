// When a province says an event happened (its `at`), held against the gateway's clock, whichever
// way the event came: posted (record-event.ts answers 422 GW_VALIDATION_FAILED at `/at`) or found
// by a status query (record-status-query.ts leaves it unapplied). The schema bounds the years
// (case-event.ts); this bounds the future. A `resumed` dated years ahead counted every working day
// up to it as paused, pushing the due date as far: the case was never overdue and 督办 never came
// (gateway/README.md#province-events). A time before the submission stays accepted: a pause
// counts from the submission at the earliest, and a resumption before its pause counts no day.
import type { FieldProblem } from '../shared/errors.ts';
import type { CaseEvent } from './case-event.ts';

/**
 * How far past the gateway's clock an `at` may lie: clocks kept by NTP differ by milliseconds, a
 * server's unkept clock by seconds to a few minutes.
 */
export const EVENT_CLOCK_ALLOWANCE_MS = 5 * 60_000;
const ALLOWANCE_MINUTES = EVENT_CLOCK_ALLOWANCE_MS / 60_000;

export function eventTimeProblems(event: Pick<CaseEvent, 'at'>, now: Date): FieldProblem[] {
  const at = Date.parse(event.at);
  if (!(at > now.getTime() + EVENT_CLOCK_ALLOWANCE_MS)) return [];
  return [
    {
      path: '/at',
      message: `must not lie in the future: ${event.at} is more than ${ALLOWANCE_MINUTES} minutes after the gateway's clock (${now.toISOString()})`,
      messageZh: `不得晚于当前时间：${event.at} 比网关时钟（${now.toISOString()}）晚 ${ALLOWANCE_MINUTES} 分钟以上`,
    },
  ];
}
