// gateway/README.md#retention: case records outlive jobs, for a configurable retention after the
// case closes (days, a fraction of one too); completed jobs are trimmed by GW_JOB_RETENTION_*.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, routeQueueName } from '../../../gateway/shared/redis-keys.ts';
import { retentionSeconds } from '../../../gateway/shared/retention.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { paidResult } from '../../support/payment-results.ts';
import { testRedisUrl, waitFor } from '../../support/redis.ts';

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
    for (const k of [key, keys.history(id), keys.events(id), keys.envelope(id)]) {
      const ttl = await gw.services.redis.ttl(k);
      expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    }
    expect((await portal.getCase<{ status: string }>(id)).body.status).toBe('CLOSED');
  });
});

describe('retention settings', () => {
  it('turns a fraction of a day into whole seconds, never 0 unless asked to keep for ever', () => {
    expect(retentionSeconds(0)).toBe(0);
    expect(retentionSeconds(2)).toBe(172_800);
    expect(retentionSeconds(0.001)).toBe(87);
    expect(retentionSeconds(1e-9)).toBe(1);
  });

  it('expires a closed case after GW_CASE_RETENTION_DAYS=0.00002 (2 s), record, history, digests and sealed envelope', async () => {
    const short = await startApiGateway({ GW_CASE_RETENTION_DAYS: '0.00002' });
    try {
      const res = await short
        .client('portal-sc')
        .submitCase<{ caseId: string }>(validExample('SW-005'), `ret-short-${Date.now()}`);
      const id = res.body.caseId;
      const keys = redisKeys(short.config.keyPrefix);
      const province = short.client('province-yn');
      for (const [type, extra] of [
        ['accepted', {}],
        ['decided', { result: paidResult() }],
        ['result-delivered', {}],
      ] as const) {
        const posted = await province.request('POST', `/v1/cases/${id}/events`, {
          json: { type, at: new Date().toISOString(), ...extra },
        });
        expect(posted.status).toBe(200);
      }
      const all = [keys.case(id), keys.history(id), keys.events(id), keys.envelope(id)];
      expect(await short.services.redis.ttl(keys.case(id))).toBeGreaterThan(0);
      await waitFor(async () => (await short.services.redis.exists(...all.slice(0, 1))) === 0, {
        timeoutMs: 10_000,
        what: 'the closed case to expire',
      });
      for (const key of all) expect(await short.services.redis.exists(key)).toBe(0);
    } finally {
      await short.close();
    }
  });

  it('keeps at most GW_JOB_RETENTION_COUNT completed delivery jobs per queue', async () => {
    const trimmed = await startApiGateway({ GW_JOB_RETENTION_COUNT: '2' });
    const name = routeQueueName('yn');
    const prefix = redisKeys(trimmed.config.keyPrefix).queuePrefix(name);
    const worker = new Worker(name, async () => 'delivered', {
      connection: new Redis(testRedisUrl(), { maxRetriesPerRequest: null }),
      prefix,
    });
    const queue = new Queue(name, { connection: trimmed.services.redis, prefix });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await trimmed
          .client('portal-sc')
          .submitCase(validExample('SW-005'), `ret-jobs-${Date.now()}-${i}`);
        expect(res.status).toBe(202);
      }
      await waitFor(async () => (await queue.getJobCounts('wait', 'active')).wait === 0, {
        timeoutMs: 10_000,
        what: 'the five jobs to run',
      });
      await waitFor(async () => (await queue.getJobCounts('active')).active === 0, {
        what: 'the last job to finish',
      });
      expect((await queue.getJobCounts('completed')).completed).toBe(2);
    } finally {
      await worker.close();
      await worker.disconnect();
      await queue.close();
      await trimmed.close();
    }
  });
});
