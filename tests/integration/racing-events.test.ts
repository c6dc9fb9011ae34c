// Different province events on one case at once, and a province event racing the worker's own
// record of the delivery (gateway/README.md#event-transitions): each event's fields (a pause's
// start, a resume's new due date) are worked out from the case as read, so a move applies only
// while the case is still as read, and one read before another event moved it is worked out anew.
// Whatever wins, every case ends in a status its history reaches by rows of the lifecycle table,
// paused exactly when it holds a pause's start, its due time on the 督办 board as on the case (none
// once supervision ended), with no move left untold and no 5xx answered.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProvinceEvent } from '../../gateway/cases/apply-event.ts';
import type { CaseEvent } from '../../gateway/cases/case-event.ts';
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import { createStatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import type { CaseStatus } from '../../gateway/cases/case-status.ts';
import { LIFECYCLE, PAUSED, type EventType } from '../../gateway/cases/lifecycle.ts';
import { recordDelivered } from '../../gateway/cases/record-delivery.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { SUPERVISION_ENDS } from '../../gateway/supervision/case-supervision.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { event, submit } from '../support/case-flow.ts';
import { plainRedis } from '../support/redis.ts';
import { DAY_MS, testClock } from '../support/test-clock.ts';
import { rng } from './fuzz/prng.ts';

// A Monday, 10:00 in Beijing: the pauses below span whole working days.
const clock = testClock('2026-12-07T02:00:00.000Z');
let gw: ApiGateway;
let admin: Redis;
beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' }, { now: clock.now });
  admin = plainRedis();
});
afterAll(async () => {
  await gw?.close();
  admin?.disconnect();
});

const at = () => clock.now().toISOString();

function post(caseId: string, ev: Record<string, unknown>) {
  return gw
    .client('province-yn')
    .request<{ status: string; duplicate?: boolean }>('POST', `/v1/cases/${caseId}/events`, {
      json: ev,
    });
}

async function routedCase(caseId: string): Promise<RoutedCase> {
  const record = await gw.services.store.get(caseId);
  if (!record || record.kind === 'joint-parent') throw new Error(`${caseId} is not a routed case`);
  return record;
}

/** Each pair of statuses one row of the lifecycle table records in turn (a joint parent's aside). */
const LEGAL_STEPS: ReadonlySet<string> = new Set(
  Object.entries(LIFECYCLE).flatMap(([name, row]) => {
    if (name === 'parent-followed') return [];
    const to = row.to as CaseStatus;
    const path = [...('via' in row ? [row.via] : []), to, ...('then' in row ? [row.then] : [])];
    return row.from.flatMap((from) =>
      [from, ...path].slice(0, -1).map((s, i) => `${s}→${[from, ...path][i + 1]}`),
    );
  }),
);

/** What is wrong with a case after the race: its history, its pause, its status. */
async function caseProblems(caseId: string): Promise<string[]> {
  const record = await routedCase(caseId);
  const history = await gw.services.store.history(caseId);
  const problems: string[] = [];
  const statuses = history.map((h) => h.status);
  for (let i = 1; i < statuses.length; i++) {
    const step = `${statuses[i - 1]}→${statuses[i]}`;
    if (!LEGAL_STEPS.has(step)) problems.push(`history step ${step} is no row's`);
  }
  if (statuses.at(-1) !== record.status)
    problems.push(`status ${record.status}, history ends ${statuses.at(-1)}`);
  // A closed case's clock is over: one refused (不予受理) while paused keeps its pause start.
  if (record.status !== 'CLOSED' && PAUSED.has(record.status) !== Boolean(record.pausedAt))
    problems.push(`${record.status} with pausedAt ${JSON.stringify(record.pausedAt)}`);
  // The 督办 board keeps an open or paused case's due time, and none once its supervision ended.
  const boardDue = await gw.services.board.dueTime({ kind: 'case', id: caseId });
  const expectedDue = SUPERVISION_ENDS.has(record.status) ? undefined : Date.parse(record.dueAt);
  if (boardDue !== expectedDue)
    problems.push(`${record.status}, due ${record.dueAt}, on the board ${String(boardDue)}`);
  return problems.map((p) => `${caseId}: ${p}`);
}

describe('an event worked out from a case another event has moved since', () => {
  it('pauses a case resumed meanwhile with a pause start of its own, so the next resume pushes the due date back by the days paused', async () => {
    clock.set('2026-12-07T02:00:00.000Z');
    const { caseId } = await submit(gw);
    await event(gw, 'province-yn', caseId, 'accepted', at());
    await event(gw, 'province-yn', caseId, 'correction-required', at());
    // Read as the second correction's post reads it, before the resume below moves the case.
    const stale = await routedCase(caseId);
    clock.advance(DAY_MS);
    await event(gw, 'province-yn', caseId, 'resumed', at());
    const resumed = await routedCase(caseId);
    const again: CaseEvent = { type: 'correction-required', at: at(), note: '再次补正' };
    const outcome = await applyProvinceEvent(gw.services, stale, again, {
      actor: 'province-yn',
      source: 'province-post',
    });
    expect(outcome).toEqual({ ok: true, previous: 'IN_PROGRESS', status: 'CORRECTION_REQUIRED' });
    expect((await routedCase(caseId)).pausedAt).toBe(again.at);
    // Tuesday to Thursday: two more working days paused.
    clock.advance(2 * DAY_MS);
    await event(gw, 'province-yn', caseId, 'resumed', at());
    const done = await routedCase(caseId);
    expect(done.pausedDays).toBe(resumed.pausedDays! + 2);
    expect(done.dueAt > resumed.dueAt).toBe(true);
  });
});

