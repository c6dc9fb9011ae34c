// The calendar recount (gateway/README.md#calendar-recount): two gateways on one Redis follow the
// published catalogue, cases and a rectification are counted into 2027 Monday to Friday (no 2027
// calendar), then a 2027 calendar draft is approved. One run — whichever gateway claims it —
// counts every marked due time again on the real calendar: a case crossing a holiday is due later
// by it (GET /v1/cases/{id}, a history entry, the board), a case whose span has none keeps its
// date and loses the mark, a paused case and a resumed one and a rectification are recounted
// from their anchor and their promised plus paused days; a rerun, or a run after one that died
// midway, changes nothing twice. An injected clock; no sleeps.
//
// The 2027 calendar (tests/support/test-calendars.ts) is TEST DATA, not the State Council's notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { applyProvinceEvent } from '../../../gateway/cases/apply-event.ts';
import type { CaseRecord } from '../../../gateway/cases/case-record.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import type { ApiGateway } from '../../support/api-gateway.ts';
import {
  close,
  event,
  readCase,
  submit,
  submitJoint,
  type JointFamily,
} from '../../support/case-flow.ts';
import { evaluate, readRectification } from '../../support/evaluation-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';
import {
  publishCalendar,
  recountEntries,
  startTwoGateways,
  TEST_2027,
} from '../../support/test-calendars.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-12-23T02:00:00Z');
const prefix = uniquePrefix('recount');
const redis = plainRedis();
let a: ApiGateway;
let b: ApiGateway;

beforeAll(async () => {
  [a, b] = await startTwoGateways(prefix, clock.now);
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  redis.disconnect();
});

interface CaseView {
  status: string;
  dueAt: string;
  calendarAssumed: boolean;
  history: { status: string; actor: string; note?: string }[];
}
interface RectView {
  dueAt: string;
  visitDueAt: string;
  calendarAssumed: boolean;
  history: { status: string; actor: string; note?: string }[];
}

const view = (id: string) => readCase<CaseView>(a, id);
const rect = async (id: string) => (await readRectification<RectView>(a, id)).body;
const boardDue = (kind: 'case' | 'rectification', id: string) =>
  a.services.board.dueTime({ kind, id });

/** Approves a 2027 calendar draft as two operators would; both gateways serve it at once. */
const publish2027 = () => publishCalendar(a, b, TEST_2027);

// What the cases and the rectification were, made before the publication.
let holiday: string; // SF-009 from Wednesday 12/23: Mon–Fri due Friday 2027-01-01, 元旦
let paused: string; // the same, then 补正 from 12/24: still paused at the publication
let resumed: string; // the same, paused 12/23 and resumed 12/24 before the publication
let plain: string; // SF-009 from Tuesday 2027-01-05 (the calendar late): no holiday in its span
let rectification: string; // a 差评 on 12/23: rectify in 15 working days, visit in 1
let joint: JointFamily; // RS-006 from 12/23: 45 working days, over 2027's 春节; 重庆 pauses 12/24
let legacy: string; // SF-009 from Monday 12/28, stored as before records kept promisedDays
let staleCq: CaseRecord; // 重庆's party as a resume read it just before the recount

