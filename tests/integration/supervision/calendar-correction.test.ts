// A corrected working-day calendar (gateway/README.md#calendar-recount): two gateways on one Redis
// follow the published catalogue; 2027 is published (test data), cases and a rectification are
// counted on it, then 2027 is published again with a holiday added (元旦 extended to Monday 01-04)
// and again with one removed (Friday 02-12 a working day). Each publication marks the year
// pending as a correction, keeping the version it replaced; one run — whichever gateway claims it
// — counts again every still-supervised due date that can have counted a changed day: a case due
// after the added holiday moves, one due before it is left, a joint family and a rectification
// (its visit date counted back on the replaced version) move, and the removed holiday pulls them
// back in. Then an operator's rerun through the real CLI process: refused without
// catalogue:approve, and otherwise it fixes a due date set wrong by hand and changes nothing else.
// An injected clock; no sleeps.
//
// The calendars below are TEST DATA, not the State Council's notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../gateway/audit/audit-log.ts';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import type { RecountRun } from '../../../gateway/supervision/calendar-recount.ts';
import type { ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { close, readCase, submit, submitJoint, type JointFamily } from '../../support/case-flow.ts';
import { runCli, type CliRun } from '../../support/cli-run.ts';
import { evaluate, readRectification } from '../../support/evaluation-flow.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';
import {
  publishCalendar,
  recountEntries,
  startTwoGateways,
  TEST_2027,
} from '../../support/test-calendars.ts';
import { testClock } from '../../support/test-clock.ts';

/** 2027 as first published (test data). */
const V1 = TEST_2027;
/** 元旦 extended to Monday 01-04. */
const V2 = { ...V1, source: 'test data: corrected', holidays: ['2027-01-04', ...V1.holidays] };
/** Friday 02-12 a working day again. */
const V3 = { ...V2, holidays: V2.holidays.filter((d) => d !== '2027-02-12') };

const clock = testClock('2026-12-20T02:00:00Z');
const prefix = uniquePrefix('correction');
const redis = plainRedis();
const keys = redisKeys(prefix);
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

interface View {
  dueAt: string;
  visitDueAt?: string;
  calendarAssumed: boolean;
  history: { status: string; actor: string; note?: string }[];
}
const view = (id: string) => readCase<View>(a, id);
const rect = async (id: string) => (await readRectification<View>(a, id)).body;
const boardDue = (kind: 'case' | 'rectification', id: string) =>
  a.services.board.dueTime({ kind, id });
const recountState = async () =>
  JSON.parse((await redis.hget(keys.catalogue.calendarRecounts, '2027'))!) as Record<
    string,
    unknown
  >;

/** Publishes a 2027 version as two operators would; both gateways serve it at once. */
const publish = (calendar: typeof V1) => publishCalendar(a, b, calendar);

/** Both gateways look for pending years once the publication settled: the runs made. */
async function runBoth() {
  clock.advance(2 * a.config.cataloguePollMs);
  return (
    await Promise.all([
      a.services.calendarRecount.runPending(),
      b.services.calendarRecount.runPending(),
    ])
  ).flat();
}

let before: string; // SF-009 from Monday 12/21: due 12/30, before any changed day
let after: string; // SF-009 from Monday 12/28: 7 working days, due 01-07 on V1
let joint: JointFamily; // RS-006 from 12/23: 45 working days, due 03-03 on V1
let rectification: string; // a 差评 on Thursday 12/31: visit in 1 working day, rectify in 15

describe('a corrected 2027 calendar', () => {
  it('marks the year pending as a correction, keeping the version it replaces; one of two gateways runs it', async () => {
    await publish(V1);
    expect(await runBoth()).toEqual([
      expect.objectContaining({ year: 2027, reason: 'published', recounted: 0 }),
    ]);
    clock.set('2026-12-21T02:00:00Z');
    before = (await submit(a, 'SF-009')).caseId;
    clock.set('2026-12-23T02:00:00Z');
    joint = await submitJoint(a);
    clock.set('2026-12-28T02:00:00Z');
    after = (await submit(a, 'SF-009')).caseId;
    clock.set('2026-12-31T02:00:00Z');
    const closed = (await submit(a, 'SF-009')).caseId;
    // Closed an hour later, by the gateway's clock too: an event is never dated ahead of it.
    clock.set('2026-12-31T03:00:00Z');
    await close(a, 'province-yn', closed, '2026-12-31T03:00:00Z');
    const rated = await evaluate(a, closed, { level: 1, rated: 'handling' });
    expect(rated.status).toBe(201);
    rectification = rated.body.rectification!.id;
    // Counted on V1, nothing assumed.
    expect(await view(before)).toMatchObject({ dueAt: endOfChinaDay('2026-12-30') });
    expect(await view(after)).toMatchObject({
      dueAt: endOfChinaDay('2027-01-07'),
      calendarAssumed: false,
    });
    expect(await view(joint.cq)).toMatchObject({ dueAt: endOfChinaDay('2027-03-03') });
    expect(await rect(rectification)).toMatchObject({
      visitDueAt: endOfChinaDay('2027-01-04'),
      dueAt: endOfChinaDay('2027-01-22'),
      calendarAssumed: false,
    });

    await publish(V2);
    const pending = await recountState();
    expect(pending).toMatchObject({ state: 'pending', reason: 'corrected' });
    expect(JSON.parse(pending.previous as string)).toEqual(V1);
    const runs = await runBoth();
    expect(runs).toHaveLength(1);
    // after, the two joint parties (each counting its parent first), the rectification.
    expect(runs[0]).toMatchObject({
      year: 2027,
      reason: 'corrected',
      from: '2027-01-04',
      recounted: 4,
      unmarked: 0,
    });
    expect(await recountState()).toMatchObject({
      state: 'done',
      reason: 'corrected',
      recounted: 4,
    });
  });

  it('moves a case due after the added holiday, and leaves one due before it', async () => {
    const moved = await view(after);
    expect(moved).toMatchObject({ dueAt: endOfChinaDay('2027-01-08'), calendarAssumed: false });
    const entries = recountEntries(moved.history);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.note).toContain(
      '按更正后的 2027 年工作日历重新计算: 2027-01-07 → 2027-01-08',
    );
    expect(entries[0]!.note).toContain('corrected 2027 working-day calendar');
    expect(await boardDue('case', after)).toBe(Date.parse(endOfChinaDay('2027-01-08')));
    const kept = await view(before);
    expect(kept.dueAt).toBe(endOfChinaDay('2026-12-30'));
    expect(recountEntries(kept.history)).toEqual([]);
  });

  it("moves a rectification's visit and rectify due dates, counted back on the replaced version", async () => {
    const read = await rect(rectification);
    expect(read).toMatchObject({
      visitDueAt: endOfChinaDay('2027-01-05'),
      dueAt: endOfChinaDay('2027-01-25'),
      calendarAssumed: false,
    });
    const entries = recountEntries(read.history);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.note).toContain('2027-01-22 → 2027-01-25; 回访 2027-01-04 → 2027-01-05');
    expect(await boardDue('rectification', rectification)).toBe(
      Date.parse(endOfChinaDay('2027-01-25')),
    );
  });

  it('moves a joint case: its parties and its parent, each once', async () => {
    for (const id of [joint.parentId, joint.cq, joint.chengdu]) {
      const read = await view(id);
      expect(read).toMatchObject({ dueAt: endOfChinaDay('2027-03-04'), calendarAssumed: false });
      expect(recountEntries(read.history)).toHaveLength(1);
    }
    expect(await boardDue('case', joint.chengdu)).toBe(Date.parse(endOfChinaDay('2027-03-04')));
  });

  it('logs the run, counts it in /metrics and audits it, as a correction', async () => {
    const lines = [...a.logLines(), ...b.logLines()].filter(
      (l) => String(l.msg).startsWith('calendar recount done') && l.reason === 'corrected',
    );
    expect(lines).toEqual([expect.objectContaining({ year: 2027, recounted: 4 })]);
    const metrics = [
      await (await fetch(`${a.url}/metrics`)).text(),
      await (await fetch(`${b.url}/metrics`)).text(),
    ].join('\n');
    expect(metrics).toMatch(
      /gw_calendar_recounted_total\{year="2027",outcome="recounted",reason="corrected"\} 4/,
    );
    const audit = (await a.services.audit.page({ limit: 200 })).items.filter(
      (e) => e.action === 'calendar.recount',
    );
    expect(audit.map((e) => e.reason)).toEqual([
      expect.stringMatching(/^first published/),
      expect.stringMatching(
        /^corrected, revision \d+: 4 due times moved.* on or after 2027-01-04$/,
      ),
    ]);
  });
});

