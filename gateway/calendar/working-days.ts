// Working-day arithmetic for 承诺时限 (promised days are working days,
// gateway/README.md#working-days-and-due-times). Calendars are data per year
// (config/calendars/<year>.json); a date past the last known year counts Monday to Friday and
// reports it, so the caller can log a warning instead of silently guessing.
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

export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export interface DueDate {
  /** The last working day of the promise, YYYY-MM-DD (China Standard Time). */
  date: string;
  /** End of that day in UTC ISO form (23:59:59 +08:00). */
  dueAt: string;
  /** True when some counted day lay beyond the calendars we hold (Mon–Fri was assumed). */
  assumed: boolean;
}

/**
 * The due date of a promise of `days` working days starting the day after `start` (a case
 * accepted on a holiday starts counting on the next working day). 0 days: decided the same
 * working day.
 */
export function addWorkingDays(calendar: WorkingCalendar, start: string, days: number): DueDate {
  let date = start;
  let assumed = !calendar.knowsYear(Number(date.slice(0, 4)));
  while (!calendar.isWorkingDay(date)) {
    date = nextDay(date);
    assumed ||= !calendar.knowsYear(Number(date.slice(0, 4)));
  }
  for (let counted = 0; counted < days;) {
    date = nextDay(date);
    assumed ||= !calendar.knowsYear(Number(date.slice(0, 4)));
    if (calendar.isWorkingDay(date)) counted++;
  }
  return { date, dueAt: new Date(`${date}T23:59:59+08:00`).toISOString(), assumed };
}

/** Today's date in China Standard Time, YYYY-MM-DD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
