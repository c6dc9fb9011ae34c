// Working-day arithmetic for 承诺时限 and every 督办 deadline (promised days are working days,
// gateway/README.md#working-days-and-due-times). Calendars are data per year
// (config/calendars/<year>.json); a date past the last known year counts Monday to Friday and
// says so (`assumed`), so the case can be marked and operators warned instead of silently guessing.
// Days are China Standard Time (UTC+8) dates, YYYY-MM-DD.
import { readdirSync, readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';

export interface YearCalendar {
  year: number;
  holidays: string[];
  extraWorkingDays: string[];
}

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  knowsYear(year: number): boolean;
}

/**
 * Where the current calendar comes from. A function, not a value: a year published while the
 * gateway runs (a catalogue calendar draft) must reach every computation made after it.
 */
export type CalendarSource = () => WorkingCalendar;

export function createCalendar(years: YearCalendar[]): WorkingCalendar {
  const holidays = new Set(years.flatMap((y) => y.holidays));
  const extra = new Set(years.flatMap((y) => y.extraWorkingDays));
  const known = new Set(years.map((y) => y.year));
  return {
    isWorkingDay(date) {
      if (holidays.has(date)) return false;
      if (extra.has(date)) return true;
      const day = new Date(`${date}T00:00:00Z`).getUTCDay();
      return day !== 0 && day !== 6;
    },
    knowsYear: (year) => known.has(year),
  };
}

export function loadCalendar(dir = projectPath('config/calendars')): WorkingCalendar {
  const years = readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as YearCalendar);
  return createCalendar(years);
}

/** The calendar files as a source that never changes (until the catalogue serves calendars). */
export function fixedCalendarSource(calendar: WorkingCalendar): CalendarSource {
  return () => calendar;
}

// Every submission asks the same few questions of a calendar (its due date, its warning and
// escalation days: the same start date and day counts all day long), each a walk of up to a few
// dozen days through Date parsing — about 50 µs of a submission's CPU. The answers are remembered
// per calendar object: a calendar never changes (a published year builds a new one), so an answer
// never goes stale, and the memory is bounded by clearing a calendar's answers when it holds many.
const MAX_REMEMBERED = 4096;
const answers = new WeakMap<WorkingCalendar, Map<string, unknown>>();

function remembered<T>(calendar: WorkingCalendar, question: string, answer: () => T): T {
  let known = answers.get(calendar);
  if (!known) answers.set(calendar, (known = new Map<string, unknown>()));
  if (known.has(question)) return known.get(question) as T;
  if (known.size >= MAX_REMEMBERED) known.clear();
  const value = answer();
  known.set(question, value);
  return value;
}

const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function shiftDay(date: string, by: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  const shifted = d.toISOString().slice(0, 10);
  // Past the year 9999 the ISO text is `+010000-01-01`, cut to `+010000-01`, which reads back as
  // the same month's first day: every walk over the days stopped there and looped for ever.
  if (!DAY.test(shifted)) throw new RangeError(`no calendar day after ${date} (+${by})`);
  return shifted;
}

export function nextDay(date: string): string {
  return shiftDay(date, 1);
}

const yearOf = (date: string) => Number(date.slice(0, 4));

export interface DueDate {
  /** The last working day of the promise, YYYY-MM-DD (China Standard Time). */
  date: string;
  /** End of that day in UTC ISO form (23:59:59 +08:00). */
  dueAt: string;
  /** True when some counted day lay beyond the calendars we hold (Mon–Fri was assumed). */
  assumed: boolean;
}

/** The last second of a China date, as an ISO instant: when a deadline on that day passes. */
export function endOfChinaDay(date: string): string {
  return new Date(`${date}T23:59:59+08:00`).toISOString();
}

/**
 * The due date of a promise of `days` working days starting the day after `start` (a case
 * accepted on a holiday starts counting on the next working day). 0 days: decided the same
 * working day.
 */
export function addWorkingDays(calendar: WorkingCalendar, start: string, days: number): DueDate {
  return remembered(calendar, `+${start}:${days}`, () => countForward(calendar, start, days));
}

function countForward(calendar: WorkingCalendar, start: string, days: number): DueDate {
  let date = start;
  let assumed = !calendar.knowsYear(yearOf(date));
  while (!calendar.isWorkingDay(date)) {
    date = nextDay(date);
    assumed ||= !calendar.knowsYear(yearOf(date));
  }
  for (let counted = 0; counted < days;) {
    date = nextDay(date);
    assumed ||= !calendar.knowsYear(yearOf(date));
    if (calendar.isWorkingDay(date)) counted++;
  }
  return Object.freeze({ date, dueAt: endOfChinaDay(date), assumed });
}

/**
 * The working day `days` working days before the working day `date` (0: `date` itself). Used to
 * place a warning "n working days before the due date" on the calendar.
 */
export function subtractWorkingDays(
  calendar: WorkingCalendar,
  date: string,
  days: number,
): { date: string; assumed: boolean } {
  return remembered(calendar, `-${date}:${days}`, () => {
    let day = date;
    let assumed = !calendar.knowsYear(yearOf(day));
    for (let counted = 0; counted < days;) {
      day = shiftDay(day, -1);
      assumed ||= !calendar.knowsYear(yearOf(day));
      if (calendar.isWorkingDay(day)) counted++;
    }
    return Object.freeze({ date: day, assumed });
  });
}

/** Working days from `from` (included) to `to` (excluded): the days a paused clock did not run. */
export function workingDaysBetween(calendar: WorkingCalendar, from: string, to: string): number {
  let count = 0;
  for (let d = from; d < to; d = nextDay(d)) if (calendar.isWorkingDay(d)) count++;
  return count;
}

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/**
 * The China day chinaDate answered last and the instants it covers, [from, to). A submission asks
 * for today's date seven times (SW-005: the identifier keywords' checks of its ID numbers and
 * taxpayer ids, routing, the due date, the 督办 schedule), nearly always of the same day: a Date,
 * its ISO text and a slice cost about 0.9 µs a call under load, the comparison here 0.1
 * (gateway/README.md#working-days-and-due-times).
 */
let lastDay = { date: '', from: 0, to: 0 };

/** Today's date in China Standard Time, YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  const ms = at.getTime();
  if (ms >= lastDay.from && ms < lastDay.to) return lastDay.date;
  const shifted = ms + CHINA_OFFSET_MS;
  // toISOString throws a RangeError for an invalid or out-of-range Date, as it always did.
  const date = new Date(shifted).toISOString().slice(0, 10);
  const from = shifted - (((shifted % DAY_MS) + DAY_MS) % DAY_MS) - CHINA_OFFSET_MS;
  lastDay = { date, from, to: from + DAY_MS };
  return date;
}
