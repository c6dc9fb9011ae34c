// A case's 督办 board record lives in its case hash (gateway/README.md#lean-records): the
// submission writes it there (`sv.` fields, no subject key of its own), the supervisor raises
// flags there, settling cuts it to `sv.settled` without an expiry (the case's own retention at
// CLOSED removes it), and it never shows in the case record or view. A case stored with a subject
// hash of its own (the previous layout, written here by hand) keeps being tracked, raised,
// listed and settled through that hash; one an older gateway also tracked during a rolling
// upgrade is counted out of both. A case retention removed gets no stub hash back.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import {
  CASE_BOARD_FIELDS,
  redisKeys,
  type RedisKeys,
} from '../../../gateway/shared/redis-keys.ts';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, event, readCase, submit } from '../../support/case-flow.ts';
import { keysUnder } from '../../support/personal-scan.ts';
import { plainRedis } from '../../support/redis.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const end = (date: string) => Date.parse(endOfChinaDay(date));
const clock = testClock('2026-09-07T02:00:00Z');
const RETENTION_DAYS = 2;
const sv = (field: string) => `${CASE_BOARD_FIELDS}${field}`;

let gw: ApiGateway;
let redis: Redis;
let keys: RedisKeys;

beforeAll(() => {
  redis = plainRedis();
});
afterAll(() => {
  redis.disconnect();
});

beforeEach(async () => {
  // Monday 2026-09-07, 10:00 in China: SF-009's 7 working days end Wednesday 9/16, warning 9/15.
  clock.set('2026-09-07T02:00:00Z');
  gw = await startApiGateway(
    { GW_CASE_RETENTION_DAYS: String(RETENTION_DAYS) },
    { now: clock.now, data: gw?.data },
  );
  keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
});
afterEach(async () => {
  await gw.close();
});

/** The case hash's own 督办 fields. */
async function boardFields(caseId: string): Promise<Record<string, string>> {
  const hash = await redis.hgetall(keys.case(caseId));
  return Object.fromEntries(Object.entries(hash).filter(([f]) => f.startsWith(CASE_BOARD_FIELDS)));
}

async function caseTotals(): Promise<Record<string, number>> {
  const res = await gw
    .client('operator-dev')
    .request<{ cases: { totals: Record<string, number> } }>('GET', '/v1/stats/supervision');
  return res.body.cases.totals;
}

async function subjectKeysOfCases(): Promise<string[]> {
  const all = await keysUnder(redis, gw.config.keyPrefix);
  return all.filter((k) => k.includes(':supervise:subject:case:'));
}

/**
 * Turns a just-submitted SF-009 case (open, nothing raised) into the layout the previous code
 * stored: the board record in a subject hash of its own, none of it in the case hash.
 */
async function storeInPreviousLayout(caseId: string): Promise<string> {
  const subject = keys.shardOf(caseId).supervision.subject('case', caseId);
  await redis.hdel(keys.case(caseId), sv('open'), sv('gauge'));
  await redis.hset(subject, { open: '1', gauge: 'case|53|SF-009|' });
  return subject;
}