describe('a second correction removing a holiday', () => {
  it('pulls the due dates counted over it back in, and leaves those due before the change', async () => {
    clock.set('2027-01-06T02:00:00Z');
    await publish(V3);
    const runs = await runBoth();
    expect(runs).toEqual([
      // The two joint parties (and their parent); the rectification read, and left.
      expect.objectContaining({ reason: 'corrected', from: '2027-02-12', looked: 3, recounted: 2 }),
    ]);
    for (const id of [joint.parentId, joint.cq, joint.chengdu]) {
      const read = await view(id);
      expect(read.dueAt).toBe(endOfChinaDay('2027-03-03'));
      expect(recountEntries(read.history).at(-1)!.note).toContain('2027-03-04 → 2027-03-03');
    }
    expect((await view(after)).dueAt).toBe(endOfChinaDay('2027-01-08'));
    // Read (its visit date might have counted the change), and left.
    expect(await rect(rectification)).toMatchObject({
      visitDueAt: endOfChinaDay('2027-01-05'),
      dueAt: endOfChinaDay('2027-01-25'),
    });
  });
});

describe("an operator's rerun through the CLI", () => {
  const cli = (operator: string, args: string[]): Promise<CliRun> =>
    runCli(['calendar', 'recount', '2027', ...args], {
      GW_CLI_GATEWAY: a.url,
      GW_CLI_OPERATOR: operator,
    });
  const auditOf = async (action: string): Promise<AuditEntry[]> =>
    (await a.services.audit.page({ limit: 200 })).items.filter((e) => e.action === action);

  it('is refused without catalogue:approve, in one line, audited', async () => {
    const outcome = await cli('operator-readonly', []);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/GW_FORBIDDEN.*catalogue:approve/);
    expect(await auditOf('calendar.recount.request')).toEqual([
      expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
    ]);
    expect(await recountState()).toMatchObject({ state: 'done', reason: 'corrected' });
  });

  it('fixes a due date set wrong by hand and changes nothing on the records already right', async () => {
    const others = [before, joint.parentId, joint.cq, joint.chengdu];
    const right = await Promise.all(others.map(view));
    const rightRect = await rect(rectification);
    await redis.hset(keys.case(after), 'dueAt', endOfChinaDay('2027-01-20'));
    const cliRun = cli('operator-dev', ['--wait', '--timeout', '30']);
    // The gateway's next look, as its reconciler makes it: once the CLI has asked.
    const runs = await waitFor(
      async (): Promise<RecountRun[] | undefined> => {
        const state = await redis.hget(keys.catalogue.calendarRecounts, '2027');
        if (!state?.includes('"rerun"')) return undefined;
        const runs = await a.services.calendarRecount.runPending();
        return runs.length > 0 ? runs : undefined;
      },
      { timeoutMs: 20_000, what: 'the rerun asked by the CLI' },
    );
    expect(runs).toEqual([
      expect.objectContaining({ reason: 'rerun', from: '2027-01-01', recounted: 1, unmarked: 0 }),
    ]);
    const outcome = await cliRun;
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/2027: recount requested/);
    expect(outcome.stdout).toMatch(/2027: done \(rerun\) — 1 due dates moved/);
    const fixed = await view(after);
    expect(fixed.dueAt).toBe(endOfChinaDay('2027-01-08'));
    expect(recountEntries(fixed.history).at(-1)!.note).toContain(
      '按 2027 年工作日历重新计算(运维人员要求重算): 2027-01-20 → 2027-01-08',
    );
    expect(await Promise.all(others.map(view))).toEqual(right);
    expect(await rect(rectification)).toEqual(rightRect);
    expect(await auditOf('calendar.recount.request')).toEqual([
      expect.objectContaining({ target: 'calendar-2027', outcome: 'refused' }),
      expect.objectContaining({
        actor: 'operator-dev',
        target: 'calendar-2027',
        outcome: 'ok',
      }),
    ]);
    expect((await auditOf('calendar.recount')).at(-1)!.reason).toMatch(
      /^rerun asked by an operator, revision \d+: 1 due times moved/,
    );
  });
});

