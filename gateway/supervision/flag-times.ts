// When each 督办 flag of a supervised subject falls due (gateway/README.md#supervision-flags), on
// the working-day calendar: a pure function of the subject's due time, its promised working days,
// the province's rule and the calendar, so the supervisor recomputes it from the stored record on
// every look (a resumed case's new due time, a calendar published since) and the schedule is only
// a hint of when to look.
//
// With N promised working days ending on the due date D_N:
// - warning at the end of D_k, k = min(N - warningDaysLeft, ceil(warningRatio * N)) (one working
//   day left or 80 % used, whichever comes first), never before D_0 nor after D_N;
// - overdue at the due time (end of D_N);
// - escalated at the end of the escalateAfterDays-th working day after D_N.
// Paused working days (补正, 特别程序) have already moved the due date (record-event.ts), and the
// warning moves with it: it is counted back from the due date.
import {
  addWorkingDays,
  chinaDate,
  endOfChinaDay,
  subtractWorkingDays,
  type WorkingCalendar,
} from '../calendar/working-days.ts';
import type { SupervisionFlag } from '../shared/redis-keys.ts';
import type { ProvinceRule } from './supervision-policy.ts';

export const FLAGS: readonly SupervisionFlag[] = ['warning', 'overdue', 'escalated'];

export interface Deadline {
  /** The due instant (ISO), the end of the last promised working day. */
  dueAt: string;
  /** Promised working days, the base of the warning ratio. */
  promisedDays: number;
}

export interface FlagTimes {
  times: Record<SupervisionFlag, number>;
  /** Some day counted lay in a year without a calendar (Monday to Friday assumed). */
  assumed: boolean;
}

export function flagTimes(
  calendar: WorkingCalendar,
  rule: Pick<ProvinceRule, 'warningDaysLeft' | 'warningRatio' | 'escalateAfterDays'>,
  deadline: Deadline,
): FlagTimes {
  const n = deadline.promisedDays;
  const dueDate = chinaDate(new Date(deadline.dueAt));
  const used = Math.min(n - rule.warningDaysLeft, Math.ceil(rule.warningRatio * n));
  const before = n - Math.max(0, Math.min(n, used));
  const warning = subtractWorkingDays(calendar, dueDate, before);
  const escalated = addWorkingDays(calendar, dueDate, rule.escalateAfterDays);
  return {
    times: {
      warning: Date.parse(endOfChinaDay(warning.date)),
      overdue: Date.parse(deadline.dueAt),
      escalated: Date.parse(escalated.dueAt),
    },
    assumed: warning.assumed || escalated.assumed,
  };
}

/** When the first flag not raised yet falls due (ms); undefined when every flag is raised. */
export function nextFlagTime(
  times: Record<SupervisionFlag, number>,
  raised: Readonly<Record<SupervisionFlag, boolean>>,
): number | undefined {
  const pending = FLAGS.filter((flag) => !raised[flag]).map((flag) => times[flag]);
  return pending.length > 0 ? Math.min(...pending) : undefined;
}
