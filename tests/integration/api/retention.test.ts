// gateway/README.md#retention: case records outlive jobs, for a configurable retention after the
// case closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { paidResult } from '../../support/payment-results.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({ GW_CASE_RETENTION_DAYS: '2' });
});
afterAll(async () => gw.close());

describe('retention of closed cases', () => {
  it('keeps an open case without expiry and a closed one for the retention period', async () => {
    const portal = gw.client('portal-sc');
    const province = gw.client('province-yn');
    const res = await portal.submitCase<{ caseId: string }>(
      validExample('SW-005'),
      `ret-${Date.now()}`,
    );
    const id = res.body.caseId;
    const keys = redisKeys(gw.config.keyPrefix);
    const key = keys.case(id);
    const post = (type: string, extra: object = {}) =>
      province.request('POST', `/v1/cases/${id}/events`, {
        json: { type, at: new Date().toISOString(), ...extra },
      });

    expect((await post('accepted')).status).toBe(200);
    expect((await post('decided', { result: paidResult() })).status).toBe(200);
    expect(await gw.services.redis.ttl(key)).toBe(-1);

    const closed = await post('result-delivered');
    expect(closed.body).toMatchObject({ status: 'CLOSED', phase: { key: 'feedback', zh: '反馈' } });
    for (const k of [key, keys.history(id), keys.events(id)]) {
      const ttl = await gw.services.redis.ttl(k);
      expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    }
    expect((await portal.getCase<{ status: string }>(id)).body.status).toBe('CLOSED');
  });
});
