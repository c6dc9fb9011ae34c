// Due times counted again once an assumed year's calendar is published (gateway/calendar/due-recount.ts):
// from the anchor and the working days counted, on the real calendar; the inverse count a visit
// date is recounted by; and the year seen as it was assumed (Monday to Friday, unknown). The 2027
// calendar here is test data, not the official notice.
import { describe, expect, it } from 'vitest';
import {
  assumingYear,
  changedSpan,
  chinaDayStartMs,
  countedOn,
  recountCountedDue,
  recountDue,
  withYear,
  workingDaysCounted,
} from '../../../gateway/calendar/due-recount.ts';
import {
  addWorkingDays,
  createCalendar,
  endOfChinaDay,
  type YearCalendar,
} from '../../../gateway/calendar/working-days.ts';

const Y2026: YearCalendar = { year: 2026, holidays: [], extraWorkingDays: [] };
const TEST_2027: YearCalendar = {
  year: 2027,
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  extraWorkingDays: ['2027-02-20'],
};
const before = createCalendar([Y2026]);
const real = createCalendar([Y2026, TEST_2027]);
// Wednesday 2026-12-23, 10:00 in China.
const ANCHOR = '2026-12-23T02:00:00Z';

describe('recountDue', () => {
  it('counts the anchor and its working days on the real calendar: 7 from 12/23 pass 元旦 to 01-04', () => {
    expect(addWorkingDays(before, '2026-12-23', 7)).toMatchObject({
      date: '2027-01-01',
      assumed: true,
    });
    expect(recountDue(real, { anchorAt: ANCHOR, days: 7 })).toEqual({
      date: '2027-01-04',
      dueAt: endOfChinaDay('2027-01-04'),
      assumed: false,
    });
  });

  it('crosses 春节 and its 补班 Saturday: 40 from 12/23 move from 02-17 to 02-24', () => {
    // Mon–Fri: 6 in December, 21 in January, then 2/1…2/17 (13). Real: 20 in January (元旦 off),
    // 2/1–2/5, 春节 2/8–2/12 off, 2/15–2/19, the 补班 Saturday 2/20, then 2/22 2/23 2/24.
    expect(addWorkingDays(before, '2026-12-23', 40).date).toBe('2027-02-17');
    expect(recountDue(real, { anchorAt: ANCHOR, days: 40 }).date).toBe('2027-02-24');
  });

  it('still says assumed when the count reaches a year that has no calendar either', () => {
    expect(recountDue(real, { anchorAt: ANCHOR, days: 300 })).toMatchObject({ assumed: true });
  });
});

describe('workingDaysCounted', () => {
  it('answers the days addWorkingDays counted to a date, from a working or a non-working anchor', () => {
    for (const anchor of ['2026-12-23', '2026-12-26', '2027-01-01'])
      for (const days of [0, 1, 5, 30]) {
        const { date } = addWorkingDays(real, anchor, days);
        expect(workingDaysCounted(real, anchor, date)).toBe(days);
      }
  });
});

describe('recountCountedDue', () => {
  it('counts again a date made with the year assumed Monday to Friday: 01-01 becomes 01-04', () => {
    const assumed = addWorkingDays(before, '2026-12-23', 7).dueAt;
    expect(recountCountedDue(assumingYear(real, 2027), real, ANCHOR, assumed).date).toBe(
      '2027-01-04',
    );
  });

  it('keeps a date before the year', () => {
    const visit = endOfChinaDay('2026-12-24');
    expect(recountCountedDue(assumingYear(real, 2027), real, ANCHOR, visit).dueAt).toBe(visit);
  });

  it('counts again a date made on the version a correction replaced: a holiday added moves it', () => {
    // The correction makes Monday 01-04 a holiday too: 7 from 12/23 on the old version is 01-04.
    const corrected = { ...TEST_2027, holidays: [...TEST_2027.holidays, '2027-01-04'] };
    const now = createCalendar([Y2026, corrected]);
    const old = addWorkingDays(real, '2026-12-23', 7).dueAt;
    expect(recountCountedDue(withYear(now, TEST_2027), now, ANCHOR, old).date).toBe('2027-01-05');
  });
});

describe('countedOn', () => {
  const corrected = { ...TEST_2027, holidays: [...TEST_2027.holidays, '2027-01-04'] };
  const now = createCalendar([Y2026, corrected]);
  it('is the year assumed for a record marked when the year was first published', () => {
    const run = { year: 2027, reason: 'published' as const };
    expect(countedOn(now, run, true).isWorkingDay('2027-01-01')).toBe(true);
    expect(countedOn(now, run, false)).toBe(now);
  });

  it('is the replaced version for a correction, marked or not, and the calendar for a rerun', () => {
    const run = { year: 2027, reason: 'corrected' as const, previous: TEST_2027 };
    for (const marked of [true, false]) {
      expect(countedOn(now, run, marked).isWorkingDay('2027-01-04')).toBe(true);
      expect(countedOn(now, run, marked).isWorkingDay('2027-01-01')).toBe(false);
    }
    expect(countedOn(now, { year: 2027, reason: 'rerun' }, true)).toBe(now);
  });
});

describe('changedSpan', () => {
  it('is the first and last day two versions of a year count otherwise', () => {
    const corrected = {
      ...TEST_2027,
      holidays: [...TEST_2027.holidays, '2027-02-15'],
      extraWorkingDays: [],
    };
    const now = createCalendar([Y2026, corrected]);
    expect(changedSpan(now, TEST_2027)).toEqual({ first: '2027-02-15', last: '2027-02-20' });
  });

  it('is none when only the source changed', () => {
    expect(changedSpan(real, { ...TEST_2027 })).toBeUndefined();
  });
});

describe('assumingYear', () => {
  it('sees the year Monday to Friday and unknown, every other year as the calendar has it', () => {
    const assumed = assumingYear(real, 2027);
    expect(assumed.isWorkingDay('2027-01-01')).toBe(true);
    expect(assumed.isWorkingDay('2027-02-20')).toBe(false);
    expect(assumed.knowsYear(2027)).toBe(false);
    expect(assumed.knowsYear(2026)).toBe(true);
  });

  it('starts the due times of a China date at its first instant', () => {
    expect(new Date(chinaDayStartMs('2027-01-01')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});
