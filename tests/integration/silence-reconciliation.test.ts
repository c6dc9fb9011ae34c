// The gateway's side of provinces that stop talking (gateway/README.md#silence-reconciliation), on
// real Redis: which cases are watched for silence, how a silent case is claimed for a status query
// (by one worker process only, once per period), how the answer is applied through the lifecycle,
// and how a query without news is recorded without growing the history per query.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedCalendarSource, loadCalendar } from '../../gateway/calendar/working-days.ts';
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import { createCaseStore, type CaseStore } from '../../gateway/cases/case-store.ts';
import { recordDelivered } from '../../gateway/cases/record-delivery.ts';
import {
  createStatusQueryRecorder,
  QUERY_NOTE_WINDOW_MS,
} from '../../gateway/cases/record-status-query.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { paidResult } from '../support/payment-results.ts';
import { testRedisUrl } from '../support/redis.ts';

let gw: ApiGateway;
const connections: Redis[] = [];
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await gw.close();
});

let seq = 0;
const silenceKey = (caseId: string) =>
  redisKeys(gw.config.keyPrefix).shardOf(caseId).provinceSilence('yn');
const watchedSince = async (caseId: string) => gw.services.redis.zscore(silenceKey(caseId), caseId);

/** A store on its own connection and clock: another worker process. */
function storeAt(clock: () => Date): CaseStore {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  connections.push(redis);
  return createCaseStore({ redis, config: gw.config, listeners: [], now: clock });
}

/** SW-005 to 师宗县 (yn), delivered: the province now owes us its news. */
async function deliveredCase(): Promise<RoutedCase> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `silence-${Date.now()}-${seq++}`);
  expect(res.status).toBe(202);
  const record = (await gw.services.store.get(res.body.caseId)) as RoutedCase;
  await recordDelivered(gw.services.store, record, {
    adapterId: 'yn',
    provinceCaseNo: `YN-${seq}`,
    duplicate: false,
  });
  return (await gw.services.store.get(record.id)) as RoutedCase;
}

function postEvent(caseId: string, event: Record<string, unknown>) {
  return gw.client('province-yn').request('POST', `/v1/cases/${caseId}/events`, { json: event });
}

describe('the silence watch', () => {
  it('watches a case from its delivery, re-stamps it on each province move, and forgets it once closed', async () => {
    const record = await deliveredCase();
    const delivered = Number(await watchedSince(record.id));
    expect(delivered).toBeGreaterThan(0);
    const at = new Date().toISOString();
    expect((await postEvent(record.id, { type: 'accepted', at })).status).toBe(200);
    expect(Number(await watchedSince(record.id))).toBeGreaterThanOrEqual(delivered);
    expect((await postEvent(record.id, { type: 'decided', at, result: paidResult() })).status).toBe(
      200,
    );
    expect(await watchedSince(record.id)).not.toBeNull();
    await postEvent(record.id, { type: 'result-delivered', at });
    expect(await watchedSince(record.id)).toBeNull();
  });

  it('lets one worker process claim a silent case, and nobody again until another period of silence', async () => {
    const record = await deliveredCase();
    const since = Number(await watchedSince(record.id));
    const silenceMs = 60_000;
    const later = new Date(since + silenceMs);
    const [a, b] = [storeAt(() => later), storeAt(() => later)];
    const cutoff = later.getTime() - silenceMs;
    const claims = await Promise.all([
      a.claimSilentCases('yn', cutoff, 1000),
      b.claimSilentCases('yn', cutoff, 1000),
    ]);
    expect(claims.flat().filter((id) => id === record.id)).toHaveLength(1);
    expect(await a.claimSilentCases('yn', cutoff, 1000)).not.toContain(record.id);
    const muchLater = new Date(later.getTime() + silenceMs);
    const c = storeAt(() => muchLater);
    expect(await c.claimSilentCases('yn', muchLater.getTime() - silenceMs, 1000)).toContain(
      record.id,
    );
  });
});

