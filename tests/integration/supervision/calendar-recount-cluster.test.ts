// The calendar recount on a Redis Cluster (gateway/README.md#calendar-recount,
// gateway/README.md#redis-cluster): cases spread over the masters' slots, a rectification, a 2027
// calendar approved by two operators, and one run — the publish's pending mark and the lease
// under `{catalogue}`, each case's recount with its shard board in its `{s<n>}` slot, the
// rectification's in `{rating:<province>}` then its board in `{supervise}` — without CROSSSLOT.
// A private 3-master cluster. The 2027 calendar is test data, not the official notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../../gateway/calendar/working-days.ts';
import { approveCalendarDraft } from '../../support/catalogue.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { evaluate, readRectification } from '../../support/evaluation-flow.ts';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.ts';
import { uniquePrefix } from '../../support/redis.ts';
import { TEST_2027 } from '../../support/test-calendars.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-12-23T02:00:00Z');
let cluster: RedisClusterHandle;
let gw: ApiGateway;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  gw = await startApiGateway(
    { GW_KEY_PREFIX: uniquePrefix('recount-cluster'), REDIS_URL: cluster.url },
    { redisUrl: cluster.url, relay: false, now: clock.now, liveCatalogue: true },
  );
}, 60_000);
afterAll(async () => {
  await gw?.close().catch(() => undefined);
  await cluster?.stop();
});

describe('the calendar recount on a Redis Cluster', () => {
  it('counts cases on every master and a rectification again, one run, no CROSSSLOT', async () => {
    const cases: string[] = [];
    for (let i = 0; i < 8; i++) cases.push((await submit(gw, 'SF-009')).caseId);
    const closed = (await submit(gw, 'SF-009')).caseId;
    // Closed three hours later, by the gateway's clock too: an event is never dated ahead of it.
    clock.set('2026-12-23T05:00:00Z');
    await close(gw, 'province-yn', closed, '2026-12-23T05:00:00Z');
    const rated = await evaluate(gw, closed, { level: 1, rated: 'handling' });
    expect(rated.status).toBe(201);
    const rectification = rated.body.rectification!.id;

    await approveCalendarDraft(gw.client('operator-dev'), gw.client('operator-dev-2'), TEST_2027);

    clock.advance(2 * gw.config.cataloguePollMs);
    const runs = await gw.services.calendarRecount.runPending();
    // SF-009 from 12/23: Mon–Fri 2027-01-01, 元旦 off: 01-04; the rectification 01-13 → 01-14.
    expect(runs).toEqual([expect.objectContaining({ year: 2027, recounted: 9, unmarked: 0 })]);
    for (const caseId of cases)
      expect(await readCase(gw, caseId)).toMatchObject({
        dueAt: endOfChinaDay('2027-01-04'),
        calendarAssumed: false,
      });
    expect((await readRectification(gw, rectification)).body).toMatchObject({
      dueAt: endOfChinaDay('2027-01-14'),
      calendarAssumed: false,
    });
    expect(await gw.services.board.dueTime({ kind: 'rectification', id: rectification })).toBe(
      Date.parse(endOfChinaDay('2027-01-14')),
    );
  });
});
