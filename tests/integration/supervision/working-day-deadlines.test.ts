// Due times of submitted cases on the 2026 working-day calendar (gateway/README.md#working-days-and-due-times),
// with an injected clock: 春节 and 国庆 crossed with their 补班 days counted; a case submitted in
// December whose due date falls into 2027, a year without a calendar, counted Monday to Friday,
// marked calendarAssumed, and /readyz and /metrics warning operators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { readCase, submit } from '../../support/case-flow.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-02-12T02:00:00Z');
let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
});
afterAll(async () => gw?.close());

interface View {
  dueAt: string;
  calendarAssumed: boolean;
}

describe('due times of submitted cases', () => {
  it('crosses 春节: 7 working days from Thursday 2/12 end on the 补班 Saturday 2/28', async () => {
    // 2/13, the 补班 Saturday 2/14, then 2/15–2/23 off, 2/24 2/25 2/26 2/27 and the 补班 2/28.
    clock.set('2026-02-12T02:00:00Z');
    const { caseId, dueAt } = await submit(gw, 'SF-009');
    expect(dueAt).toBe(endOfChinaDay('2026-02-28'));
    expect(await readCase<View>(gw, caseId)).toMatchObject({ dueAt, calendarAssumed: false });
  });

  it('crosses 中秋 and 国庆: 7 working days from Thursday 9/24 end Monday 10/12, the 补班 10/10 counted', async () => {
    // 9/25–9/27 off, 9/28 9/29 9/30, 10/1–10/7 off, 10/8 10/9, the 补班 Saturday 10/10, 10/12.
    clock.set('2026-09-24T02:00:00Z');
    expect((await submit(gw, 'SF-009')).dueAt).toBe(endOfChinaDay('2026-10-12'));
  });

  it('counts the 补班 Sunday 9/20: 5 working days from Tuesday 9/15 end Monday 9/21', async () => {
    clock.set('2026-09-15T02:00:00Z');
    expect((await submit(gw, 'RS-012')).dueAt).toBe(endOfChinaDay('2026-09-21'));
  });
});

describe('a due date in a year without a calendar', () => {
  it('counts 2027 Monday to Friday, marks the case, and warns on /readyz and /metrics', async () => {
    // Wednesday 2026-12-23: 12/24 12/25 12/28 12/29 12/30 12/31, then 2027-01-01 (a Friday, Mon–Fri).
    clock.set('2026-12-23T02:00:00Z');
    const { caseId, dueAt } = await submit(gw, 'SF-009');
    expect(dueAt).toBe(endOfChinaDay('2027-01-01'));
    expect((await readCase<View>(gw, caseId)).calendarAssumed).toBe(true);
    expect(
      gw.logLines().some((l) => l.caseId === caseId && String(l.msg).includes('Mon–Fri assumed')),
    ).toBe(true);

    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      warnings: [{ code: 'calendar-year-missing', year: 2027, reason: 'next-year' }],
    });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/gw_calendar_year_missing\{year="2027",reason="next-year"\} 1/);
  });

  it('warns before December too, once an open case is due in that year', async () => {
    // The board holds the December case above (due 2027-01-01); read /readyz on a November day.
    clock.set('2026-11-16T02:00:00Z');
    const body = (await (await fetch(`${gw.url}/readyz`)).json()) as { warnings?: unknown[] };
    expect(body.warnings).toEqual([expect.objectContaining({ year: 2027, reason: 'deadline' })]);
  });

  it('reports no warning when no pending deadline needs a missing year', async () => {
    const quiet = await startApiGateway({}, { now: clock.now, data: gw.data });
    try {
      clock.set('2026-11-16T02:00:00Z');
      await submit(quiet, 'SF-009');
      const body = (await (await fetch(`${quiet.url}/readyz`)).json()) as Record<string, unknown>;
      expect(body.status).toBe('ready');
      expect(body.warnings).toBeUndefined();
      expect(await (await fetch(`${quiet.url}/metrics`)).text()).not.toMatch(
        /gw_calendar_year_missing\{/,
      );
    } finally {
      await quiet.close();
    }
  });
});
