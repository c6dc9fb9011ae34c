// The dead-letter index on a Redis Cluster (gateway/README.md#dead-letters,
// gateway/README.md#redis-cluster): a shard's index keys share its hash tag, so the transition
// step that writes the list and the index, the repair's per-letter script and its ZDIFF of the
// list against the index each touch one slot, with the shards spread over three masters. Held
// against the slow full scan (tests/support/dead-letter-scan.ts) after failures of two adapters
// and kinds, a single and a bulk replay, and a repair of letters stored before the index.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { summariseDeadLetters } from '../../gateway/admin/dead-letter-summary.ts';
import { reconcileOnce } from '../../gateway/cases/reconciler.ts';
import { redisKeys, type RedisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { expectAgreesWithFullScan, fullScan } from '../support/dead-letter-scan.ts';
import { storeDeadLetters } from '../support/dead-letters.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { uniquePrefix } from '../support/redis.ts';

let cluster: RedisClusterHandle;
let gw: ApiGateway;
let keys: RedisKeys;
const agree = () => expectAgreesWithFullScan(gw.services.store, gw.services.redis, keys);

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  gw = await startApiGateway(
    { GW_KEY_PREFIX: uniquePrefix('dl-index-cluster'), REDIS_URL: cluster.url },
    { redisUrl: cluster.url, relay: false },
  );
  keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await cluster?.stop();
});

it('keeps, reads and repairs the dead-letter index on a three-master cluster as a full scan counts and pages the letters', async () => {
  const { store, redis } = gw.services;
  await storeDeadLetters(store, 12, {
    adapter: 'yn',
    reason: 'gave up after 5 attempts: province unreachable',
  });
  await storeDeadLetters(store, 6, { adapter: 'gx', reason: 'refused: RETCODE -102' });
  await agree();

  const ynGaveUp = (await fullScan(store, redis, keys)).filter((l) => l.adapter === 'yn');
  const single = await gw
    .client('operator-dev')
    .request('POST', `/v1/admin/dead-letters/${ynGaveUp[0]!.caseId}/replay`);
  expect(single.status).toBe(200);
  const bulk = await gw
    .client('operator-dev')
    .request<{ replayed: string[]; remaining: number }>('POST', '/v1/admin/dead-letters/replay', {
      json: { adapter: 'yn', kind: 'gave-up', limit: 4 },
    });
  expect(bulk.body).toMatchObject({
    replayed: ynGaveUp.slice(1, 5).map((l) => l.caseId),
    remaining: 7,
  });
  await agree();

  // Letters stored before the index: every index key gone, then the reconciler's pass.
  for (const shard of keys.allShards) {
    for (const key of await redis.smembers(shard.deadLetterIndexes)) await redis.del(key);
    await redis.del(shard.deadLetterIndexes);
  }
  expect((await summariseDeadLetters(store)).complete).toBe(false);
  const pass = await reconcileOnce(
    gw.services,
    { intervalMs: 1000, ageMs: 60_000 },
    gw.services.logger,
  );
  expect(pass.deadLettersReindexed).toBe(13);
  await agree();
});
