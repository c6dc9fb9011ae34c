// Finding a case by the province's case number (受理编号) in the console (gateway/console/README.md
// #pages): a citizen calling the data bureau reads the number from the province's notice, not our
// case id. The number is indexed by every move of a case that knows it (the worker's delivery, a
// province's event, or kept after the province moved the case first), the index expires with the
// closed case, and a number the province replaced finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDelivered } from '../../../gateway/cases/record-delivery.ts';
import type { RoutedCase } from '../../../gateway/cases/case-record.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { paidResult } from '../../support/payment-results.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
let seq = 0;

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

async function submitted(): Promise<RoutedCase> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `pcn-${Date.now()}-${++seq}`);
  expect(res.status).toBe(202);
  const record = await gw.services.store.get(res.body.caseId);
  if (record?.kind !== 'single') throw new Error('not a single case');
  return record;
}

function event(caseId: string, json: Record<string, unknown>) {
  return gw.client('province-yn').request('POST', `/v1/cases/${caseId}/events`, {
    json: { at: new Date().toISOString(), ...json },
  });
}

/** Where the console's lookup of `asked` leads: the case page it redirects to, or its status. */
async function lookUp(
  asked: string,
): Promise<{ status: number; location?: string | null; text: string }> {
  const res = await dev.get(`/console/cases?caseId=${encodeURIComponent(asked)}`);
  return { status: res.status, location: res.location, text: res.text };
}

describe('looking a case up by the province case number', () => {
  it("finds a case by the number the worker's delivery recorded", async () => {
    const record = await submitted();
    await recordDelivered(gw.services.store, record, {
      adapterId: 'yn',
      provinceCaseNo: `YN-DELIVERED-${seq}`,
      duplicate: false,
    });
    expect(await lookUp(`YN-DELIVERED-${seq}`)).toMatchObject({
      status: 303,
      location: `/console/cases/${record.id}`,
    });
  });

  it('finds a case by the number a province event reported', async () => {
    const record = await submitted();
    expect(
      (await event(record.id, { type: 'accepted', provinceCaseNo: `YN-EVENT-${seq}` })).status,
    ).toBe(200);
    expect(await lookUp(`YN-EVENT-${seq}`)).toMatchObject({
      status: 303,
      location: `/console/cases/${record.id}`,
    });
  });

  it("finds a case by the number kept after the province's own event moved it past ROUTED first", async () => {
    const record = await submitted();
    expect((await event(record.id, { type: 'accepted' })).status).toBe(200);
    const moved = await recordDelivered(gw.services.store, record, {
      adapterId: 'yn',
      provinceCaseNo: `YN-KEPT-${seq}`,
      duplicate: false,
    });
    expect(moved.ok).toBe(false);
    expect((await gw.services.store.get(record.id))?.provinceCaseNo).toBe(`YN-KEPT-${seq}`);
    expect(await lookUp(`YN-KEPT-${seq}`)).toMatchObject({
      status: 303,
      location: `/console/cases/${record.id}`,
    });
  });

  it('a number the province replaced finds nothing; the new one finds the case', async () => {
    const record = await submitted();
    await event(record.id, { type: 'accepted', provinceCaseNo: `YN-OLD-${seq}` });
    await event(record.id, { type: 'in-progress', provinceCaseNo: `YN-NEW-${seq}` });
    expect((await lookUp(`YN-OLD-${seq}`)).status).toBe(404);
    expect(await lookUp(`YN-NEW-${seq}`)).toMatchObject({
      location: `/console/cases/${record.id}`,
    });
  });

  it("the number's index expires with the closed case, at the case's own retention", async () => {
    const record = await submitted();
    const number = `YN-CLOSED-${seq}`;
    await event(record.id, { type: 'accepted', provinceCaseNo: number });
    await event(record.id, { type: 'decided', result: paidResult() });
    await event(record.id, { type: 'result-delivered' });
    expect((await gw.services.store.get(record.id))?.status).toBe('CLOSED');
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const indexTtl = await gw.services.redis.ttl(keys.shardOf(record.id).provinceCase(number));
    const caseTtl = await gw.services.redis.ttl(keys.case(record.id));
    expect(caseTtl).toBeGreaterThan(0);
    expect(Math.abs(indexTtl - caseTtl)).toBeLessThanOrEqual(1);
    expect(await lookUp(number)).toMatchObject({ location: `/console/cases/${record.id}` });
  });

  it('lists the cases when two platforms issued the same number', async () => {
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    // Two cases in different shards (each shard keeps its own key of the number).
    const first = await submitted();
    let second = await submitted();
    while (keys.shardOf(second.id).shard === keys.shardOf(first.id).shard)
      second = await submitted();
    for (const record of [first, second])
      await event(record.id, { type: 'accepted', provinceCaseNo: `SAME-${seq}` });
    const found = await lookUp(`SAME-${seq}`);
    expect(found.status).toBe(200);
    expect(found.text).toContain('id="province-case-matches"');
    for (const record of [first, second])
      expect(found.text).toContain(`href="/console/cases/${record.id}"`);
  });

  it('answers a number no case holds, and text that is no number, with a 404 page, never a 500', async () => {
    expect((await lookUp('YN-NOBODY-0')).status).toBe(404);
    expect((await lookUp('有 空格 的 文本')).status).toBe(404);
    expect((await lookUp('x'.repeat(200))).status).toBe(404);
  });

  it('still goes straight to a case by its id, in lower case too', async () => {
    const record = await submitted();
    expect(await lookUp(record.id.toLowerCase())).toMatchObject({
      status: 303,
      location: `/console/cases/${record.id}`,
    });
  });
});
