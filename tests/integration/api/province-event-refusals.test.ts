// What a province reads in a refused event (README.md#integrating-a-province-platform): a 409
// GW_ILLEGAL_TRANSITION names the statuses the event may start from and where the case is, and
// for a case the gateway gave up delivering says that it is reported once replayed and delivered
// again — so the province knows whether to drop the event or hold it. Real gateway on the test
// Redis; no yn worker, so a case stays ROUTED until the store's own moves take it on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProvinceEvent } from '../../../gateway/cases/apply-event.ts';
import type { RoutedCase } from '../../../gateway/cases/case-record.ts';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let gw: ApiGateway;
let seq = 0;

beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  await gw.close();
});

interface Problem {
  code: string;
  detail: string;
}

async function submitted(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `refusal-${seq++}-${Date.now()}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

const post = (caseId: string, type: string) =>
  gw.client('province-yn').request<Problem>('POST', `/v1/cases/${caseId}/events`, {
    json: { type, at: new Date().toISOString() },
  });

describe('a refused province event', () => {
  it('names the statuses the event may start from and the status the case is in', async () => {
    const res = await post(await submitted(), 'result-delivered');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'GW_ILLEGAL_TRANSITION',
      detail: 'The result-delivered event is allowed while the case is DECIDED; it is ROUTED',
    });
  });

  it('says that a case the gateway gave up delivering is reported once replayed and delivered again', async () => {
    const caseId = await submitted();
    const record = (await gw.services.store.get(caseId)) as RoutedCase;
    const failed = await recordDeliveryFailed(gw.services.store, record, {
      adapterId: 'yn',
      reason: 'gave up after 6 attempts: province answered HTTP 504',
    });
    expect(failed.ok).toBe(true);
    const res = await post(caseId, 'accepted');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('GW_ILLEGAL_TRANSITION');
    expect(res.body.detail).toBe(
      'The accepted event is allowed while the case is ROUTED, DELIVERED; it is DELIVERY_FAILED: ' +
        'the gateway gave up delivering it. Once an operator replays it and it is delivered again, report it',
    );
  });
});

describe("an event's time", () => {
  const send = (caseId: string, type: string, at: string) =>
    gw
      .client('province-yn')
      .request<Problem & { errors?: { path: string }[] }>('POST', `/v1/cases/${caseId}/events`, {
        json: { type, at },
      });

  it('refuses a leap second (23:59:60), which no Date can hold, with 422 GW_VALIDATION_FAILED at /at', async () => {
    const caseId = await submitted();
    const res = await send(caseId, 'accepted', '2026-06-30T23:59:60Z');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors?.map((e) => e.path)).toEqual(['/at']);
    expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
  });

  it.each(['1999-12-31T23:59:59+08:00', '2101-01-01T00:00:00Z', '9999-12-30T00:00:00Z'])(
    'refuses an event dated %s, outside the years 2000–2100, with 422 GW_VALIDATION_FAILED at /at',
    async (at) => {
      const caseId = await submitted();
      const res = await send(caseId, 'accepted', at);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('GW_VALIDATION_FAILED');
      expect(res.body.errors?.map((e) => e.path)).toEqual(['/at']);
      expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
    },
  );

  it("refuses an event dated more than 5 minutes past the gateway's clock with 422 GW_VALIDATION_FAILED at /at, saying by how much and not that the body misses its schema, and leaves the case unmoved", async () => {
    const caseId = await submitted();
    const at = new Date(Date.now() + 10 * 60_000).toISOString();
    const res = await send(caseId, 'accepted', at);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.detail).not.toMatch(/does not match its schema/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/at',
        message: expect.stringContaining(
          `must not lie in the future: ${at} is more than 5 minutes`,
        ),
        messageZh: expect.stringContaining('不得晚于当前时间'),
      }),
    ]);
    expect((await gw.services.store.get(caseId))?.status).toBe('ROUTED');
  });

  it('refuses an event dated more than 5 minutes before the case was submitted with 422 GW_VALIDATION_FAILED at /at, saying so in its detail and message, and leaves the case and its history unmoved', async () => {
    const caseId = await submitted();
    const before = (await gw.services.store.get(caseId)) as RoutedCase;
    const at = new Date(Date.parse(before.createdAt) - 6 * 60_000).toISOString();
    const res = await send(caseId, 'accepted', at);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.detail).toBe(
      "The event's time (at) matches its schema but lies outside what the gateway accepts for this case: see errors",
    );
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/at',
        message: `must not lie before the case was submitted: ${at} is more than 5 minutes before its submission (${before.createdAt}, the gateway's clock)`,
        messageZh: expect.stringContaining('不得早于办件提交时间'),
      }),
    ]);
    expect(await gw.services.store.get(caseId)).toMatchObject({ status: 'ROUTED' });
    expect((await gw.services.store.history(caseId)).map((h) => h.at)).not.toContain(at);
  });

  it("takes an event dated a minute before the case's submission (a province clock slightly behind the gateway's, accepting the case as it arrives)", async () => {
    const caseId = await submitted();
    const { createdAt } = (await gw.services.store.get(caseId)) as RoutedCase;
    const at = new Date(Date.parse(createdAt) - 60_000).toISOString();
    const res = await send(caseId, 'accepted', at);
    expect(res.status).toBe(200);
    expect((await gw.services.store.get(caseId))?.status).toBe('IN_PROGRESS');
  });

  it("takes an event dated a minute past the gateway's clock (a province clock slightly ahead)", async () => {
    const caseId = await submitted();
    const at = new Date(Date.now() + 60_000).toISOString();
    const res = await send(caseId, 'accepted', at);
    expect(res.status).toBe(200);
    expect((await gw.services.store.get(caseId))?.status).toBe('IN_PROGRESS');
  });

  it('keeps the due date of a case whose resumption is dated years ahead: the resumption is refused and the case stays suspended', async () => {
    const caseId = await submitted();
    const now = () => new Date().toISOString();
    expect((await send(caseId, 'accepted', now())).status).toBe(200);
    expect((await send(caseId, 'suspended', now())).status).toBe(200);
    const suspended = (await gw.services.store.get(caseId)) as RoutedCase;
    const res = await send(caseId, 'resumed', '2099-01-01T00:00:00Z');
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['/at']);
    const after = (await gw.services.store.get(caseId)) as RoutedCase;
    expect(after).toMatchObject({ status: 'SUSPENDED', dueAt: suspended.dueAt });
    expect((await send(caseId, 'resumed', now())).status).toBe(200);
    expect(((await gw.services.store.get(caseId)) as RoutedCase).dueAt).toBe(suspended.dueAt);
  });

  it('counts a pause the province dated before the case was submitted from the submission only', async () => {
    const caseId = await submitted();
    const now = () => new Date().toISOString();
    expect((await send(caseId, 'accepted', now())).status).toBe(200);
    const before = (await gw.services.store.get(caseId)) as RoutedCase;
    // The API refuses such a time (above); a pause stored before it did is applied here as it
    // was then, and counts from the submission.
    const { store, calendar, registry } = gw.services;
    const paused = await applyProvinceEvent(
      { store, calendar, registry },
      before,
      { type: 'suspended', at: '1000-01-01T00:00:00Z' },
      { actor: 'province-yn', source: 'province-post' },
    );
    expect(paused.ok).toBe(true);
    const resumed = await send(caseId, 'resumed', now());
    expect(resumed.status).toBe(200);
    const after = (await gw.services.store.get(caseId)) as RoutedCase;
    // Submitted and resumed today: no working day of the case's own was paused.
    expect(after).toMatchObject({ status: 'IN_PROGRESS', dueAt: before.dueAt, pausedDays: 0 });
  });
});
