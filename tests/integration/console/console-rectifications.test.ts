// One rectification and the 督办 notices in the console (gateway/console/README.md#pages), on a
// gateway whose supervisor really raised the flags: with an injected clock, 差评 rectifications
// fall overdue, the province visits (a phone number in its note) and appeals; an operator holding
// `appeal` decides from the rectification's page. The decision must do what the API's does — the
// same use case, the same audit entry — and everything around it must refuse cleanly: no right,
// no CSRF token, a decision already made, a bad form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import {
  decideAppeal,
  evaluate,
  readRectification,
  rectificationEvent,
} from '../../support/evaluation-flow.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const PHONE = '13812345678';
/** What a person reads: tags out (a time is a <time> element), spaces collapsed. */
const shown = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
const NOTE = 'appeal rejected after review';
const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
let c: ConsoleClient;
let readonly: ConsoleClient;
let lateCase = '';
/** Pairs decided the same way, one in the console and one through the API. */
const pair: Record<'rejected' | 'upheld', { console: string; api: string }> = {
  rejected: { console: '', api: '' },
  upheld: { console: '', api: '' },
};
let forForms = '';
let forRefusals = '';
let forRace = '';
let notAppealed = '';
let caseOfForForms = '';

/** A closed SF-009 case (云南 handles) rated 1 with a comment; its rectification's id. */
async function badRating(): Promise<{ id: string; caseId: string }> {
  const { caseId } = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', caseId, clock.now().toISOString());
  const rated = await evaluate(gw, caseId, {
    level: 1,
    rated: 'handling',
    comment: `态度差，回电 ${PHONE}`,
  });
  expect(rated.status).toBe(201);
  return { id: rated.body.rectification!.id, caseId };
}

async function appeal(id: string): Promise<void> {
  expect((await rectificationEvent(gw, id, 'visited', `已回访申请人，电话 ${PHONE}`)).status).toBe(
    200,
  );
  expect((await rectificationEvent(gw, id, 'appealed', '申请人承认评价对象有误')).body.status).toBe(
    'APPEALED',
  );
}

beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  // Rated Monday 9/7; by 10/30 every open subject is warned, overdue and escalated.
  lateCase = (await submit(gw, 'SF-009')).caseId;
  for (let i = 0; i < 10; i++) await submit(gw, 'SF-009');
  for (const decision of ['rejected', 'upheld'] as const) {
    pair[decision] = { console: (await badRating()).id, api: (await badRating()).id };
  }
  const forms = await badRating();
  forForms = forms.id;
  caseOfForForms = forms.caseId;
  forRefusals = (await badRating()).id;
  forRace = (await badRating()).id;
  notAppealed = (await badRating()).id;
  clock.set('2026-10-30T02:00:00Z');
  await superviseOnce(supervisorOf(gw), clock.ms());
  for (const id of [pair.rejected.console, pair.rejected.api, pair.upheld.console, pair.upheld.api])
    await appeal(id);
  for (const id of [forForms, forRefusals, forRace]) await appeal(id);
  // Decided two working days later (Tuesday 11/3): a rejected appeal moves the deadlines.
  clock.set('2026-11-03T02:00:00Z');
  c = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

const page = (id: string, client = c) => client.get(`/console/board/rectifications/${id}`);

/** Posts the decision form with the session's token unless `_csrf` is given. */
async function decide(id: string, form: Record<string, string>, client = c) {
  return client.post(`/console/board/rectifications/${id}/appeal-decision`, {
    _csrf: await client.csrf(),
    ...form,
  });
}

interface Rect {
  status: string;
  visitDueAt: string;
  dueAt: string;
  flags: Record<string, boolean>;
  calendarAssumed: boolean;
  evaluation: { comment: string | null };
  history: { status: string; actor: string; note?: string }[];
}
// Read as an operator without unmask: such reads are not audited, so the audit assertions see only
// what the console did.
const rect = async (id: string) =>
  (await readRectification<Rect>(gw, id, 'operator-readonly')).body;

/** What a decision changes, without what differs between two rectifications anyway. */
function decided(r: Rect) {
  return {
    status: r.status,
    visitDueAt: r.visitDueAt,
    dueAt: r.dueAt,
    flags: r.flags,
    calendarAssumed: r.calendarAssumed,
    history: r.history.map(({ status, actor, note }) => ({ status, actor, note })),
  };
}

