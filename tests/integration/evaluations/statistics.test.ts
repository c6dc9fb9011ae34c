// 好差评 and 督办 statistics (gateway/README.md#evaluation-statistics) against a hand-counted
// fixture: counts and rates (好评率, 差评数, 整改率, 回访率) by province, item and period, the
// supervision gauges by province and item — and no ID number, name, phone or comment anywhere in
// them, though the fixture's cases and comments are full of those.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDefaultRatings } from '../../../gateway/evaluations/default-ratings.ts';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import {
  decideAppeal,
  evaluate,
  rectificationEvent,
  reRate,
} from '../../support/evaluation-flow.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-10T02:00:00Z');
let gw: ApiGateway;

const PERSONAL_COMMENT = '经办人王小明态度差，我的电话13800138000，身份证510104199001011234';

async function closed(code: string, province: string): Promise<string> {
  const { caseId } = await submit(gw, code);
  await close(gw, province, caseId, clock.now().toISOString());
  return caseId;
}

async function rated(
  caseId: string,
  level: number,
  rated = 'handling',
): Promise<string | undefined> {
  const res = await evaluate(gw, caseId, { level, rated, comment: PERSONAL_COMMENT });
  expect(res.status).toBe(201);
  return res.body.rectification?.id;
}

// The fixture, by hand (rated province, item, party → level):
//   9/10  A SF-009: 53 handling 5, 51 collecting 4
//         B SF-009: 53 handling 1 → visited, rectified, re-rated 5; 51 collecting none → default 3 on 9/17
//   9/11  C RS-012: 50 handling 2 → visited, appealed, upheld (voided)
//         D RS-012: 50 handling 2 → open, never visited
//         E SF-009: 53 handling 3; 51 collecting none → default 3 on 9/18
// Evaluations that count: A-h 5, A-c 4, B-h 1, B-c 3, D-h 2, E-h 3, E-c 3 = 7 (C voided).
beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  const a = await closed('SF-009', 'province-yn');
  await rated(a, 5);
  await rated(a, 4, 'collecting');
  const b = await closed('SF-009', 'province-yn');
  const bRect = (await rated(b, 1))!;
  await rectificationEvent(gw, bRect, 'visited');
  await rectificationEvent(gw, bRect, 'rectified');
  await reRate(gw, bRect, { level: 5, comment: PERSONAL_COMMENT });

  clock.set('2026-09-11T02:00:00Z');
  const c = await closed('RS-012', 'province-cq');
  const cRect = (await rated(c, 2))!;
  await rectificationEvent(gw, cRect, 'visited', '已回访', 'province-cq');
  await rectificationEvent(gw, cRect, 'appealed', '评价不实', 'province-cq');
  await decideAppeal(gw, cRect, 'upheld');
  const d = await closed('RS-012', 'province-cq');
  await rated(d, 2);
  const e = await closed('SF-009', 'province-yn');
  await rated(e, 3);

  clock.set('2026-09-20T02:00:00Z');
  await recordDefaultRatings({
    store: gw.services.store,
    evaluations: gw.services.evaluations,
    provinces: gw.services.provinces,
    log: gw.services.logger,
    now: clock.now,
  });
});
afterAll(async () => gw?.close());

async function stats<T = Record<string, unknown>>(path: string): Promise<{ body: T; raw: string }> {
  const res = await gw.client('operator-dev').request<T>('GET', path);
  expect(res.status).toBe(200);
  return { body: res.body, raw: JSON.stringify(res.body) };
}

interface Figures {
  evaluations: number;
  levels: Record<string, number>;
  defaultRatings: number;
  goodRate: number | null;
  badCount: number;
  voided: number;
  rectifications: Record<string, number | null>;
}

