// When each 督办 flag falls due (gateway/supervision/flag-times.ts), in working days on the 2026
// calendar: the warning at one working day left or 80 % used, whichever first; overdue at the due
// time; escalated five working days later — across holidays and 补班 days, per province rule.
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  endOfChinaDay,
  loadCalendar,
} from '../../../gateway/calendar/working-days.ts';
import { flagTimes } from '../../../gateway/supervision/flag-times.ts';

const calendar = loadCalendar();
const RULE = { warningDaysLeft: 1, warningRatio: 0.8, escalateAfterDays: 5 };
const end = (date: string) => Date.parse(endOfChinaDay(date));

describe('flag times', () => {
  it('warns at 80 % of 15 working days (day 12), before the last day, and escalates 5 working days after due', () => {
    // Submitted Monday 2026-09-07: 15 working days end Monday 9/28 (9/20 补班 counts, 9/25–27 off).
    const due = addWorkingDays(calendar, '2026-09-07', 15);
    expect(due.date).toBe('2026-09-28');
    const { times, assumed } = flagTimes(calendar, RULE, { dueAt: due.dueAt, promisedDays: 15 });
    // Day 12 of 9/8 9/9 9/10 9/11 9/14 9/15 9/16 9/17 9/18 9/20 9/21 9/22 is 9/22.
    expect(times.warning).toBe(end('2026-09-22'));
    expect(times.overdue).toBe(Date.parse(due.dueAt));
    // 9/29 9/30, then 国庆 10/1–10/7 off, 10/8 10/9 and the 补班 Saturday 10/10.
    expect(times.escalated).toBe(end('2026-10-10'));
    expect(assumed).toBe(false);
  });

  it('warns with one working day left when that comes before 80 % (3 promised days)', () => {
    // From Thursday 2/12: 2/13, 2/14 (补班), 2/24. 80 % of 3 is day 3; one day left is day 2.
    const due = addWorkingDays(calendar, '2026-02-12', 3);
    const { times } = flagTimes(calendar, RULE, { dueAt: due.dueAt, promisedDays: 3 });
    expect(times.warning).toBe(end('2026-02-14'));
  });

  it('warns at the end of the first day of a one-day promise, and at the due time of a same-day one', () => {
    const one = addWorkingDays(calendar, '2026-03-02', 1);
    expect(flagTimes(calendar, RULE, { dueAt: one.dueAt, promisedDays: 1 }).times.warning).toBe(
      end('2026-03-02'),
    );
    const zero = addWorkingDays(calendar, '2026-03-02', 0);
    const same = flagTimes(calendar, RULE, { dueAt: zero.dueAt, promisedDays: 0 }).times;
    expect(same.warning).toBe(same.overdue);
  });

  it("follows a province's own rule: 4 days left, escalated 2 working days after due", () => {
    const due = addWorkingDays(calendar, '2026-09-07', 15);
    const rule = { warningDaysLeft: 4, warningRatio: 0.9, escalateAfterDays: 2 };
    const { times } = flagTimes(calendar, rule, { dueAt: due.dueAt, promisedDays: 15 });
    // Four days left comes first: the end of day 11, 9/21.
    expect(times.warning).toBe(end('2026-09-21'));
    expect(times.escalated).toBe(end('2026-09-30'));
  });

  it('says a time was assumed when escalation falls into a year without a calendar', () => {
    const due = addWorkingDays(calendar, '2026-12-14', 10);
    expect(due.assumed).toBe(false);
    expect(flagTimes(calendar, RULE, { dueAt: due.dueAt, promisedDays: 10 }).assumed).toBe(true);
  });
});