describe('a status query answer', () => {
  it('moves the case through the lifecycle as reported by the adapter, skipping what the province had posted, a result its item refuses, a time in the future and a time before the submission', async () => {
    const record = await deliveredCase();
    // The province's times, seconds after the submission: an event may not predate its case.
    const t = (seconds: number) =>
      new Date(Date.parse(record.createdAt) + seconds * 1000).toISOString();
    const accepted = { type: 'accepted', at: t(1), note: '已受理' };
    expect((await postEvent(record.id, accepted)).status).toBe(200);
    const recorder = createStatusQueryRecorder({
      store: gw.services.store,
      calendar: fixedCalendarSource(loadCalendar()),
      registry: gw.services.registry,
    });
    const paid = paidResult();
    const outcome = await recorder.record(record.id, 'yn', {
      found: true,
      provinceCaseNo: 'YN-1',
      events: [
        accepted,
        { type: 'in-progress', at: t(2), note: '办理中' },
        { type: 'bogus', at: 'yesterday' },
        // SW-005 types its result (a payment or a failed deduction): a bare approval is refused.
        { type: 'decided', at: t(3), result: { decision: 'approved' } },
        { type: 'decided', at: t(4), result: paid },
        { type: 'resumed', at: t(5) },
        // Dated an hour before the case was submitted: refused as a post of it would be.
        { type: 'result-delivered', at: t(-3600) },
        // Dated a year past the gateway's clock: refused as a post of it would be.
        {
          type: 'result-delivered',
          at: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        },
      ],
    });
    expect(outcome).toEqual({ applied: ['in-progress', 'decided'], ignored: 5 });
    const history = await gw.services.store.history(record.id);
    expect(history.slice(-3)).toEqual([
      { at: accepted.at, status: 'IN_PROGRESS', actor: 'province-yn', note: '已受理' },
      {
        at: t(2),
        status: 'IN_PROGRESS',
        actor: 'adapter:yn',
        note: 'status query: 办理中',
      },
      {
        at: t(4),
        status: 'DECIDED',
        actor: 'adapter:yn',
        note: 'status query',
      },
    ]);
    const decided = await gw.services.store.get(record.id);
    expect(decided && gw.services.store.openResult(decided)).toEqual(paid);
    // The province's post of an event already found by the query is a duplicate.
    const late = await postEvent(record.id, {
      type: 'in-progress',
      at: t(2),
      note: '办理中',
    });
    expect(late.body).toMatchObject({ duplicate: true, status: 'DECIDED' });
  });

  it('without news is recorded once per day, the queries in between counted in the next entry', async () => {
    const record = await deliveredCase();
    let clock = new Date();
    const store = storeAt(() => clock);
    const recorder = createStatusQueryRecorder({
      store,
      calendar: fixedCalendarSource(loadCalendar()),
      registry: gw.services.registry,
    });
    const noNews = { found: true as const, provinceCaseNo: 'YN-1', events: [] };
    const notes = async () =>
      (await store.history(record.id)).filter((h) => h.note?.startsWith('status query'));
    for (let hour = 0; hour < 3; hour++) {
      clock = new Date(clock.getTime() + 3600_000);
      await recorder.record(record.id, 'yn', noNews);
    }
    expect(await notes()).toEqual([
      expect.objectContaining({
        status: 'DELIVERED',
        actor: 'adapter:yn',
        note: 'status query: no change',
      }),
    ]);
    clock = new Date(clock.getTime() + QUERY_NOTE_WINDOW_MS);
    await recorder.record(record.id, 'yn', { found: false });
    expect((await notes()).map((n) => n.note)).toEqual([
      'status query: no change',
      'status query: the province holds no case under this id (2 more queries since the last entry)',
    ]);
    expect((await store.get(record.id))?.status).toBe('DELIVERED');
  });
});
