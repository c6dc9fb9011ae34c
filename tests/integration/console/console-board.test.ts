// The 督办 pages of the console (gateway/console/README.md#pages) on a board the supervisor has
// really moved: with an injected clock, one case left open past its due time and a 差评 whose
// rectification fell due; the board counts them by province and item, each number lists exactly
// the subjects it counts, and the rectification list shows its deadlines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { evaluate } from '../../support/evaluation-flow.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
let c: ConsoleClient;
let late = '';
let lessLate = '';
let closedOnTime = '';
let rectificationId = '';

beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  late = (await submit(gw, 'SF-009')).caseId;
  closedOnTime = (await submit(gw, 'SF-009')).caseId;
  await close(gw, 'province-yn', closedOnTime, clock.now().toISOString());
  const rated = await evaluate(gw, closedOnTime, {
    level: 1,
    rated: 'handling',
    comment: '态度差',
  });
  expect(rated.status).toBe(201);
  rectificationId = rated.body.rectification!.id;
  // Submitted three days later: due three days later, so less overdue on 30 October.
  clock.set('2026-09-10T02:00:00Z');
  lessLate = (await submit(gw, 'SF-009')).caseId;
  clock.set('2026-10-30T02:00:00Z');
  await superviseOnce(supervisorOf(gw), clock.ms());
  c = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** The number in one cell of the board: `<a … data-count="overdue">2</a>` in a row. */
function count(page: string, section: string, row: string, state: string): number {
  const start = page.indexOf(`id="board-${section}"`);
  const rowAt = page.indexOf(row, start);
  const cell = new RegExp(`data-count="${state}"[^>]*>(\\d+)<`).exec(page.slice(rowAt));
  return Number(cell?.[1]);
}

describe('the 督办 board in the console', () => {
  it('counts the overdue case and the overdue rectification by province and item', async () => {
    const board = await c.get('/console/board');
    expect(board.status).toBe(200);
    expect(count(board.text, 'case', 'data-province="53"', 'overdue')).toBe(2);
    expect(count(board.text, 'case', 'data-item="SF-009"', 'open')).toBe(2);
    expect(count(board.text, 'rectification', 'data-province="53"', 'overdue')).toBe(1);
  });

  it('lists behind a number exactly the subjects it counts, each with how late it is', async () => {
    const overdue = await c.get('/console/board/list?kind=case&state=overdue&province=53');
    expect(overdue.text).toContain(`data-subject="${late}"`);
    expect(overdue.text).not.toContain(`data-subject="${closedOnTime}"`);
    const row = overdue.text.slice(overdue.text.indexOf(`data-subject="${late}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/data-left="late"\s*>超期 \d+ 天/);
    const elsewhere = await c.get('/console/board/list?kind=case&state=overdue&province=51');
    expect(elsewhere.text).not.toContain('data-subject=');
    const rects = await c.get('/console/board/list?kind=rectification&state=overdue');
    expect(rects.text).toContain(`data-subject="${rectificationId}"`);
  });

  it('names each item in Chinese beside its code, on the board and on the list behind a number', async () => {
    const board = await c.get('/console/board');
    const row = board.text.slice(board.text.indexOf('data-item="SF-009"'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('法律援助申请');
    const list = await c.get('/console/board/list?kind=case&state=overdue&province=53');
    const subject = list.text.slice(list.text.indexOf(`data-subject="${late}"`));
    expect(subject.slice(0, subject.indexOf('</tr>'))).toContain('法律援助申请');
  });

  it('keeps the overdue cases out of 预警 — its count and its list — and lists them under 超期, the longest overdue first', async () => {
    const board = await c.get('/console/board');
    expect(count(board.text, 'case', 'data-province="53"', 'warning')).toBe(0);
    expect(count(board.text, 'rectification', 'data-province="53"', 'warning')).toBe(0);
    expect(board.text).toContain('id="board-overlap"');
    expect(board.text).toContain('超期的只在“超期”中');
    const warned = await c.get('/console/board/list?kind=case&state=warning&province=53');
    expect(warned.text).not.toContain(`data-subject="${late}"`);
    expect(warned.text).not.toContain(`data-subject="${lessLate}"`);
    expect(warned.text).toMatch(/id="board-count"\s+data-total="0"/);
    const overdue = await c.get('/console/board/list?kind=case&state=overdue&province=53');
    const order = [...overdue.text.matchAll(/data-subject="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([late, lessLate]);
    expect(overdue.text).toContain('超期最久的在前');
    const home = await c.get('/console/');
    expect(home.text).toMatch(
      /data-flag-count="case-warning"\s*>预警 <span class="en">warning<\/span> 0</,
    );
  });

  it('shows the late case’s mode in Chinese and its 督办 flags in the order they were raised', async () => {
    const page = await c.get(`/console/cases/${late}`);
    const item = page.text.slice(page.text.indexOf('id="case-item"'));
    expect(item.slice(0, item.indexOf('</dd>'))).toMatch(/SF-009 v1 法律援助申请 ·\s+代收代办/);
    const flags = page.text.slice(page.text.indexOf('id="case-flags"'));
    const raised = [...flags.slice(0, flags.indexOf('</dd>')).matchAll(/data-flag="(\w+)"/g)];
    expect(raised.map((m) => m[1])).toEqual(['warning', 'overdue', 'escalated']);
  });

  it('shows the 差评 level and the rated party in Chinese, its flags in the order they were raised', async () => {
    const list = await c.get('/console/board/rectifications');
    const row = list.text.slice(list.text.indexOf(`data-rectification="${rectificationId}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/1 非常不满意 · 办理方/);
    const raised = [...row.slice(0, row.indexOf('</tr>')).matchAll(/data-flag="(\w+)"/g)];
    expect(raised.map((m) => m[1])).toEqual(['warning', 'overdue', 'escalated']);
  });

  it('lists the rectification with its deadlines and flags, filtered by status', async () => {
    const list = await c.get('/console/board/rectifications');
    expect(list.status).toBe(200);
    const row = list.text.slice(list.text.indexOf(`data-rectification="${rectificationId}"`));
    expect(row).toContain(closedOnTime);
    // What a person reads: a time is a <time> element (gateway/console/console-time.ts).
    expect(row.replace(/<[^>]+>/g, '')).toMatch(/2026-\d\d-\d\d \d\d:\d\d/);
    expect(row).toContain('data-flag="overdue"');
    const open = await c.get('/console/board/rectifications?status=OPEN');
    expect(open.text).toContain(rectificationId);
    const closed = await c.get('/console/board/rectifications?status=CLOSED');
    expect(closed.text).not.toContain(rectificationId);
  });
});
