// The 督办 engine on the working-day calendar (gateway/README.md#supervision-engine), with an
// injected clock: warning → overdue (催办 notice to the handling province, callback to the portal)
// → escalation, each exactly once at its working-day time, also with two supervisors racing on
// separate connections; paused cases skipped and their deadlines moved; decided cases settled;
// notices readable by their own province only.
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import type { CallbackJobData } from '../../../gateway/callbacks/callback-queue.ts';
import { createCaseSystem } from '../../../gateway/case-system.ts';
import { createRedis, type RedisClient } from '../../../gateway/shared/redis.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { superviseOnce, type SupervisorDeps } from '../../../gateway/supervision/supervision.ts';
import type { StaticData } from '../../../gateway/services.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, event, readCase, submit } from '../../support/case-flow.ts';
import { supervisorOf, type NoticePage } from '../../support/supervision.ts';
import { testClock, type TestClock } from '../../support/test-clock.ts';

const HOOK = 'http://127.0.0.1:9/hooks/swgw';
const end = (date: string) => Date.parse(endOfChinaDay(date));

interface CaseView {
  dueAt: string;
  flags: { warning: boolean; overdue: boolean; escalated: boolean };
  history: { actor: string; note?: string }[];
}

let gw: ApiGateway;
let compiled: StaticData | undefined;
let queue: Queue<CallbackJobData>;
const clock: TestClock = testClock('2026-09-07T02:00:00Z');
const extra: { redis: RedisClient; close: () => Promise<void> }[] = [];

// A gateway per test (its own key prefix, so gauges start at zero), compiling the catalogue once.
beforeEach(async () => {
  // Monday 2026-09-07, 10:00 in China.
  clock.set('2026-09-07T02:00:00Z');
  gw = await startApiGateway({}, { now: clock.now, data: compiled });
  compiled ??= gw.data;
  queue = new Queue(CALLBACK_QUEUE, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(CALLBACK_QUEUE),
  });
});
afterEach(async () => {
  for (const e of extra.splice(0)) {
    await e.close();
    e.redis.disconnect();
  }
  await queue.close();
  await gw.close();
});

async function supervisionCallbacks(caseId: string) {
  const jobs = await queue.getJobs(['waiting', 'delayed']);
  return jobs
    .map((j) => j.data)
    .filter((d) => 'body' in d && d.body.type === 'supervision' && d.caseId === caseId)
    .map((d) => ('body' in d ? d.body.flag : undefined));
}

