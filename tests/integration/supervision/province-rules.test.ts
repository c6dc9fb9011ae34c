// Per-province deadlines take effect (config/README.md#supervision): a file named by
// GW_SUPERVISION_FILE gives 云南 (53) its own warning, escalation, rating window, rectification
// deadlines and re-rating window, while 重庆 (50) keeps the defaults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import {
  defaultReRatingPass,
  evaluate,
  readRectification,
  rectificationEvent,
} from '../../support/evaluation-flow.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { DAY_MS, testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'swgw-supervision-')), 'supervision.json');
  writeFileSync(
    file,
    JSON.stringify({
      defaults: {
        warningDaysLeft: 1,
        warningRatio: 0.8,
        escalateAfterDays: 5,
        evaluationWindowDays: 7,
        reRatingWindowDays: 7,
        visitDays: 1,
        rectifyDays: 15,
      },
      provinces: {
        '53': {
          warningDaysLeft: 3,
          escalateAfterDays: 1,
          evaluationWindowDays: 3,
          reRatingWindowDays: 2,
          visitDays: 2,
          rectifyDays: 5,
        },
      },
    }),
  );
  gw = await startApiGateway({ GW_SUPERVISION_FILE: file }, { now: clock.now });
});
afterAll(async () => gw?.close());

const end = (date: string) => Date.parse(endOfChinaDay(date));
type Flags = { flags: { warning: boolean; overdue: boolean; escalated: boolean } };

describe("a province's own deadlines", () => {
  it('warns 云南 cases 3 working days before due and escalates them 1 working day after', async () => {
    // SF-009 from Monday 9/7: due Wednesday 9/16; 3 working days before is Friday 9/11.
    const { caseId } = await submit(gw, 'SF-009');
    const sup = supervisorOf(gw);
    await superviseOnce(sup, clock.ms());
    await superviseOnce(sup, end('2026-09-11') + 1);
    expect((await readCase<Flags>(gw, caseId)).flags.warning).toBe(true);
    await superviseOnce(sup, end('2026-09-17') - 1000);
    expect((await readCase<Flags>(gw, caseId)).flags.escalated).toBe(false);
    await superviseOnce(sup, end('2026-09-17') + 1);
    expect((await readCase<Flags>(gw, caseId)).flags).toEqual({
      warning: true,
      overdue: true,
      escalated: true,
    });
  });

  it('keeps the defaults for 重庆: a 5-day case warned only on its last day', async () => {
    // RS-012 from Monday 9/7: due Monday 9/14; one day left at the end of Friday 9/11.
    const { caseId } = await submit(gw, 'RS-012');
    const sup = supervisorOf(gw);
    await superviseOnce(sup, clock.ms());
    await superviseOnce(sup, end('2026-09-10') + 1);
    expect((await readCase<Flags>(gw, caseId)).flags.warning).toBe(false);
    await superviseOnce(sup, end('2026-09-11') + 1);
    expect((await readCase<Flags>(gw, caseId)).flags.warning).toBe(true);
  });

  it('gives 云南 3 days to be rated and its rectifications 2 and 5 working days', async () => {
    clock.set('2026-09-07T02:00:00Z');
    const late = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', late.caseId, clock.now().toISOString());
    const rated = await submit(gw, 'SF-009');
    await close(gw, 'province-yn', rated.caseId, clock.now().toISOString());
    clock.advance(3 * DAY_MS);
    const res = await evaluate(gw, rated.caseId, { level: 1, rated: 'handling' });
    expect(res.status).toBe(201);
    // From Thursday 9/10: visit by Monday 9/14, rectify by Thursday 9/17.
    expect(res.body.rectification).toMatchObject({
      visitDueAt: endOfChinaDay('2026-09-14'),
      dueAt: endOfChinaDay('2026-09-17'),
    });
    clock.advance(1000);
    expect((await evaluate(gw, late.caseId, { level: 5, rated: 'handling' })).status).toBe(422);
    // The collecting window is 四川's (51): the defaults, 7 days.
    expect((await evaluate(gw, late.caseId, { level: 5, rated: 'collecting' })).status).toBe(201);
  });

  it('re-rates 云南’s rectifications by default after its own 2 days, 重庆’s after the default 7', async () => {
    clock.set('2026-09-21T02:00:00Z');
    /** A 差评 of a closed case of `item`, visited and explained by its handling province. */
    const explained = async (item: string, province: string) => {
      const { caseId } = await submit(gw, item);
      await close(gw, province, caseId, clock.now().toISOString());
      const res = await evaluate(gw, caseId, { level: 2, rated: 'handling' });
      const id = res.body.rectification!.id;
      await rectificationEvent(gw, id, 'visited', 'called', province);
      expect((await rectificationEvent(gw, id, 'explained', 'rule', province)).status).toBe(200);
      return id;
    };
    const yunnan = await explained('SF-009', 'province-yn');
    const chongqing = await explained('RS-012', 'province-cq');
    const read = async (id: string) =>
      (
        await readRectification<{ status: string; reRatingDueAt: string; reRating?: object }>(
          gw,
          id,
        )
      ).body;
    expect((await read(yunnan)).reRatingDueAt).toBe(
      new Date(clock.ms() + 2 * DAY_MS).toISOString(),
    );
    expect((await read(chongqing)).reRatingDueAt).toBe(
      new Date(clock.ms() + 7 * DAY_MS).toISOString(),
    );
    const pass = (atMs: number) => defaultReRatingPass(gw, clock.now, atMs);
    const start = clock.ms();
    expect(await pass(start + 2 * DAY_MS - 1)).toBe(0);
    expect(await pass(start + 2 * DAY_MS)).toBe(1);
    expect(await read(yunnan)).toMatchObject({
      status: 'CLOSED',
      reRating: { level: 3, source: 'default' },
    });
    expect((await read(chongqing)).status).toBe('EXPLAINED');
    expect(await pass(start + 7 * DAY_MS - 1)).toBe(0);
    expect(await pass(start + 7 * DAY_MS)).toBe(1);
    expect((await read(chongqing)).status).toBe('CLOSED');
  });
});
