// A slot moved on a Redis Cluster behind address translation (GW_REDIS_NAT_MAP,
// README.md#redis-topologies): the masters announce ports nothing listens on
// (announceUnreachablePorts), the request path's client reaches them through the map, and a slot
// is moved to another master by hand (startSlotMigration). Its next commands are answered MOVED
// with the new owner's announced address. ioredis 6.0.0 wrote that address untranslated into its
// slot map (6.1.0 still does), where no connection had that key, so until its refresh the slot's
// commands went to a random master and were redirected again: some of 20 sent at once ran out of redirections (503)
// in every round. ClosableCluster translates the redirect's address first
// (gateway/shared/closable-cluster.ts handleError): every one is answered.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedis, waitForRedis, type RedisClient } from '../../gateway/shared/redis.ts';
import { parseRedisNatMap } from '../../gateway/shared/redis-nat-map.ts';
import {
  announceUnreachablePorts,
  startRedisCluster,
  startSlotMigration,
  type RedisClusterHandle,
} from '../support/redis-cluster.ts';
import { uniquePrefix } from '../support/redis.ts';

let cluster: RedisClusterHandle;
let natMap: string;
let redis: RedisClient | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  natMap = await announceUnreachablePorts(cluster);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

it('answers every command of a slot moved to another master, its MOVED naming the announced address, through the NAT map', async () => {
  const client = createRedis('http', {
    redisUrl: cluster.url,
    redisCommandTimeoutMs: 500,
    redisConnectTimeoutMs: 2000,
    redisReconnectMaxDelayMs: 200,
    natMap: parseRedisNatMap(natMap, 'GW_REDIS_NAT_MAP').map,
  });
  redis = client;
  await waitForRedis(client, 10_000);
  const prefix = uniquePrefix('cluster-nat-moved');
  const refused: string[] = [];
  for (let round = 0; round < 5; round++) {
    const key = `${prefix}:{${round}}`;
    await client.set(key, 'v');
    const migration = await startSlotMigration(cluster, key, natMap);
    await migration.finish();
    const answers = await Promise.allSettled(Array.from({ length: 20 }, () => client.get(key)));
    for (const answer of answers) {
      if (answer.status === 'rejected') refused.push(String(answer.reason));
      else expect(answer.value).toBe('v');
    }
  }
  expect(refused).toEqual([]);
});
