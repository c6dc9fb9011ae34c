// The request path's Cluster client is ready only when every master is (gateway/README.md#redis-cluster).
// ioredis's Cluster is 'ready' once one node has answered its slot map; it connects to the other
// masters when a command first goes to them. The http role's offline queue is off (a command
// fails at once rather than wait for Redis), so while a master's connection was still being made
// every command for its slots was refused "Connection is closed": a 503 to each request of the
// first moment. The dead-letter index test on a cluster failed so now and then; a probe of 20
// fresh connections each sending 300 commands at once saw 194 refused in two of them. Here one
// master is frozen (SIGSTOP) while the client connects and thawed when the client is ready, so
// its connection is never made in time; waitForRedis now waits for every master to answer.
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedis, waitForRedis, type RedisClient } from '../../gateway/shared/redis.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { uniquePrefix } from '../support/redis.ts';

let cluster: RedisClusterHandle;
let redis: RedisClient | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  for (const port of cluster?.ports ?? []) cluster.processOf(port).kill('SIGCONT');
  await cluster?.stop();
});

it('resolves waitForRedis on a cluster only once every master answers, so commands sent at once to a master that was slow to connect are all answered', async () => {
  const [frozen] = cluster.ports;
  cluster.processOf(frozen!).kill('SIGSTOP');
  const client = createRedis('http', {
    redisUrl: cluster.url,
    redisCommandTimeoutMs: 2000,
    redisConnectTimeoutMs: 2000,
    redisReconnectMaxDelayMs: 200,
  }) as Cluster;
  redis = client;
  // The other masters gave the client its slot map: the frozen one may answer now, too late.
  client.once('ready', () => cluster.processOf(frozen!).kill('SIGCONT'));
  await waitForRedis(client, 20_000);

  const master = client.nodes('master').find((node) => node.options.port === frozen)!;
  expect(master.status).toBe('ready');
  // 300 keys of distinct hash tags: about a third of them are the frozen master's.
  const prefix = uniquePrefix('cluster-ready');
  const keys = Array.from({ length: 300 }, (_, i) => `${prefix}:{${i}}`);
  const answers = await Promise.allSettled(keys.map((key) => client.set(key, '1')));
  expect(answers.filter((a) => a.status === 'rejected').map((a) => String(a.reason))).toEqual([]);
});
