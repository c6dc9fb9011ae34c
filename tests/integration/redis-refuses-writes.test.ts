// A Redis that refuses every write until an operator acts, on a redis-server of this file's own:
// OOM (maxmemory reached under noeviction, as private Redis and production run) and MISCONF (it
// cannot persist: its last background save failed, with stop-writes-on-bgsave-error). The gateway
// answers a submission 503 GW_UNAVAILABLE with Retry-After (gateway/shared/redis.ts,
// isRedisUnavailable), not 500: the portal's retry with the same Idempotency-Key is safe, and the
// refusal is an operator's alert (README.md#redis-durability). Both refusals are made by the real
// server, not imitated.
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { ownRedis, uniquePrefix, waitFor } from '../support/redis.ts';

let redis: Awaited<ReturnType<typeof ownRedis>>;
let admin: Redis;
let gw: ApiGateway;

beforeAll(async () => {
  redis = await ownRedis('refuses-writes');
  admin = new Redis(redis.url);
  gw = await startApiGateway({}, { redisUrl: redis.url, relay: false });
});
afterAll(async () => {
  await gw?.close();
  admin?.disconnect();
  await redis?.stop();
});

/** A submission's answer while Redis refuses writes. */
async function submit() {
  return gw
    .client('portal-sc')
    .submitCase<{ code?: string }>(validExample('SW-005'), uniquePrefix('refused'));
}

/** A submission answered 503 GW_UNAVAILABLE with a Retry-After: refused for now, to repeat. */
async function expectRefusedForNow() {
  const res = await submit();
  expect({ status: res.status, code: res.body.code }).toEqual({
    status: 503,
    code: 'GW_UNAVAILABLE',
  });
  expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
}

describe('a Redis that refuses writes', () => {
  it('answers OOM once maxmemory is reached, and the gateway answers a submission 503 GW_UNAVAILABLE with Retry-After', async () => {
    await admin.config('SET', 'maxmemory', '1');
    try {
      await expect(admin.set(uniquePrefix('oom'), 'x')).rejects.toThrow(/^OOM /);
      await expectRefusedForNow();
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    expect((await submit()).status).toBe(202);
  });

  it('answers MISCONF once a background save failed, and the gateway answers a submission 503 GW_UNAVAILABLE with Retry-After', async () => {
    // Its save directory (this file's own, ownRedis) removed under it: its BGSAVE cannot create
    // its file, as on a full or unwritable disk, whoever runs the test (root ignores a directory's
    // mode, not its absence). Redis 7 protects `dir` from CONFIG SET, so the directory goes, not
    // the setting; nothing is saved there afterwards (save back to "" also lifts the refusal).
    const [, dir] = (await admin.config('GET', 'dir')) as [string, string];
    expect(dir).toContain('swgw-refuses-writes-redis-');
    await admin.config('SET', 'save', '3600 1');
    rmSync(dir, { recursive: true });
    try {
      await admin.bgsave();
      await waitFor(
        async () => /rdb_last_bgsave_status:err/.test(await admin.info('persistence')),
        {
          what: 'the background save to fail',
        },
      );
      await expect(admin.set(uniquePrefix('misconf'), 'x')).rejects.toThrow(/^MISCONF /);
      await expectRefusedForNow();
    } finally {
      await admin.config('SET', 'save', '');
    }
    expect((await submit()).status).toBe(202);
  });
});