describe('evaluation statistics', () => {
  it('match the hand count over everything', async () => {
    const { body } = await stats<{ totals: Figures }>('/v1/stats/evaluations');
    expect(body.totals).toEqual({
      evaluations: 7,
      levels: { 1: 1, 2: 1, 3: 3, 4: 1, 5: 1 },
      defaultRatings: 2,
      goodRate: 0.2857,
      badCount: 2,
      voided: 1,
      rectifications: {
        opened: 2,
        visited: 1,
        rectified: 1,
        explained: 0,
        appealed: 1,
        appealsUpheld: 1,
        reRated: 1,
        reRatedGood: 1,
        defaultReRatings: 0,
        visitRate: 0.5,
        rectifyRate: 0.5,
      },
    });
  });

  it('match the hand count by province, item and rated party', async () => {
    const { body } = await stats<{
      byProvince: (Figures & { province: string })[];
      byItem: (Figures & { itemCode: string })[];
      byRated: (Figures & { rated: string })[];
    }>('/v1/stats/evaluations');
    const of = <K extends string>(
      rows: ({ evaluations: number; badCount: number } & Record<K, string>)[],
      key: K,
    ) => Object.fromEntries(rows.map((r) => [r[key], [r.evaluations, r.badCount]]));
    expect(of(body.byProvince, 'province')).toEqual({ '50': [1, 1], '51': [3, 0], '53': [3, 1] });
    expect(of(body.byItem, 'itemCode')).toEqual({ 'RS-012': [1, 1], 'SF-009': [6, 1] });
    expect(of(body.byRated, 'rated')).toEqual({ collecting: [3, 0], handling: [4, 2] });
    const cq = body.byProvince.find((r) => r.province === '50')!;
    expect(cq.voided).toBe(1);
    expect(cq.rectifications).toMatchObject({
      opened: 1,
      visited: 0,
      appealsUpheld: 1,
      visitRate: 0,
    });
  });

  it('filter by province, item and the China dates of the evaluations', async () => {
    const yn = await stats<{ totals: Figures }>('/v1/stats/evaluations?province=53');
    expect(yn.body.totals).toMatchObject({ evaluations: 3, goodRate: 0.3333, badCount: 1 });
    const item = await stats<{ totals: Figures }>('/v1/stats/evaluations?itemCode=RS-012');
    expect(item.body.totals).toMatchObject({ evaluations: 1, badCount: 1, voided: 1 });
    // 9/10 only: A-h 5, A-c 4, B-h 1 (B's default came on 9/17); B's rectification counts with it.
    const day = await stats<{ totals: Figures }>(
      '/v1/stats/evaluations?from=2026-09-10&to=2026-09-10',
    );
    expect(day.body.totals).toMatchObject({
      evaluations: 3,
      levels: { 1: 1, 2: 0, 3: 0, 4: 1, 5: 1 },
      rectifications: expect.objectContaining({ opened: 1, visited: 1, rectifyRate: 1 }),
    });
    const from = await stats<{ totals: Figures }>('/v1/stats/evaluations?from=2026-09-17');
    expect(from.body.totals).toMatchObject({ evaluations: 2, defaultRatings: 2 });
    const none = await stats<{ totals: Figures }>('/v1/stats/evaluations?to=2026-09-09');
    expect(none.body.totals).toMatchObject({ evaluations: 0, goodRate: null });
  });
});

