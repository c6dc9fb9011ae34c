// The record of a rotating client's secret uses (gateway/auth/secret-use.ts) on real Redis, on the
// gateway's own kind of connection: a process writes a client's secret at most once per THROTTLE_MS;
// of two gateways the newer time is kept whatever order their writes arrive in; a use older than
// HORIZON_MS is dropped at the next write and never read, and the key expires with it. And the
// step-4 judgement (gateway/admin/rotation-progress.ts) the console and the CLI word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotationProgress, QUIET_MINUTES } from '../../gateway/admin/rotation-progress.ts';
import { HORIZON_MS, secretUseLedger, THROTTLE_MS } from '../../gateway/auth/secret-use.ts';
import { rateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import { createRedis, waitForRedis } from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';

const redis = createRedis('http', {
  redisUrl: testRedisUrl(),
  redisCommandTimeoutMs: 2000,
  redisConnectTimeoutMs: 2000,
  redisReconnectMaxDelayMs: 200,
});
const keys = redisKeys(uniquePrefix('secret-use'));
beforeAll(() => waitForRedis(redis, 5000));
afterAll(() => redis.disconnect());

function ledger(gateway: string, clock: { ms: number }) {
  return secretUseLedger({
    redis,
    keys,
    log: rateLimitedLog(memoryLogger().logger),
    now: () => clock.ms,
    gateway,
  });
}

const T0 = Date.parse('2026-12-05T06:00:00Z');

describe('the secret-use record', () => {
  it(`writes a client's secret once per ${THROTTLE_MS} ms per process, the newer time of two gateways whatever their order`, async () => {
    const clock = { ms: T0 };
    const a = ledger('host-a/1', clock);
    const b = ledger('host-b/2', clock);
    a.accepted('portal-sc', 'previous');
    clock.ms = T0 + THROTTLE_MS - 1;
    a.accepted('portal-sc', 'previous'); // within the throttle: not written
    await waitFor(async () => (await a.read(['portal-sc'])).get('portal-sc')!.previous);
    expect((await a.read(['portal-sc'])).get('portal-sc')!.previous).toEqual({
      at: new Date(T0).toISOString(),
      gateway: 'host-a/1',
    });
    // Gateway b's later use, then a's own after its throttle: the latest, a's, is read.
    clock.ms = T0 + THROTTLE_MS + 10;
    b.accepted('portal-sc', 'previous');
    clock.ms = T0 + THROTTLE_MS + 20;
    a.accepted('portal-sc', 'previous');
    const latest = await waitFor(async () => {
      const use = (await b.read(['portal-sc'])).get('portal-sc')!.previous;
      return use?.gateway === 'host-a/1' && Date.parse(use.at) === clock.ms ? use : null;
    });
    expect(latest!.at).toBe(new Date(T0 + THROTTLE_MS + 20).toISOString());
    // An older time arriving late (a slow gateway) does not replace a member's newer one.
    await redis.zadd(keys.secretUse('portal-sc'), 'GT', T0, 'previous|host-a/1');
    expect((await b.read(['portal-sc'])).get('portal-sc')!.previous).toEqual(latest);
    expect((await b.read(['portal-gx'])).get('portal-gx')).toEqual({
      current: null,
      previous: null,
    });
  });

  it('forgets a use older than the horizon, and lets the key expire with it', async () => {
    const clock = { ms: T0 };
    const a = ledger('host-a/1', clock);
    a.accepted('portal-gz', 'previous');
    clock.ms = T0 + HORIZON_MS + 1;
    expect((await a.read(['portal-gz'])).get('portal-gz')!.previous).toBeNull();
    a.accepted('portal-gz', 'current');
    await waitFor(async () => (await redis.zcard(keys.secretUse('portal-gz'))) === 1, {
      what: 'the old member dropped',
    });
    expect(await redis.zrange(keys.secretUse('portal-gz'), '0', '-1')).toEqual([
      'current|host-a/1',
    ]);
    const ttl = await redis.pttl(keys.secretUse('portal-gz'));
    expect(ttl).toBeGreaterThan(HORIZON_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(HORIZON_MS);
  });
});

describe('whether step 4 may go ahead', () => {
  const now = new Date(T0);
  const use = (minutesAgo: number) => ({
    at: new Date(T0 - minutesAgo * 60_000).toISOString(),
    gateway: 'g/1',
  });
  it('waits while the old secret was used within the quiet time, or the new one not since; goes ahead after; says when this gateway dropped it', () => {
    const rotating = { previousSecret: true };
    expect(rotationProgress({ ...rotating, previous: use(5), current: use(1) }, now)).toEqual({
      state: 'old-in-use',
      minutes: 5,
    });
    expect(
      rotationProgress({ ...rotating, previous: use(QUIET_MINUTES), current: null }, now),
    ).toEqual({ state: 'new-unused' });
    expect(
      rotationProgress({ ...rotating, previous: use(QUIET_MINUTES), current: use(90) }, now),
    ).toEqual({ state: 'new-unused' });
    expect(
      rotationProgress({ ...rotating, previous: use(QUIET_MINUTES), current: use(2) }, now),
    ).toEqual({ state: 'ready', minutes: QUIET_MINUTES });
    expect(rotationProgress({ ...rotating, previous: null, current: use(2) }, now)).toEqual({
      state: 'ready',
      minutes: null,
    });
    expect(
      rotationProgress({ previousSecret: false, previous: use(3), current: use(1) }, now),
    ).toEqual({ state: 'dropped' });
    expect(rotationProgress({ previousSecret: false, previous: null, current: null }, now)).toEqual(
      { state: 'none' },
    );
  });
});