async function notices(client: string, query = ''): Promise<NoticePage> {
  const res = await gw.client(client).request<NoticePage>('GET', `/v1/supervision/notices${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** A second worker process's supervisor: its own connection, case system and board. */
function secondSupervisor(): SupervisorDeps {
  const redis = createRedis('worker', {
    redisUrl: gw.config.redisUrl!,
    redisCommandTimeoutMs: 1000,
    redisConnectTimeoutMs: 1000,
    redisReconnectMaxDelayMs: 200,
  });
  const system = createCaseSystem({
    redis,
    config: gw.config,
    supervision: gw.services,
    log: gw.services.logger,
    now: clock.now,
  });
  extra.push({ redis, close: system.close });
  return { ...supervisorOf(gw), board: system.board, kinds: system.supervised };
}

describe('the 督办 engine', () => {
  it('raises warning, overdue with its 催办 and escalation once each, at their working-day times', async () => {
    const { caseId, dueAt } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
    // 7 working days from Monday 9/7 end Wednesday 9/16.
    expect(dueAt).toBe(endOfChinaDay('2026-09-16'));
    const sup = supervisorOf(gw);
    expect(await superviseOnce(sup, clock.ms())).toBe(0);

    // Warning with one working day left: the end of 9/15.
    expect(await superviseOnce(sup, end('2026-09-15') - 1000)).toBe(0);
    expect(await superviseOnce(sup, end('2026-09-15') + 1)).toBe(1);
    expect((await readCase<CaseView>(gw, caseId)).flags).toEqual({
      warning: true,
      overdue: false,
      escalated: false,
    });

    expect(await superviseOnce(sup, end('2026-09-16') - 1000)).toBe(0);
    expect(await superviseOnce(sup, end('2026-09-16') + 1)).toBe(1);
    const urge = (await notices('province-yn')).items.filter((n) => n.type === 'urge');
    expect(urge).toEqual([expect.objectContaining({ caseId, province: '53', flag: 'overdue' })]);

    // 5 working days after 9/16: 9/17, 9/18, the 补班 Sunday 9/20, 9/21, 9/22.
    expect(await superviseOnce(sup, end('2026-09-22') - 1000)).toBe(0);
    expect(await superviseOnce(sup, end('2026-09-22') + 1)).toBe(1);
    expect(await superviseOnce(sup, end('2026-10-30'))).toBe(0);

    const view = await readCase<CaseView>(gw, caseId);
    expect(view.flags).toEqual({ warning: true, overdue: true, escalated: true });
    const notes = view.history.filter((h) => h.actor === 'supervisor').map((h) => h.note);
    expect(notes).toEqual([
      expect.stringMatching(/^督办预警/),
      expect.stringMatching(/^督办催办/),
      expect.stringMatching(/^督办通报/),
    ]);
    expect((await notices('province-yn')).items.map((n) => n.type)).toEqual([
      'warning',
      'urge',
      'escalation',
    ]);
    expect((await supervisionCallbacks(caseId)).sort()).toEqual([
      'escalated',
      'overdue',
      'warning',
    ]);
  });

  it('raises each flag once when two supervisors race on separate connections', async () => {
    const { caseId } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
    const a = supervisorOf(gw);
    const b = secondSupervisor();
    for (const at of [
      clock.ms(),
      end('2026-09-15') + 1,
      end('2026-09-16') + 1,
      end('2026-09-22') + 1,
    ]) {
      const raised = await Promise.all([
        superviseOnce(a, at),
        superviseOnce(b, at),
        superviseOnce(b, at),
      ]);
      expect(raised.reduce((x, y) => x + y, 0)).toBe(at === clock.ms() ? 0 : 1);
    }
    const view = await readCase<CaseView>(gw, caseId);
    expect(view.history.filter((h) => h.actor === 'supervisor')).toHaveLength(3);
    const mine = (await notices('operator-dev')).items.filter((n) => n.caseId === caseId);
    expect(mine.map((n) => n.type)).toEqual(['warning', 'urge', 'escalation']);
    expect((await supervisionCallbacks(caseId)).sort()).toEqual([
      'escalated',
      'overdue',
      'warning',
    ]);
    const stats = await gw
      .client('operator-dev')
      .request<{ cases: { totals: object } }>('GET', '/v1/stats/supervision');
    expect(stats.body.cases.totals).toEqual({
      open: 1,
      warning: 1,
      warningOnly: 0,
      overdue: 1,
      escalated: 1,
    });
  });

  it('raises nothing while the clock is paused and moves every deadline by the paused working days', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const sup = supervisorOf(gw);
    await superviseOnce(sup, clock.ms());
    // 补正 from Thursday 9/10 to Tuesday 9/15: 9/10, 9/11 and 9/14 do not count.
    clock.set('2026-09-10T02:00:00Z');
    await event(gw, 'province-yn', caseId, 'correction-required', '2026-09-10T10:00:00+08:00');
    expect(await superviseOnce(sup, end('2026-09-16') + 1)).toBe(0);
    clock.set('2026-09-15T02:00:00Z');
    await event(gw, 'province-yn', caseId, 'resumed', '2026-09-15T10:00:00+08:00');
    const view = await readCase<CaseView & { status: string }>(gw, caseId);
    // 9/16 + 3 working days: 9/17, 9/18, the 补班 Sunday 9/20.
    expect(view.dueAt).toBe(endOfChinaDay('2026-09-20'));
    expect(await superviseOnce(sup, end('2026-09-16') + 1)).toBe(0);
    expect(await superviseOnce(sup, end('2026-09-18') + 1)).toBe(1);
    expect(await superviseOnce(sup, end('2026-09-20') + 1)).toBe(1);
    expect((await readCase<CaseView>(gw, caseId)).flags).toEqual({
      warning: true,
      overdue: true,
      escalated: false,
    });
  });

  it('settles a decided case: its gauges drop and no flag follows', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const sup = supervisorOf(gw);
    await superviseOnce(sup, end('2026-09-15') + 1);
    const stats = () =>
      gw
        .client('operator-dev')
        .request<{ cases: { totals: Record<string, number> } }>('GET', '/v1/stats/supervision')
        .then((r) => r.body.cases.totals);
    expect(await stats()).toEqual({
      open: 1,
      warning: 1,
      warningOnly: 1,
      overdue: 0,
      escalated: 0,
    });
    clock.set('2026-09-16T02:00:00Z');
    await close(gw, 'province-yn', caseId, '2026-09-16T10:00:00+08:00');
    expect(await stats()).toEqual({
      open: 0,
      warning: 0,
      warningOnly: 0,
      overdue: 0,
      escalated: 0,
    });
    expect(await superviseOnce(sup, end('2026-10-30'))).toBe(0);
    expect((await readCase<CaseView>(gw, caseId)).flags.overdue).toBe(false);
  });

  it('shows a province only its own notices, pages them with a cursor that an empty page hands back, and refuses portals', async () => {
    const yn = await submit(gw, 'SF-009');
    const cq = await submit(gw, 'RS-012');
    await superviseOnce(supervisorOf(gw), end('2026-10-30'));
    const ofYn = await notices('province-yn');
    expect(new Set(ofYn.items.map((n) => n.caseId))).toEqual(new Set([yn.caseId]));
    expect(new Set((await notices('province-cq')).items.map((n) => n.caseId))).toEqual(
      new Set([cq.caseId]),
    );
    // A feed that never had a notice has no place to keep yet: null, ask again without a cursor.
    expect(await notices('province-sc')).toEqual({ items: [], nextCursor: null });
    const all = await notices('operator-dev');
    expect(all.items).toHaveLength(6);

    const first = await notices('operator-dev', '?limit=4');
    expect(first.items).toHaveLength(4);
    const rest = await notices('operator-dev', `?limit=4&cursor=${first.nextCursor}`);
    expect([...first.items, ...rest.items].map((n) => n.noticeId)).toEqual(
      all.items.map((n) => n.noticeId),
    );
    const none = await notices('operator-dev', `?cursor=${rest.nextCursor}`);
    expect(none.items).toEqual([]);
    // Nothing new: the same place comes back, so a client that keeps every nextCursor keeps it.
    expect(none.nextCursor).toBe(rest.nextCursor);

    const portal = await gw.client('portal-sc').request('GET', '/v1/supervision/notices');
    expect(portal.status).toBe(403);
  });
});