describe('supervision statistics', () => {
  it('count open, warning, overdue and escalated cases and rectifications by province and item', async () => {
    // Two open SF-009 cases (云南) and one RS-012 (重庆), all submitted Monday 9/21. SF-009 (7
    // days) is due 10/8 across 国庆, warned at the end of 9/30; RS-012 (5 days) is due 9/29,
    // warned at the end of 9/28. A pass at 10/1 00:00 China time: all warned, RS-012 overdue.
    clock.set('2026-09-21T02:00:00Z');
    await submit(gw, 'SF-009');
    await submit(gw, 'SF-009');
    await submit(gw, 'RS-012');
    const sup = supervisorOf(gw);
    await superviseOnce(sup, clock.ms());
    await superviseOnce(sup, Date.parse('2026-09-30T16:00:00Z'));
    const { body, raw } = await stats<{
      cases: { totals: object; byProvince: object[]; byItem: object[] };
      rectifications: { totals: object; byProvince: object[] };
    }>('/v1/stats/supervision');
    expect(body.cases.totals).toEqual({
      open: 3,
      warning: 3,
      warningOnly: 2,
      overdue: 1,
      escalated: 0,
    });
    expect(body.cases.byProvince).toEqual([
      { province: '50', open: 1, warning: 1, warningOnly: 0, overdue: 1, escalated: 0 },
      { province: '53', open: 2, warning: 2, warningOnly: 2, overdue: 0, escalated: 0 },
    ]);
    expect(body.cases.byItem).toEqual([
      { itemCode: 'RS-012', open: 1, warning: 1, warningOnly: 0, overdue: 1, escalated: 0 },
      { itemCode: 'SF-009', open: 2, warning: 2, warningOnly: 2, overdue: 0, escalated: 0 },
    ]);
    // D's rectification (重庆, rated 9/11, never visited) is open; its rectify deadline is 10/9.
    expect(body.rectifications.totals).toMatchObject({ open: 1 });
    expect(body.rectifications.byProvince).toEqual([
      expect.objectContaining({ province: '50', open: 1 }),
    ]);
    const filtered = await stats<{ cases: { totals: object } }>(
      '/v1/stats/supervision?province=53',
    );
    expect(filtered.body.cases.totals).toEqual({
      open: 2,
      warning: 2,
      warningOnly: 2,
      overdue: 0,
      escalated: 0,
    });
    expect(raw).not.toMatch(/[0-9]{17}[0-9X]/);

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('gw_supervision_subjects{kind="case",province="53",state="open"} 2');
    expect(metrics).toContain(
      'gw_supervision_subjects{kind="case",province="50",state="overdue"} 1',
    );
  });
});

describe('supervision statistics and the console’s 督办 board', () => {
  it('answer warningOnly — warned and not yet overdue — the figure the board shows as 预警 for each province, while warning goes on counting the overdue', async () => {
    // The cases of the test above: 云南 two warned, 重庆 one warned and overdue.
    type Row = { province: string; warning: number; warningOnly: number; overdue: number };
    const { body } = await stats<{ cases: { byProvince: Row[] } }>('/v1/stats/supervision');
    const board = await (
      await ConsoleClient.signedIn(gw.url, 'operator-dev')
    ).get('/console/board');
    expect(board.status).toBe(200);
    const cases = board.text.slice(board.text.indexOf('id="board-case"'));
    const shown = (province: string) => {
      const row = new RegExp(`<tr data-province="${province}">[\\s\\S]*?</tr>`).exec(cases)![0];
      return Number(/data-count="warning"[^>]*>\s*(\d+)/.exec(row)![1]);
    };
    expect(body.cases.byProvince.map((r) => [r.province, r.warningOnly])).toEqual([
      ['50', 0],
      ['53', 2],
    ]);
    for (const r of body.cases.byProvince) {
      expect(shown(r.province), r.province).toBe(r.warningOnly);
      expect(r.warning).toBe(r.warningOnly + r.overdue);
    }
  });
});

describe('no personal data in statistics', () => {
  it('never shows an ID number, a name, a phone or a comment of the fixture', async () => {
    const applicant = validExample('SF-009').applicant as Record<string, string>;
    const other = validExample('RS-012').applicant as Record<string, string>;
    const personal = [
      applicant.name,
      applicant.idNumber,
      applicant.phone,
      other.name,
      other.idNumber,
      other.phone,
      '王小明',
      '13800138000',
      '510104199001011234',
      '态度差',
    ].filter((v): v is string => typeof v === 'string' && v.length > 0);
    const paths = [
      '/v1/stats/evaluations',
      '/v1/stats/evaluations?province=53',
      '/v1/stats/evaluations?from=2026-09-10&to=2026-09-30',
      '/v1/stats/supervision',
    ];
    for (const path of paths) {
      const { raw } = await stats(path);
      for (const value of personal) expect(raw, `${path} shows ${value}`).not.toContain(value);
      expect(raw).not.toMatch(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/);
      expect(raw).not.toMatch(/[0-9]{17}[0-9Xx]/);
    }
    expect(personal.length).toBeGreaterThanOrEqual(8);
  });
});
