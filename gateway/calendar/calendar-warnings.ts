// Which working-day calendars operators must load soon (gateway/README.md#working-days-and-due-times).
// A year without its calendar is counted Monday to Friday, which misses its holidays and 调休
// Saturdays: every deadline in that year is then a guess. The State Council publishes next year's
// notice in November, so from December on a missing next year is worth a warning, and so is any
// pending 督办 deadline that already falls into a year we do not hold. /readyz shows these
// warnings (still 200: the gateway works, its deadlines are approximate) and /metrics counts them.
import { chinaDate, type WorkingCalendar } from './working-days.ts';

export interface CalendarWarning {
  code: 'calendar-year-missing';
  year: number;
  /** 'current' or 'next-year' (from December on), or 'deadline' (a pending deadline lies in it). */
  reason: 'current' | 'next-year' | 'deadline';
  detail: string;
}

const DETAIL = {
  current: 'no working-day calendar for the current year: Monday to Friday assumed',
  'next-year': "next year's working-day calendar is not loaded yet",
  deadline: 'a pending deadline falls into a year without a working-day calendar',
} as const;

/** The missing years at `now`, given the latest pending deadline (ms) if there is one. */
export function calendarWarnings(
  calendar: WorkingCalendar,
  now: Date,
  latestDeadlineMs?: number,
): CalendarWarning[] {
  const today = chinaDate(now);
  const year = Number(today.slice(0, 4));
  const reasons = new Map<number, CalendarWarning['reason']>([[year, 'current']]);
  if (today.slice(5, 7) === '12') reasons.set(year + 1, 'next-year');
  if (latestDeadlineMs !== undefined) {
    const last = Number(chinaDate(new Date(latestDeadlineMs)).slice(0, 4));
    for (let y = year + 1; y <= last; y++) if (!reasons.has(y)) reasons.set(y, 'deadline');
  }
  return [...reasons]
    .filter(([y]) => !calendar.knowsYear(y))
    .map(([y, reason]) => ({
      code: 'calendar-year-missing',
      year: y,
      reason,
      detail: DETAIL[reason],
    }));
}