/** The cases and the rectification, counted into 2027 Monday to Friday and marked so. */
async function countedBeforeTheCalendar() {
  clock.set('2026-12-23T02:00:00Z');
  holiday = (await submit(a, 'SF-009')).caseId;
  joint = await submitJoint(a);
  paused = (await submit(a, 'SF-009')).caseId;
  resumed = (await submit(a, 'SF-009')).caseId;
  const closed = (await submit(a, 'SF-009')).caseId;
  // The provinces report each day's events that day: the gateway refuses an event dated ahead of
  // its clock (gateway/cases/event-time.ts).
  clock.set('2026-12-23T05:00:00Z');
  await event(a, 'province-cq', joint.cq, 'accepted', '2026-12-23T03:00:00Z');
  await event(a, 'province-yn', paused, 'accepted', '2026-12-23T03:00:00Z');
  await event(a, 'province-yn', resumed, 'accepted', '2026-12-23T03:00:00Z');
  await event(a, 'province-yn', resumed, 'correction-required', '2026-12-23T04:00:00Z');
  await close(a, 'province-yn', closed, '2026-12-23T05:00:00Z');
  const rated = await evaluate(a, closed, { level: 1, rated: 'handling' });
  expect(rated.status).toBe(201);
  rectification = rated.body.rectification!.id;
  clock.set('2026-12-24T03:00:00Z');
  await event(a, 'province-cq', joint.cq, 'correction-required', '2026-12-24T03:00:00Z');
  await event(a, 'province-yn', paused, 'correction-required', '2026-12-24T03:00:00Z');
  // One paused working day (12/23): Mon–Fri 2027-01-01 + 1 = Monday 01-04.
  await event(a, 'province-yn', resumed, 'resumed', '2026-12-24T03:00:00Z');
  clock.set('2026-12-28T02:00:00Z');
  legacy = (await submit(a, 'SF-009')).caseId;
  await redis.hdel(redisKeys(prefix).case(legacy), 'promisedDays');
  clock.set('2027-01-05T02:00:00Z');
  plain = (await submit(a, 'SF-009')).caseId;

  // 12/29 12/30 12/31, 1/1, 1/4 1/5 1/6.
  expect(await view(legacy)).toMatchObject({
    dueAt: endOfChinaDay('2027-01-06'),
    calendarAssumed: true,
  });
  for (const id of [holiday, paused])
    expect(await view(id)).toMatchObject({
      dueAt: endOfChinaDay('2027-01-01'),
      calendarAssumed: true,
    });
  expect(await view(resumed)).toMatchObject({
    dueAt: endOfChinaDay('2027-01-04'),
    calendarAssumed: true,
  });
  // 1/6 1/7 1/8 1/11 1/12 1/13 1/14.
  expect(await view(plain)).toMatchObject({
    dueAt: endOfChinaDay('2027-01-14'),
    calendarAssumed: true,
  });
  // 45 from 12/23, 2027 Mon–Fri: 6 in December, 21 in January, 2/1–2/24 (18).
  for (const id of [joint.parentId, joint.cq, joint.chengdu])
    expect(await view(id)).toMatchObject({
      dueAt: endOfChinaDay('2027-02-24'),
      calendarAssumed: true,
    });
  // 15 working days from 12/23, 2027 Mon–Fri: 12/24–12/31 (6), 1/1, 1/4–1/8, 1/11–1/13.
  expect(await rect(rectification)).toMatchObject({
    dueAt: endOfChinaDay('2027-01-13'),
    visitDueAt: endOfChinaDay('2026-12-24'),
    calendarAssumed: true,
  });
}