describe("the console's calendar-year page", () => {
  it('shows why the last run ran, and offers a rerun only to an operator holding catalogue:approve', async () => {
    const readonly = await ConsoleClient.signedIn(b.url, 'operator-readonly');
    const seen = await readonly.get('/console/catalogue/calendars?year=2027');
    expect(seen.text).toMatch(/id="calendar-recount"\s+data-state="done"\s+data-reason="rerun"/);
    expect(seen.text).not.toContain('id="calendar-recount-rerun"');
    const refused = await readonly.post('/console/catalogue/calendars/2027/recount', {
      _csrf: await readonly.csrf(),
    });
    expect(refused.status).toBe(403);

    const dev = await ConsoleClient.signedIn(b.url, 'operator-dev');
    const page = await dev.get('/console/catalogue/calendars?year=2027');
    expect(page.text).toContain('id="calendar-recount-rerun"');
    const asked = await dev.post('/console/catalogue/calendars/2027/recount', {
      _csrf: ConsoleClient.csrfOf(page.text),
    });
    expect(asked.status).toBe(303);
    expect(asked.location).toBe('/console/catalogue/calendars?year=2027');
    const pending = await dev.get('/console/catalogue/calendars?year=2027');
    expect(pending.text).toMatch(/id="calendar-recount" data-state="pending"/);
    expect(pending.text).toContain('运维人员要求重算');
    expect(pending.text).not.toContain('id="calendar-recount-rerun"');
    expect(await recountState()).toMatchObject({
      state: 'pending',
      reason: 'rerun',
      requestedBy: 'operator-dev',
    });
    const [run] = await a.services.calendarRecount.runPending();
    expect(run).toMatchObject({ reason: 'rerun', recounted: 0, unmarked: 0 });
  });
});

describe('a year corrected before its first publication was recounted', () => {
  it('stays a first publication, keeping the first version its records may have been counted on', async () => {
    const y2028 = {
      year: 2028,
      source: 'test data',
      holidays: ['2028-01-03'],
      extraWorkingDays: [],
    };
    await publish(y2028);
    await publish({ ...y2028, holidays: ['2028-01-03', '2028-01-04'] });
    const state = JSON.parse((await redis.hget(keys.catalogue.calendarRecounts, '2028'))!) as {
      state: string;
      reason: string;
      previous: string;
    };
    expect(state).toMatchObject({ state: 'pending', reason: 'published' });
    expect(JSON.parse(state.previous)).toEqual(y2028);
    expect(await runBoth()).toEqual([
      expect.objectContaining({ year: 2028, reason: 'published', from: '2028-01-01' }),
    ]);
  });
});
