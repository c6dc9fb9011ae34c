// A working-day calendar year as an operator drafts it (gateway/README.md#drafts-and-four-eyes):
// `{ year, source, holidays, extraWorkingDays }`, as config/calendars/<year>.json holds it. Checked
// before it is stored and again when validated: real dates of that year, each listed once, no day
// both a holiday and a working day, and the extra working days (调休) on weekends — a weekday
// "extra working day" is a typo that would silently shift every deadline.
import type { FieldProblem } from '../shared/errors.ts';
import type { YearCalendar } from './working-days.ts';

export interface CalendarDraft extends YearCalendar {
  readonly source?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function problem(path: string, message: string, messageZh: string): FieldProblem {
  return { path, message, messageZh };
}

// A month or day out of range (`2031-13-01`, `2031-01-32`) is no Date at all, and toISOString
// threw: the draft was answered 500 instead of being told which date is wrong.
function isRealDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const day = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
}

function dayProblems(
  year: number,
  list: unknown,
  name: 'holidays' | 'extraWorkingDays',
): FieldProblem[] {
  if (!Array.isArray(list) || list.length > 366)
    return [
      problem(`/${name}`, 'must be a list of at most 366 dates', '应为不超过 366 个日期的列表'),
    ];
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  list.forEach((date: unknown, i) => {
    const path = `/${name}/${i}`;
    if (typeof date !== 'string' || !isRealDate(date))
      problems.push(problem(path, 'not a date YYYY-MM-DD', '不是有效日期(YYYY-MM-DD)'));
    else if (Number(date.slice(0, 4)) !== year)
      problems.push(problem(path, `${date} is not in ${year}`, `${date} 不在 ${year} 年`));
    else if (seen.has(date))
      problems.push(problem(path, `${date} is listed twice`, `${date} 重复`));
    else {
      seen.add(date);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (name === 'extraWorkingDays' && weekday !== 0 && weekday !== 6)
        problems.push(
          problem(
            path,
            `${date} is a weekday: 调休 days are weekends`,
            `${date} 是工作日,调休上班日应为周末`,
          ),
        );
    }
  });
  return problems;
}

/** Every problem of a drafted calendar year; none means it can be stored and published. */
export function calendarProblems(value: unknown): FieldProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [problem('', 'the calendar must be a JSON object', '日历应为 JSON 对象')];
  const draft = value as Record<string, unknown>;
  const unknown = Object.keys(draft).filter(
    (k) => !['year', 'source', 'holidays', 'extraWorkingDays'].includes(k),
  );
  const problems = unknown.map((k) => problem(`/${k}`, 'unknown field', '未知字段'));
  const year = draft.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100)
    return [...problems, problem('/year', 'must be a year 2000–2100', '年份应在 2000–2100 之间')];
  if (draft.source !== undefined && (typeof draft.source !== 'string' || draft.source.length > 500))
    problems.push(problem('/source', 'at most 500 characters', '不超过 500 个字符'));
  problems.push(...dayProblems(year, draft.holidays, 'holidays'));
  problems.push(...dayProblems(year, draft.extraWorkingDays, 'extraWorkingDays'));
  if (Array.isArray(draft.holidays) && Array.isArray(draft.extraWorkingDays)) {
    const holidays = new Set(draft.holidays);
    draft.extraWorkingDays.forEach((date: unknown, i) => {
      if (holidays.has(date))
        problems.push(
          problem(
            `/extraWorkingDays/${i}`,
            `${String(date)} is also a holiday`,
            `${String(date)} 同时被列为节假日`,
          ),
        );
    });
  }
  return problems;
}

/** The file text a published calendar year is stored and exported as. */
export function calendarText(calendar: CalendarDraft): string {
  const { year, source, holidays, extraWorkingDays } = calendar;
  return `${JSON.stringify({ year, ...(source ? { source } : {}), holidays, extraWorkingDays }, null, 2)}\n`;
}