const entries = async (action: string, target: string) =>
  (await gw.services.audit.page({ action, target, limit: 200 })).items;

/** The element with this id up to the end of its tag's block, for asserting on one part. */
function part(text: string, id: string, end = '</dd>'): string {
  const at = text.indexOf(`id="${id}"`);
  expect(at, `no #${id} on the page`).toBeGreaterThan(-1);
  return text.slice(at, text.indexOf(end, at));
}

describe('a rectification’s page', () => {
  it('shows its case, rated party and province, level, status, deadlines in China time and flags', async () => {
    const res = await page(forForms);
    expect(res.status).toBe(200);
    expect(part(res.text, 'rectification-case')).toContain(`/console/cases/${caseOfForForms}`);
    expect(part(res.text, 'rectification-rated')).toMatch(/办理方[\s\S]*云南省/);
    expect(part(res.text, 'rectification-level')).toMatch(/1\s+非常不满意/);
    expect(part(res.text, 'rectification-status')).toContain('申诉中');
    const r = await rect(forForms);
    const china = (iso: string) =>
      new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(shown(part(res.text, 'rectification-due'))).toContain(china(r.dueAt));
    expect(shown(part(res.text, 'rectification-visit-due'))).toContain(china(r.visitDueAt));
    const flags = [...part(res.text, 'rectification-flags').matchAll(/data-flag="(\w+)"/g)];
    expect(flags.map((m) => m[1])).toEqual(['warning', 'overdue', 'escalated']);
  });

  it('shows the timeline — visited, appealed, the 督办 flags with their deadline in China time — with the notes and the comment masked, also for an operator holding unmask', async () => {
    const res = await page(forForms);
    const steps = [
      ...part(res.text, 'rectification-history', '</ol>').matchAll(/data-step="(\w+)"/g),
    ];
    expect(steps.map((m) => m[1])).toEqual(expect.arrayContaining(['OPEN', 'VISITED', 'APPEALED']));
    expect(part(res.text, 'rectification-history', '</ol>')).toContain('已回访申请人');
    // The 督办 notes name their deadline in China time, as the rest of the page does, not in UTC.
    // The zone is said once, under the page's title (gateway/console/console-time.ts).
    const history = shown(part(res.text, 'rectification-history', '</ol>'));
    expect(history).toMatch(/督办预警: the deadline \d{4}-\d{2}-\d{2} \d{2}:\d{2} is near/);
    expect(history).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    expect(part(res.text, 'rectification-comment')).toContain('态度差');
    expect(res.text).not.toContain(PHONE);
    expect(res.text).toContain('138****5678');
    // Masked like the API's own read without unmask: no unmasked read to audit.
    expect(await entries('rectification.read-unmasked', forForms)).toEqual([]);
  });

  it('is linked from the board, the rectification list, the board’s list behind a number and the case page', async () => {
    expect((await c.get('/console/board')).text).toContain('href="/console/board/notices"');
    const list = await c.get('/console/board/rectifications?status=APPEALED');
    expect(list.text).toContain(`href="/console/board/rectifications/${forForms}"`);
    expect(list.text).toContain('href="/console/board/notices"');
    const behind = await c.get('/console/board/list?kind=rectification&state=overdue');
    expect(behind.text).toContain(`href="/console/board/rectifications/${notAppealed}"`);
    const ofCase = await c.get(`/console/cases/${caseOfForForms}`);
    expect(part(ofCase.text, 'case-rectifications')).toContain(
      `href="/console/board/rectifications/${forForms}"`,
    );
  });

  it('answers 404 for an unknown or malformed rectification id, never a 500', async () => {
    const unknown = forForms.slice(0, -4) + '0000';
    for (const res of [
      await page(unknown),
      await page('RC53not-an-id'),
      await decide('RC53not-an-id', { decision: 'upheld', note: NOTE }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.text).toContain('没有整改');
    }
  });
});

describe('deciding an appeal from its page', () => {
  it('offers the form on an appealed rectification to a holder of appeal only', async () => {
    expect((await page(forRefusals)).text).toContain('id="appeal-decision"');
    const ro = await page(forRefusals, readonly);
    expect(ro.text).not.toContain('id="appeal-decision"');
    expect(ro.text).toContain('id="appeal-pending"');
    expect((await page(notAppealed)).text).not.toContain('id="appeal-decision"');
  });

  it('explains each choice in Chinese and in English', async () => {
    const text = (await page(forRefusals)).text;
    expect(text).toContain('差评不实：作废，不计入统计');
    expect(text).toContain('the 差评 is untrue: voided, out of the statistics');
    expect(text).toContain('继续整改，期限顺延复核天数');
    expect(text).toContain(
      'the rectification goes on, its deadlines moved by the working days under review',
    );
  });

  for (const decision of ['rejected', 'upheld'] as const) {
    it(`changes the rectification (${decision}) exactly as the API's decision does, audited the same under the operator`, async () => {
      const { console: viaConsole, api } = pair[decision];
      const res = await decide(viaConsole, { decision, note: NOTE });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/console/board/rectifications/${viaConsole}?decided=${decision}`);
      const byApi = await gw
        .client('operator-dev')
        .request('POST', `/v1/rectifications/${api}/appeal-decision`, {
          json: { decision, note: NOTE },
        });
      expect(byApi.status).toBe(200);
      const [mine, theirs] = [await rect(viaConsole), await rect(api)];
      expect(mine.status).toBe(decision === 'upheld' ? 'VOIDED' : 'VISITED');
      expect(decided(mine)).toEqual(decided(theirs));
      const [entry] = await entries('rectification.appeal-decision', viaConsole);
      const [apiEntry] = await entries('rectification.appeal-decision', api);
      expect(entry).toMatchObject({ actor: 'operator-dev', outcome: 'ok' });
      expect(entry?.digest).toBe(apiEntry?.digest);
      const shown = await c.get(res.location!);
      expect(shown.text).toContain('id="decided"');
      expect(part(shown.text, 'rectification-status')).toContain(
        decision === 'upheld' ? '已撤销' : '已回访',
      );
      expect(shown.text).not.toContain('id="appeal-decision"');
    });
  }

  it('moves the deadlines of a rejected appeal by the working days it was under review', async () => {
    const r = await rect(pair.rejected.console);
    // Appealed Friday 10/30, decided Tuesday 11/3: two working days (10/30, 11/2) under review.
    expect(r.dueAt > (await rect(notAppealed)).dueAt).toBe(true);
  });

  it('refuses an operator without appeal with the 403 page, audited as refused, and changes nothing', async () => {
    const res = await decide(forRefusals, { decision: 'upheld', note: NOTE }, readonly);
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-status="403"');
    expect(await entries('rectification.appeal-decision', forRefusals)).toEqual([
      expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
    ]);
    expect((await rect(forRefusals)).status).toBe('APPEALED');
  });

  it('refuses a decision without the CSRF token, audited, and changes nothing', async () => {
    const res = await c.post(`/console/board/rectifications/${forRefusals}/appeal-decision`, {
      decision: 'upheld',
      note: NOTE,
    });
    expect(res.status).toBe(403);
    const refused = (await gw.services.audit.page({ action: 'console.post', limit: 200 })).items;
    expect(refused).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        target: `/board/rectifications/${forRefusals}/appeal-decision`,
        outcome: 'refused',
      }),
    );
    expect((await rect(forRefusals)).status).toBe('APPEALED');
    expect((await page(forRefusals)).text).toContain('id="appeal-decision"');
  });

  it('answers a second decision after the first with a 409 page saying it is no longer appealed, and the same one again as already recorded', async () => {
    // Another operator decided it meanwhile (the page below was opened before).
    expect((await decideAppeal(gw, forRace, 'upheld', 'operator-dev-2')).body.status).toBe(
      'VOIDED',
    );
    const second = await decide(forRace, {
      decision: 'rejected',
      note: 'rejected from a stale page',
    });
    expect(second.status).toBe(409);
    expect(second.text).toContain('已不在申诉中');
    expect(second.text).toContain('VOIDED');
    expect((await rect(forRace)).status).toBe('VOIDED');
    // The same decision as the first, resent: the use case answers it as a repeat.
    const again = await decide(forRace, { decision: 'upheld', note: 'appeal upheld after review' });
    expect(again.status).toBe(303);
    expect(again.location).toContain('decided=repeat');
    expect((await c.get(again.location!)).text).toContain('此前已记录');
  });

  it('answers bad forms with a 400 page naming the field, keeping what was typed, and changes nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ decision: 'upheld', note: '太短' }, '/note'],
      [{ decision: 'upheld', note: '' }, '/note'],
      [{ decision: 'upheld', note: 'x'.repeat(501) }, '/note'],
      [{ note: NOTE }, '/decision'],
      [{ decision: 'maybe', note: NOTE }, '/decision'],
      // What the API refuses in any string (a right-to-left override), which a form's body skips.
      [{ decision: 'upheld', note: `复核后维持原评价\u202e 8 个工作日` }, '/note'],
    ];
    for (const [form, field] of cases) {
      const res = await decide(forForms, form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(part(res.text, 'decision-problems', '</div>')).toContain(`data-field="${field}"`);
      expect(res.text).toContain('id="appeal-decision"');
    }
    const kept = await decide(forForms, { decision: 'rejected', note: '太短' });
    expect(kept.text).toMatch(/id="decision-rejected"[^>]*checked/);
    expect(kept.text).toMatch(/<textarea[^>]*>\s*太短<\/textarea>/);
    expect((await rect(forForms)).status).toBe('APPEALED');
    expect(await entries('rectification.appeal-decision', forForms)).toEqual([]);
  });

  it('answers a decision on a rectification never appealed with the 409 page', async () => {
    const res = await decide(notAppealed, { decision: 'upheld', note: NOTE });
    expect(res.status).toBe(409);
    expect(res.text).toContain('已不在申诉中');
    expect((await rect(notAppealed)).status).toBe('OPEN');
  });
});

describe('the 督办 notices page', () => {
  const rows = (text: string) => [...text.matchAll(/data-notice="(NT\w+)" data-subject="(\w+)"/g)];

  it('lists every notice newest first, 50 a page, paging back to the oldest with none twice', async () => {
    const api = await gw
      .client('operator-dev')
      .request<{ items: { noticeId: string }[] }>('GET', '/v1/supervision/notices?limit=200');
    const all = api.body.items.map((n) => n.noticeId);
    expect(all.length).toBeGreaterThan(50);
    const first = await c.get('/console/board/notices');
    expect(first.status).toBe(200);
    const older = /id="older-notices"\s+href="([^"]+)"/.exec(first.text)?.[1];
    expect(older).toBeDefined();
    const second = await c.get(older!.replaceAll('&amp;', '&'));
    const shown = [...rows(first.text), ...rows(second.text)].map((m) => m[1]);
    expect(rows(first.text)).toHaveLength(50);
    expect(shown).toEqual([...all].reverse());
    expect(second.text).not.toContain('id="older-notices"');
  });

  it('links each notice to its case or rectification, with its times in China time', async () => {
    const res = await c.get('/console/board/notices?type=escalation');
    const row = res.text.slice(res.text.indexOf(`data-subject="${notAppealed}"`));
    const cells = row.slice(0, row.indexOf('</tr>'));
    expect(cells).toContain(`href="/console/board/rectifications/${notAppealed}"`);
    expect(shown(cells)).toMatch(/2026-10-30 10:00/);
    const caseRow = res.text.slice(res.text.indexOf(`data-subject="${lateCase}"`));
    expect(caseRow.slice(0, caseRow.indexOf('</tr>'))).toContain(
      `href="/console/cases/${lateCase}"`,
    );
  });

  it('filters by type and by province', async () => {
    const urges = await c.get('/console/board/notices?type=urge');
    expect([...urges.text.matchAll(/data-type="(\w+)"/g)].map((m) => m[1])).toEqual(
      expect.arrayContaining(['urge']),
    );
    expect(urges.text).not.toMatch(/data-type="(warning|escalation)"/);
    expect(rows(urges.text).length).toBeGreaterThan(0);
    const yunnan = await c.get('/console/board/notices?province=53&type=warning');
    expect(rows(yunnan.text).length).toBeGreaterThan(0);
    const sichuan = await c.get('/console/board/notices?province=51');
    expect(rows(sichuan.text)).toEqual([]);
    expect(sichuan.text).toContain('暂无');
  });

  it('answers an unknown type, a province outside the alliance or a forged cursor with a 400 page', async () => {
    for (const query of ['type=reminder', 'province=99', 'cursor=bm90LWEtbm90aWNl']) {
      const res = await c.get(`/console/board/notices?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.text).toContain('data-status="400"');
    }
  });
});