describe('publishing the 2027 calendar', () => {
  it('marks the year pending, and one of two gateways recounts every marked due time once', async () => {
    await countedBeforeTheCalendar();
    await publish2027();
    const keys = redisKeys(prefix).catalogue;
    expect(JSON.parse((await redis.hget(keys.calendarRecounts, '2027'))!)).toMatchObject({
      state: 'pending',
    });
    // Not before every gateway has had time to load the year: twice the catalogue poll.
    expect(await a.services.calendarRecount.runPending()).toEqual([]);
    clock.advance(2 * a.config.cataloguePollMs);
    staleCq = (await a.services.store.get(joint.cq))!;
    const runs = (
      await Promise.all([
        a.services.calendarRecount.runPending(),
        b.services.calendarRecount.runPending(),
      ])
    ).flat();
    expect(runs).toHaveLength(1);
    // holiday, legacy, the two joint parties, paused, resumed, the rectification moved (the joint
    // parent with its first party); plain kept its date.
    expect(runs[0]).toMatchObject({ year: 2027, recounted: 7, unmarked: 1 });
    expect(JSON.parse((await redis.hget(keys.calendarRecounts, '2027'))!)).toMatchObject({
      state: 'done',
      recounted: 7,
      unmarked: 1,
    });
  });

  it('moves a due date over 元旦 by the holiday, in GET /v1/cases/{id}, its history and the board', async () => {
    const read = await view(holiday);
    expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-01-04'), calendarAssumed: false });
    const entries = recountEntries(read.history);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 'ROUTED', actor: 'supervisor' });
    expect(entries[0]!.note).toContain('2027-01-01 → 2027-01-04');
    expect(await boardDue('case', holiday)).toBe(Date.parse(endOfChinaDay('2027-01-04')));
  });

  it('pushes a joint case over 春节 and its 补班 Saturday: its parties and its parent, each once', async () => {
    // Real: 20 in January (元旦 off), 2/1–2/5, 春节 2/8–2/12 off, 2/15–2/19, the 补班 2/20,
    // 2/22–2/26, 3/1 3/2 3/3.
    for (const id of [joint.parentId, joint.cq, joint.chengdu]) {
      const read = await view(id);
      expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-03-03'), calendarAssumed: false });
      expect(recountEntries(read.history)).toHaveLength(1);
    }
    expect(await boardDue('case', joint.cq)).toBe(Date.parse(endOfChinaDay('2027-03-03')));
  });

  it('recounts a case stored before promisedDays was kept, from the days it was counted', async () => {
    // The 7 days counted Monday to Friday, 元旦 among them, counted again: 1/7.
    expect(await view(legacy)).toMatchObject({
      dueAt: endOfChinaDay('2027-01-07'),
      calendarAssumed: false,
    });
  });

  it('keeps the date of a case whose span has no holiday, and takes its mark off', async () => {
    const read = await view(plain);
    expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-01-14'), calendarAssumed: false });
    expect(recountEntries(read.history)).toEqual([]);
  });

  it('recounts a paused case (still paused), and its resume then counts from the new date', async () => {
    const read = await view(paused);
    expect(read).toMatchObject({
      status: 'CORRECTION_REQUIRED',
      dueAt: endOfChinaDay('2027-01-04'),
      calendarAssumed: false,
    });
    expect(recountEntries(read.history)).toHaveLength(1);
    // Paused 12/24 and 12/25 (two working days): 2027-01-04 + 2 on the real calendar.
    await event(a, 'province-yn', paused, 'resumed', '2026-12-28T03:00:00Z');
    expect(await view(paused)).toMatchObject({
      status: 'IN_PROGRESS',
      dueAt: endOfChinaDay('2027-01-06'),
      calendarAssumed: false,
    });
  });

  it('recounts a resumed case from its anchor and its promised plus paused working days', async () => {
    // 7 + 1 from 12/23: 12/24–12/31 (6), 元旦 off, 1/4, 1/5.
    const read = await view(resumed);
    expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-01-05'), calendarAssumed: false });
    expect(recountEntries(read.history)[0]!.note).toContain('2027-01-04 → 2027-01-05');
    expect(await boardDue('case', resumed)).toBe(Date.parse(endOfChinaDay('2027-01-05')));
  });

  it('recounts a rectification: its rectify due time, its history and the board under {supervise}', async () => {
    const read = await rect(rectification);
    expect(read).toMatchObject({
      dueAt: endOfChinaDay('2027-01-14'),
      visitDueAt: endOfChinaDay('2026-12-24'),
      calendarAssumed: false,
    });
    expect(recountEntries(read.history)).toHaveLength(1);
    expect(await boardDue('rectification', rectification)).toBe(
      Date.parse(endOfChinaDay('2027-01-14')),
    );
  });

  it("shows what the run did on the console's page of the year", async () => {
    const operator = new ConsoleClient(b.url);
    expect((await operator.signIn('operator-readonly')).status).toBe(303);
    const page = await operator.get('/console/catalogue/calendars?year=2027');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="calendar-recount"\s+data-state="done"/);
    expect(page.text).toMatch(/7 moved,\s+1 kept and no longer assumed/);
  });

  it('logs the run, counts it in /metrics and appends it to the audit chain', async () => {
    const lines = [...a.logLines(), ...b.logLines()].filter((l) =>
      String(l.msg).startsWith('calendar recount done'),
    );
    expect(lines).toEqual([expect.objectContaining({ year: 2027, recounted: 7, unmarked: 1 })]);
    const metrics = [
      await (await fetch(`${a.url}/metrics`)).text(),
      await (await fetch(`${b.url}/metrics`)).text(),
    ].join('\n');
    expect(metrics).toMatch(
      /gw_calendar_recounted_total\{year="2027",outcome="recounted",reason="published"\} 7/,
    );
    const audit = await a
      .client('operator-dev')
      .request<{ items: Record<string, unknown>[] }>(
        'GET',
        '/v1/admin/audit?action=calendar.recount',
      );
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: 'gateway', target: 'calendar-2027', outcome: 'ok' }),
    ]);
  });
});

