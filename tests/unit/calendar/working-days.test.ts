// Working days on the 2026 China calendar (config/README.md#calendars): 春节 and 国庆 with their
// 补班 Saturdays, counting back, paused days, and a year without a calendar counted Monday to
// Friday and said so.
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  chinaDate,
  createCalendar,
  loadCalendar,
  nextDay,
  subtractWorkingDays,
  workingDaysBetween,
} from '../../../gateway/calendar/working-days.ts';

const calendar = loadCalendar();

describe('the 2026 working-day calendar', () => {
  it.each(['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10'])(
    'counts the 补班 weekend day %s as a working day',
    (date) => {
      expect(new Date(`${date}T00:00:00Z`).getUTCDay()).toBeOneOf([0, 6]);
      expect(calendar.isWorkingDay(date)).toBe(true);
    },
  );

  it.each(['2026-02-16', '2026-02-23', '2026-09-25', '2026-10-01', '2026-10-07'])(
    'counts the holiday weekday %s as a day off',
    (date) => {
      expect(calendar.isWorkingDay(date)).toBe(false);
    },
  );
});

describe('addWorkingDays', () => {
  it('crosses 春节: from Thursday 2/12, 3 working days are 2/13, the 补班 Saturday 2/14 and 2/24', () => {
    expect(addWorkingDays(calendar, '2026-02-12', 3)).toEqual({
      date: '2026-02-24',
      dueAt: '2026-02-24T15:59:59.000Z',
      assumed: false,
    });
  });

  it('counts the 补班 Saturday 2/28 after 春节: from Thursday 2/26, 2 working days end on 2/28', () => {
    expect(addWorkingDays(calendar, '2026-02-26', 2).date).toBe('2026-02-28');
  });

  it('crosses 中秋 and 国庆 with both 补班: from Friday 9/18, 11 working days end on Saturday 10/10', () => {
    // 9/20 (Sun, 补班) 9/21 9/22 9/23 9/24 | 9/25–9/27 off | 9/28 9/29 9/30 | 10/1–10/7 off | 10/8 10/9
    // are ten; the eleventh is the 补班 Saturday 10/10, the twelfth Monday 10/12.
    expect(addWorkingDays(calendar, '2026-09-18', 10).date).toBe('2026-10-09');
    expect(addWorkingDays(calendar, '2026-09-18', 11).date).toBe('2026-10-10');
    expect(addWorkingDays(calendar, '2026-09-18', 12).date).toBe('2026-10-12');
  });

  it('starts a promise made on a holiday from the next working day', () => {
    expect(addWorkingDays(calendar, '2026-10-03', 0).date).toBe('2026-10-08');
    expect(addWorkingDays(calendar, '2026-10-03', 1).date).toBe('2026-10-09');
  });

  it('counts a year without a calendar Monday to Friday and says it assumed so', () => {
    const due = addWorkingDays(calendar, '2026-12-28', 5);
    // 12/29 12/30 12/31 | 2027: 1/1 (a Friday: a holiday in any real 2027 calendar) 1/4
    expect(due.date).toBe('2027-01-04');
    expect(due.assumed).toBe(true);
    expect(addWorkingDays(calendar, '2026-12-21', 3).assumed).toBe(false);
  });
});

describe('subtractWorkingDays and workingDaysBetween', () => {
  it('counts back over 国庆: 3 working days before 10/12 is 10/8', () => {
    expect(subtractWorkingDays(calendar, '2026-10-12', 3)).toEqual({
      date: '2026-10-08',
      assumed: false,
    });
  });

  it('counts the working days a clock stood still: none over 春节, the 补班 Saturday included', () => {
    expect(workingDaysBetween(calendar, '2026-02-15', '2026-02-24')).toBe(0);
    expect(workingDaysBetween(calendar, '2026-02-13', '2026-02-25')).toBe(3);
  });

  it('names the China date of an instant (UTC+8)', () => {
    expect(chinaDate(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
  });

  it('names the China date of instants on either side of China midnight, asked in any order (its last day is remembered)', () => {
    const cases: [string, string][] = [
      ['2026-09-30T15:59:59.999Z', '2026-09-30'],
      ['2026-09-30T16:00:00.000Z', '2026-10-01'],
      ['2026-09-30T15:00:00.000Z', '2026-09-30'],
      ['2026-10-01T15:59:59.999Z', '2026-10-01'],
      ['2026-10-01T16:00:00.000Z', '2026-10-02'],
      ['1969-12-31T15:59:59.999Z', '1969-12-31'],
      ['1969-12-31T16:00:00.000Z', '1970-01-01'],
      ['1969-12-31T15:00:00.000Z', '1969-12-31'],
    ];
    for (const [at, date] of cases) expect(chinaDate(new Date(at))).toBe(date);
    expect(() => chinaDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('remembered answers', () => {
  it('answers a calendar published later by its own days, not by an earlier calendar’s answer', () => {
    const plain = createCalendar([{ year: 2031, holidays: [], extraWorkingDays: [] }]);
    const withHoliday = createCalendar([
      { year: 2031, holidays: ['2031-03-04'], extraWorkingDays: [] },
    ]);
    // Monday 2031-03-03 + 1 working day: Tuesday, unless Tuesday became a holiday.
    expect(addWorkingDays(plain, '2031-03-03', 1).date).toBe('2031-03-04');
    expect(addWorkingDays(withHoliday, '2031-03-03', 1).date).toBe('2031-03-05');
    expect(addWorkingDays(plain, '2031-03-03', 1).date).toBe('2031-03-04');
    expect(subtractWorkingDays(withHoliday, '2031-03-05', 1).date).toBe('2031-03-03');
    expect(subtractWorkingDays(plain, '2031-03-05', 1).date).toBe('2031-03-04');
  });

  it('gives the same answer to the same question asked again, and an answer cannot be edited', () => {
    const calendar = createCalendar([{ year: 2031, holidays: [], extraWorkingDays: [] }]);
    const first = addWorkingDays(calendar, '2031-06-02', 10);
    expect(addWorkingDays(calendar, '2031-06-02', 10)).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('the last calendar day', () => {
  it('throws a RangeError for the day after 9999-12-31 instead of answering a day it then repeats', () => {
    expect(nextDay('9999-12-30')).toBe('9999-12-31');
    // The ISO text of 10000-01-01 is `+010000-01-01`: cut to ten characters it read back as the
    // same day, and every walk over the days (a due date, a pause) looped there for ever.
    expect(() => nextDay('9999-12-31')).toThrow(RangeError);
  });
});
