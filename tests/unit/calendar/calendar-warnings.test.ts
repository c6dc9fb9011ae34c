// Which calendar years operators must load (gateway/calendar/calendar-warnings.ts): next year from
// December on, any year a pending deadline falls in, nothing when every such year is loaded.
import { describe, expect, it } from 'vitest';
import { calendarWarnings } from '../../../gateway/calendar/calendar-warnings.ts';
import { createCalendar, loadCalendar } from '../../../gateway/calendar/working-days.ts';

const calendar = loadCalendar();
const with2027 = createCalendar([
  { year: 2026, holidays: [], extraWorkingDays: [] },
  { year: 2027, holidays: [], extraWorkingDays: [] },
]);

describe('calendar warnings', () => {
  it('warns nothing in November 2026 with no deadline in 2027', () => {
    const now = new Date('2026-11-20T02:00:00Z');
    expect(calendarWarnings(calendar, now, Date.parse('2026-12-30T15:59:59Z'))).toEqual([]);
  });

  it("warns from December on that next year's calendar is missing", () => {
    // 2026-11-30T16:00Z is 2026-12-01 00:00 in China.
    expect(calendarWarnings(calendar, new Date('2026-11-30T16:00:00Z'))).toEqual([
      expect.objectContaining({ code: 'calendar-year-missing', year: 2027, reason: 'next-year' }),
    ]);
  });

  it('warns in any month when a pending deadline falls into a year without a calendar', () => {
    const now = new Date('2026-10-10T02:00:00Z');
    expect(calendarWarnings(calendar, now, Date.parse('2027-01-15T15:59:59Z'))).toEqual([
      expect.objectContaining({ year: 2027, reason: 'deadline' }),
    ]);
  });

  it('warns about the current year when even that has no calendar', () => {
    expect(calendarWarnings(calendar, new Date('2027-03-01T02:00:00Z'))).toEqual([
      expect.objectContaining({ year: 2027, reason: 'current' }),
    ]);
  });

  it('warns nothing once the years needed are loaded', () => {
    const now = new Date('2026-12-15T02:00:00Z');
    expect(calendarWarnings(with2027, now, Date.parse('2027-01-15T15:59:59Z'))).toEqual([]);
  });
});