describe("a case's 督办 board record", () => {
  it('is written into the case hash by the submission, never into a subject key, and stays out of the record and view', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    expect(await boardFields(caseId)).toEqual({
      [sv('open')]: '1',
      [sv('gauge')]: 'case|53|SF-009|',
    });
    const joint = await submit(gw, 'GA-011');
    // Each party of a joint case is supervised; the parent is not.
    expect(await boardFields(joint.caseId)).toEqual({});
    for (const party of [`${joint.caseId}-1`, `${joint.caseId}-2`]) {
      expect(await boardFields(party)).toHaveProperty(sv('open'), '1');
    }
    expect(await subjectKeysOfCases()).toEqual([]);
    // Short values: the hash stays compact.
    expect(await redis.call('OBJECT', 'ENCODING', keys.case(caseId))).toBe('listpack');

    const record = await gw.services.store.get(caseId);
    expect(Object.keys(record ?? {}).filter((k) => k.startsWith(CASE_BOARD_FIELDS))).toEqual([]);
    const view = await readCase(gw, caseId);
    expect(JSON.stringify(view)).not.toContain(CASE_BOARD_FIELDS);
    // The single case and the joint case's two parties.
    expect(await caseTotals()).toEqual({
      open: 3,
      warning: 0,
      warningOnly: 0,
      overdue: 0,
      escalated: 0,
    });
  });

  it('raises flags in the case hash and settles there without an expiry: the case gets one when it closes', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const sup = supervisorOf(gw);
    expect(await superviseOnce(sup, end('2026-09-15') + 1)).toBe(1);
    expect(await boardFields(caseId)).toMatchObject({ [sv('warning')]: '1' });
    expect(await gw.services.board.raised('case', caseId)).toEqual({
      warning: true,
      overdue: false,
      escalated: false,
    });
    expect(await caseTotals()).toEqual({
      open: 1,
      warning: 1,
      warningOnly: 1,
      overdue: 0,
      escalated: 0,
    });

    const at = clock.now().toISOString();
    await event(gw, 'province-yn', caseId, 'accepted', at);
    await event(gw, 'province-yn', caseId, 'decided', at, { result: { decision: 'approved' } });
    // Decided: settled, only `settled` left, and the case hash still has no TTL.
    expect(await boardFields(caseId)).toEqual({ [sv('settled')]: '1' });
    expect(await redis.ttl(keys.case(caseId))).toBe(-1);
    expect(await caseTotals()).toEqual({
      open: 0,
      warning: 0,
      warningOnly: 0,
      overdue: 0,
      escalated: 0,
    });
    expect(await superviseOnce(sup, end('2026-10-30'))).toBe(0);

    await event(gw, 'province-yn', caseId, 'result-delivered', at);
    const ttl = await redis.ttl(keys.case(caseId));
    expect(ttl).toBeGreaterThan(RETENTION_DAYS * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(RETENTION_DAYS * 86_400);
    expect(await boardFields(caseId)).toEqual({ [sv('settled')]: '1' });
    expect(await subjectKeysOfCases()).toEqual([]);
  });

  it('keeps tracking, raising, listing and settling a case stored with its own subject hash', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const subject = await storeInPreviousLayout(caseId);
    const board = gw.services.board;
    const shard = keys.shardOf(caseId).supervision;
    const sup = supervisorOf(gw);

    expect(await superviseOnce(sup, end('2026-09-15') + 1)).toBe(1);
    expect(await redis.hgetall(subject)).toEqual({
      open: '1',
      gauge: 'case|53|SF-009|',
      warning: '1',
    });
    expect(await boardFields(caseId)).toEqual({});
    expect(await board.raised('case', caseId)).toEqual({
      warning: true,
      overdue: false,
      escalated: false,
    });
    // The pass tracked it again after raising: its next look is the overdue time.
    expect(Number(await redis.zscore(shard.due, `case:${caseId}`))).toBe(end('2026-09-16'));
    const listed = await board.subjectsPage({ kind: 'case', state: 'warning' }, { limit: 10 });
    expect(listed.subjects.map((s) => [s.id, s.province, s.itemCode])).toEqual([
      [caseId, '53', 'SF-009'],
    ]);
    expect(await caseTotals()).toEqual({
      open: 1,
      warning: 1,
      warningOnly: 1,
      overdue: 0,
      escalated: 0,
    });
    // A resumed case's new due time tracks it again, in its own hash.
    expect(
      await board.track(
        { kind: 'case', id: caseId, province: '53', itemCode: 'SF-009' },
        end('2026-09-17'),
        endOfChinaDay('2026-09-18'),
      ),
    ).toBe(true);
    expect(Number(await redis.zscore(shard.deadlines, `case:${caseId}`))).toBe(end('2026-09-18'));
    expect(await boardFields(caseId)).toEqual({});

    await close(gw, 'province-yn', caseId, clock.now().toISOString());
    expect(await caseTotals()).toEqual({
      open: 0,
      warning: 0,
      warningOnly: 0,
      overdue: 0,
      escalated: 0,
    });
    expect(await redis.hget(subject, 'settled')).toBe('1');
    // Its own hash keeps its expiry after retention, as the previous code gave it.
    expect(await redis.ttl(subject)).toBeGreaterThan(0);
    expect(await boardFields(caseId)).toEqual({});
    expect(await redis.zscore(shard.due, `case:${caseId}`)).toBeNull();
    expect(await redis.zscore(shard.deadlines, `case:${caseId}`)).toBeNull();
  });

  it('counts out both records of a case an older gateway also tracked during a rolling upgrade', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const shard = keys.shardOf(caseId).supervision;
    const subject = shard.subject('case', caseId);
    // An older gateway's track and warning: a subject hash of its own, counted again.
    await redis.hset(subject, { open: '1', gauge: 'case|53|SF-009|', warning: '1' });
    await redis.hincrby(shard.gauges, 'case|53|SF-009|open', 1);
    await redis.hincrby(shard.gauges, 'case|53|SF-009|warning', 1);
    expect(await caseTotals()).toEqual({
      open: 2,
      warning: 1,
      warningOnly: 1,
      overdue: 0,
      escalated: 0,
    });

    await close(gw, 'province-yn', caseId, clock.now().toISOString());
    expect(await caseTotals()).toEqual({
      open: 0,
      warning: 0,
      warningOnly: 0,
      overdue: 0,
      escalated: 0,
    });
    expect(await redis.hget(subject, 'settled')).toBe('1');
    expect(await boardFields(caseId)).toEqual({});
  });

  it('writes nothing for a case retention removed: no stub hash, its schedule dropped', async () => {
    const { caseId } = await submit(gw, 'SF-009');
    const board = gw.services.board;
    const shard = keys.shardOf(caseId).supervision;
    // What retention leaves of a closed case: nothing (its board fields went with its hash).
    await redis.del(keys.case(caseId));
    const subject = { kind: 'case' as const, id: caseId, province: '53', itemCode: 'SF-009' };

    expect(await board.track(subject, end('2026-09-15'), endOfChinaDay('2026-09-16'))).toBe(false);
    expect(await board.settle('case', caseId)).toBe(false);
    expect(await redis.exists(keys.case(caseId))).toBe(0);
    expect(await subjectKeysOfCases()).toEqual([]);
    expect(await redis.zscore(shard.due, `case:${caseId}`)).toBeNull();
    expect(await redis.zscore(shard.deadlines, `case:${caseId}`)).toBeNull();
    expect(await board.raised('case', caseId)).toEqual({
      warning: false,
      overdue: false,
      escalated: false,
    });
  });
});