/** Where a case is brought before the race, and the events that bring it there. */
const STARTS: readonly (readonly [CaseStatus, readonly EventType[]])[] = [
  ['ROUTED', []],
  ['IN_PROGRESS', ['accepted']],
  ['CORRECTION_REQUIRED', ['accepted', 'correction-required']],
  ['SUSPENDED', ['accepted', 'suspended']],
  ['DECIDED', ['accepted', 'decided']],
];

function eventOf(type: EventType, n: number): Record<string, unknown> {
  return {
    type,
    at: at(),
    note: `race ${n}`,
    ...(type === 'decided' ? { result: { decision: n % 2 ? 'approved' : 'rejected' } } : {}),
    ...(type === 'accepted' ? { provinceCaseNo: `YN-RACE-${n}` } : {}),
  };
}

const SEED = 20261205;
const CASES = 40;

describe('different province events on one case at once, and the worker’s delivery record among them', () => {
  it(`leaves each of ${CASES} raced cases in a status its history reaches by lifecycle rows, open ones paused exactly when it holds a pause start, every answer 200 or 409, no move untold`, async () => {
    clock.set('2026-12-07T02:00:00.000Z');
    const answers: number[] = [];
    const raced = await Promise.all(
      Array.from({ length: CASES }, async (_, i) => {
        const draw = rng(SEED, i);
        const [, path] = draw.pick(STARTS);
        const { caseId } = await submit(gw);
        for (const type of path)
          await event(
            gw,
            'province-yn',
            caseId,
            type,
            at(),
            type === 'decided' ? { result: { decision: 'approved' } } : {},
          );
        const first = draw.pick(EVENT_TYPES_RACED);
        const second = draw.pick(EVENT_TYPES_RACED.filter((t) => t !== first));
        const read = await routedCase(caseId);
        const racers: Promise<number>[] = [
          post(caseId, eventOf(first, 2 * i)).then((a) => a.status),
          post(caseId, eventOf(second, 2 * i + 1)).then((a) => a.status),
        ];
        // The worker's own record of its delivery, of the case as its job read it.
        if (read.status === 'ROUTED')
          racers.push(
            recordDelivered(gw.services.store, read, {
              adapterId: 'yn',
              provinceCaseNo: `YN-WORKER-${i}`,
              duplicate: false,
            }).then(() => 200),
          );
        answers.push(...(await Promise.all(racers)));
        return { caseId, withWorker: read.status === 'ROUTED' };
      }),
    );
    expect(answers.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const problems = (await Promise.all(raced.map((r) => caseProblems(r.caseId)))).flat();
    expect(problems).toEqual([]);
    // The worker's delivery record, applied or overtaken by the province's event, leaves a number.
    for (const { caseId } of raced.filter((r) => r.withWorker))
      expect((await routedCase(caseId)).provinceCaseNo).toMatch(/^YN-(WORKER|RACE)-/);
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const untold = await Promise.all(
      Array.from({ length: keys.shards }, (_, s) => admin.zcard(keys.shard(s).moveOutbox)),
    );
    expect(untold.reduce((a, b) => a + b, 0)).toBe(0);
  });
});

const EVENT_TYPES_RACED: readonly EventType[] = [
  'accepted',
  'in-progress',
  'correction-required',
  'suspended',
  'resumed',
  'not-accepted',
  'decided',
  'result-delivered',
];

describe('a status query bringing the events a province is posting at once', () => {
  it('applies each of the decision, its delivery and the closing once, whichever way they arrive first, and keeps one decision’s result', async () => {
    clock.set('2026-12-07T02:00:00.000Z');
    const recorder = createStatusQueryRecorder(gw.services);
    const answers: number[] = [];
    const cases = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const { caseId } = await submit(gw);
        await event(gw, 'province-yn', caseId, 'accepted', at());
        const posted = { type: 'decided', at: at(), result: { decision: 'approved' } };
        // Every other query reads a different decision of the same case: one of the two wins.
        const queried = i % 2 ? posted : { ...posted, result: { decision: 'rejected' } };
        const delivered = { type: 'result-delivered', at: at() };
        const [, query] = await Promise.all([
          (async () => {
            for (const ev of [posted, delivered]) answers.push((await post(caseId, ev)).status);
          })(),
          recorder.record(caseId, 'yn', {
            found: true,
            provinceCaseNo: `YN-QUERY-${i}`,
            events: [queried, delivered],
          }),
        ]);
        return { caseId, query };
      }),
    );
    expect(answers.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    for (const { caseId } of cases) {
      const statuses = (await gw.services.store.history(caseId)).map((h) => h.status);
      expect(statuses.slice(statuses.indexOf('DECIDED'))).toEqual([
        'DECIDED',
        'RESULT_DELIVERED',
        'CLOSED',
      ]);
      const record = await routedCase(caseId);
      expect(record.status).toBe('CLOSED');
      expect(gw.services.store.openResult(record)).toHaveProperty('decision');
    }
    expect((await Promise.all(cases.map((c) => caseProblems(c.caseId)))).flat()).toEqual([]);
  });
});
