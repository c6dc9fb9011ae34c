// Due times counted on an assumed year, counted again once that year's calendar is published
// (gateway/README.md#working-days-and-due-times, the calendar recount). Pure: the recount run
// (gateway/supervision/calendar-recount.ts) reads the records and writes the answers.
//
// Why the count can be made again exactly, from what the record keeps. A case's due date is its
// anchor (the China date of its submission, createdAt) plus N working days, N = its promised days
// plus the working days of every pause (submit-case.ts counts the promise; apply-event.ts moves the
// due date on a resume by counting the paused working days forward from the old due date, and adds
// them to pausedDays). The old due date is a working day of the calendar it was counted on, so
// counting a then b working days lands where counting a + b does: the due date is always
// addWorkingDays(anchor, promisedDays + pausedDays). The record keeps all three (createdAt,
// promisedDays, pausedDays; a rectification openedAt, promisedDays, pausedDays), so the real date
// is that count on the real calendar — whichever calendar, assumed or not, the stored one was made
// on, and however many instances counted parts of it. A record that was counted on the real
// calendar already recounts to the date it has: a recount run again changes nothing.
//
// What it cannot know: the working days of a pause that ended inside the assumed year before its
// calendar came were counted Monday to Friday when the resume added them (pausedDays keeps the
// total, not the pause's dates); they are kept as counted.
//
// A rectification's visit due date (回访) is counted from the same anchor by the province's visit
// days, which the record does not keep. It is found from the stored date instead: the working
// days between the anchor and it, counted on the calendar it was made on (countedOn: the year
// assumed Monday to Friday, or the version of it a correction replaced), then counted again on the
// real calendar.
//
// Why a recount is asked (RecountReason): a year published for the first time (`published`:
// records marked assumed were counted Monday to Friday), published again (`corrected`: records
// were counted on the version it replaced, which the pending recount keeps), or an operator's
// rerun (`rerun`: the calendar did not change; records set wrong are counted right again).
import {
  addWorkingDays,
  chinaDate,
  createCalendar,
  nextDay,
  workingDaysBetween,
  type DueDate,
  type WorkingCalendar,
  type YearCalendar,
} from './working-days.ts';

/** Why a year's due times are counted again (gateway/README.md#calendar-recount). */
export type RecountReason = 'published' | 'corrected' | 'rerun';

/** What one recount run of a year knows of the calendar its records were counted on. */
export interface YearRecount {
  year: number;
  reason: RecountReason;
  /** The version of the year a correction replaced (the oldest not recounted yet), if any. */
  previous?: YearCalendar;
}

/** The count a due time was made from: its anchor instant and the working days counted from it. */
export interface DueCount {
  /** ISO instant of the submission (or the 差评): its China date is where counting starts. */
  anchorAt: string;
  /** Working days counted from it: the promise plus every pause's working days. */
  days: number;
}

/** The due date of `count` on `calendar` (the real one, once the year is published). */
export function recountDue(calendar: WorkingCalendar, count: DueCount): DueDate {
  return addWorkingDays(calendar, chinaDate(new Date(count.anchorAt)), count.days);
}

/**
 * `calendar` as it counted before `year` was published: that year Monday to Friday, unknown.
 * Every other year as `calendar` has it.
 */
export function assumingYear(calendar: WorkingCalendar, year: number): WorkingCalendar {
  return {
    isWorkingDay(date) {
      if (Number(date.slice(0, 4)) !== year) return calendar.isWorkingDay(date);
      const day = new Date(`${date}T00:00:00Z`).getUTCDay();
      return day !== 0 && day !== 6;
    },
    knowsYear: (y) => y !== year && calendar.knowsYear(y),
  };
}

/** `calendar` with `year` as `version` has it (a version a correction replaced). */
export function withYear(calendar: WorkingCalendar, version: YearCalendar): WorkingCalendar {
  const year = createCalendar([version]);
  return {
    isWorkingDay: (date) =>
      Number(date.slice(0, 4)) === version.year
        ? year.isWorkingDay(date)
        : calendar.isWorkingDay(date),
    knowsYear: (y) => y === version.year || calendar.knowsYear(y),
  };
}

/**
 * The calendar a record's stored due times were counted on, before `run`: the year assumed Monday
 * to Friday for a record marked assumed when the year was first published, the version a
 * correction replaced for any other, else the calendar in force (a rerun).
 */
export function countedOn(
  calendar: WorkingCalendar,
  run: YearRecount,
  marked: boolean,
): WorkingCalendar {
  if (marked && run.reason === 'published') return assumingYear(calendar, run.year);
  return run.previous ? withYear(calendar, run.previous) : calendar;
}

/**
 * The first and last day of `version`'s year that `calendar` counts otherwise (a working day
 * become a holiday, or the other way), or undefined when none does.
 */
export function changedSpan(
  calendar: WorkingCalendar,
  version: YearCalendar,
): { first: string; last: string } | undefined {
  const before = withYear(calendar, version);
  let span: { first: string; last: string } | undefined;
  for (let d = `${version.year}-01-01`; d < `${version.year + 1}-01-01`; d = nextDay(d))
    if (before.isWorkingDay(d) !== calendar.isWorkingDay(d))
      span = { first: span?.first ?? d, last: d };
  return span;
}

/**
 * How many working days addWorkingDays counted from `anchor` to reach `date` on `calendar`: the
 * first working day on or after the anchor is where it starts (not counted), then each working
 * day up to `date`. The inverse of addWorkingDays for a date it answered.
 */
export function workingDaysCounted(
  calendar: WorkingCalendar,
  anchor: string,
  date: string,
): number {
  let start = anchor;
  while (!calendar.isWorkingDay(start) && start < date) start = nextDay(start);
  return start >= date ? 0 : workingDaysBetween(calendar, nextDay(start), nextDay(date));
}

/**
 * A due instant counted from `anchorAt` on `counted` (countedOn), counted again on the real
 * `calendar` (a rectification's visit date: see the header).
 */
export function recountCountedDue(
  counted: WorkingCalendar,
  calendar: WorkingCalendar,
  anchorAt: string,
  dueAt: string,
): DueDate {
  const anchor = chinaDate(new Date(anchorAt));
  const days = workingDaysCounted(counted, anchor, chinaDate(new Date(dueAt)));
  return addWorkingDays(calendar, anchor, days);
}

/** The first instant of a China date, as ms: where the due times due on or after it start. */
export function chinaDayStartMs(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}