describe('a recount run again', () => {
  it('changes nothing: a done year is not run again, and a forced rerun finds nothing marked', async () => {
    expect(await a.services.calendarRecount.runPending()).toEqual([]);
    const ids = [holiday, legacy, paused, resumed, plain, joint.parentId, joint.cq, joint.chengdu];
    const before = await Promise.all(ids.map(view));
    const keys = redisKeys(prefix).catalogue;
    const state = JSON.parse((await redis.hget(keys.calendarRecounts, '2027'))!) as object;
    // As a run that died midway leaves it: still pending (the lease expired with its holder).
    await redis.hset(keys.calendarRecounts, '2027', JSON.stringify({ ...state, state: 'pending' }));
    const [rerun] = await b.services.calendarRecount.runPending();
    expect(rerun).toMatchObject({ recounted: 0, unmarked: 0 });
    expect(await Promise.all(ids.map(view))).toEqual(before);
    expect(recountEntries((await rect(rectification)).history)).toHaveLength(1);
  });

  it("completes a rectification's board that a run dying between its two steps left behind", async () => {
    // The record was recounted (2027-01-14), the board under {supervise} still holds 01-13.
    const board = redisKeys(prefix).supervision.deadlines;
    const member = `rectification:${rectification}`;
    await redis.zadd(board, Date.parse(endOfChinaDay('2027-01-13')), member);
    const keys = redisKeys(prefix).catalogue;
    const state = JSON.parse((await redis.hget(keys.calendarRecounts, '2027'))!) as object;
    await redis.hset(keys.calendarRecounts, '2027', JSON.stringify({ ...state, state: 'pending' }));
    await a.services.calendarRecount.runPending();
    expect(await boardDue('rectification', rectification)).toBe(
      Date.parse(endOfChinaDay('2027-01-14')),
    );
    expect(recountEntries((await rect(rectification)).history)).toHaveLength(1);
  });
});

describe('a recount racing a province event', () => {
  it("keeps the recount's count when a resume read the case before the recount wrote it", async () => {
    // 重庆 resumes its party on 12/28 (paused 12/24 and 12/25: two working days) with the party
    // as it read it before the recount (due 2027-02-24, Monday to Friday). The resume counts from
    // the anchor: 45 + 2 on the real calendar, 2027-03-03 + 2.
    expect(staleCq).toMatchObject({ dueAt: endOfChinaDay('2027-02-24'), calendarAssumed: true });
    const moved = await applyProvinceEvent(
      { store: a.services.store, calendar: a.services.calendar, registry: a.services.registry },
      staleCq as Parameters<typeof applyProvinceEvent>[1],
      { type: 'resumed', at: '2026-12-28T03:00:00Z' },
      { actor: 'province-cq', source: 'province-post' },
    );
    expect(moved.ok).toBe(true);
    expect(await view(joint.cq)).toMatchObject({
      status: 'IN_PROGRESS',
      dueAt: endOfChinaDay('2027-03-05'),
      calendarAssumed: false,
    });
  });

  it('never overwrites the due time a resume set after the recount read the case', async () => {
    // A recount reads a case due 2027-01-14; the province then pauses and resumes it. The
    // recount's write, made from the due time it read, is refused: the resume's due time stands.
    // (The mark is set by hand after the resume, as if its count still reached a year without a
    // calendar, so that only the due time tells the write it is stale.)
    clock.set('2027-01-05T02:00:00Z');
    const marked = (await submit(a, 'SF-009')).caseId;
    const stale = (await view(marked)).dueAt;
    clock.set('2027-01-05T04:00:00Z');
    await event(a, 'province-yn', marked, 'accepted', '2027-01-05T03:00:00Z');
    await event(a, 'province-yn', marked, 'correction-required', '2027-01-05T04:00:00Z');
    clock.set('2027-01-07T04:00:00Z');
    await event(a, 'province-yn', marked, 'resumed', '2027-01-07T04:00:00Z');
    await redis.hset(redisKeys(prefix).case(marked), 'calendarAssumed', 'true');
    const resumedDue = (await view(marked)).dueAt;
    expect(resumedDue).not.toBe(stale);
    expect(
      await a.services.store.recountDue(marked, {
        fromDueAt: stale,
        dueAt: endOfChinaDay('2027-02-01'),
        stillAssumed: false,
        entry: { at: clock.now().toISOString(), actor: 'supervisor', note: 'stale' },
      }),
    ).toBe(false);
    const after = await view(marked);
    expect(after).toMatchObject({ dueAt: resumedDue, calendarAssumed: true });
    expect(after.history.some((h) => h.note === 'stale')).toBe(false);
  });
});
