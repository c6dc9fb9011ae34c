// Redis Cluster support (gateway/README.md#redis-cluster) on a private 3-master cluster
// (tests/support/redis-cluster.ts): a `redis-cluster://` REDIS_URL connects the gateway's roles,
// the start-up check reads every master and names the one that would evict, and the BullMQ
// queues — each under its own hash tag — take and run jobs (delivery, a joint case's children,
// callbacks) where one prefix for all would fail with CROSSSLOT.
import { Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { CallbackQueue } from '../../gateway/callbacks/callback-queue.ts';
import { startGateway } from '../../gateway/gateway-process.ts';
import { CaseQueues } from '../../gateway/queues/case-queues.ts';
import {
  createRedis,
  readRedisFacts,
  judgeRedis,
  StartupError,
  waitForRedis,
  type RedisClient,
} from '../../gateway/shared/redis.ts';
import { CALLBACK_QUEUE, redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { testDataKeys, uniquePrefix, waitFor } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';

const RETENTION = { jobRetentionSeconds: 3600, jobRetentionCount: 100 };
let cluster: RedisClusterHandle;
let redis: RedisClient;
const settings = () => ({
  redisUrl: cluster.url,
  redisCommandTimeoutMs: 2000,
  redisConnectTimeoutMs: 2000,
  redisReconnectMaxDelayMs: 200,
});

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  redis = createRedis('worker', settings());
  await waitForRedis(redis, 10_000);
}, 60_000);

afterAll(async () => {
  await redis?.quit().catch(() => undefined);
  await cluster?.stop();
});

function configFor(prefix: string) {
  return loadConfig({
    REDIS_URL: cluster.url,
    GW_KEY_PREFIX: prefix,
    PORT: '0',
    GW_HOST: '127.0.0.1',
    GW_ENV: 'test',
    GW_DATA_KEYS: testDataKeys(),
  });
}

describe('a redis-cluster:// REDIS_URL', () => {
  it('connects a cluster client that knows all three masters', () => {
    expect(redis).toBeInstanceOf(Cluster);
    expect((redis as Cluster).nodes('master')).toHaveLength(3);
  });

  it('checks every master at start: all noeviction here, so no problem', async () => {
    const facts = await readRedisFacts(redis);
    expect(facts.map((f) => f.node).sort()).toEqual(
      cluster.ports.map((p) => `127.0.0.1:${p}`).sort(),
    );
    expect(judgeRedis(facts, 'none')).toEqual({ problems: [], warnings: [] });
  });

  it("reads every master's persistence, and GW_REDIS_DURABILITY=always names each one without AOF", async () => {
    const facts = await readRedisFacts(redis);
    expect(facts.map((f) => [f.aofEnabled, f.appendfsync])).toEqual([
      [false, 'everysec'],
      [false, 'everysec'],
      [false, 'everysec'],
    ]);
    const { problems } = judgeRedis(facts, 'always');
    expect(problems).toHaveLength(3);
    for (const port of cluster.ports) {
      expect(problems.some((p) => p.startsWith(`Redis 127.0.0.1:${port} has AOF off`))).toBe(true);
    }
  });

  it('refuses to start the gateway when one master evicts, naming that master', async () => {
    const [port] = cluster.ports;
    const node = (redis as Cluster).nodes('master').find((n) => n.options.port === port)!;
    await node.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const { logger } = memoryLogger();
      const start = startGateway(configFor(uniquePrefix('cl-lru')), logger);
      await expect(start).rejects.toThrow(StartupError);
      await expect(start).rejects.toThrow(
        `Redis 127.0.0.1:${port} maxmemory-policy is allkeys-lru`,
      );
    } finally {
      await node.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('starts the gateway, which answers /readyz 200 and stops cleanly', async () => {
    const { logger } = memoryLogger();
    const gateway = await startGateway(configFor(uniquePrefix('cl-start')), logger);
    expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
    expect(await gateway.stop()).toBe('clean');
  });
});

describe('BullMQ queues on the cluster', () => {
  it('each queue is one slot, and the queues of the seven adapters spread over the masters', async () => {
    const keys = redisKeys('gw');
    const slotOf = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));
    const adapters = ['sc', 'sc-chengdu', 'cq', 'yn', 'gz', 'gx', 'xz'];
    const slots = new Set<number>();
    for (const adapter of adapters) {
      const queue = routeQueueName(adapter);
      const prefix = keys.queuePrefix(queue);
      const own = await Promise.all(
        ['wait', 'active', 'meta', 'events', 'id', '01JCASE'].map((s) =>
          slotOf(`${prefix}:${queue}:${s}`),
        ),
      );
      expect(new Set(own).size).toBe(1);
      slots.add(own[0]!);
    }
    expect(slots.size).toBe(adapters.length);
  });

  it('delivers a case and both children of a joint case through their adapters’ queues', async () => {
    const keys = redisKeys(uniquePrefix('cl-queues'));
    const queues = new CaseQueues(redis, keys, RETENTION);
    const ran: string[] = [];
    const workers = ['yn', 'cq', 'sc-chengdu'].map((adapter) => {
      const name = routeQueueName(adapter);
      const worker = new Worker<{ caseId: string }>(
        name,
        async (job) => {
          ran.push(`${adapter}:${job.data.caseId}`);
        },
        { connection: redis, prefix: keys.queuePrefix(name) },
      );
      worker.on('error', () => undefined);
      return worker;
    });
    try {
      await queues.enqueue('01JCASE00000000000000000A1', 'yn');
      // Queued twice (a repeated dispatch): job id = case id keeps it one job.
      await queues.enqueue('01JCASE00000000000000000A1', 'yn');
      // A joint case's children, as the outbox relay queues them: enqueueMany per adapter queue.
      await queues.enqueueMany('cq', ['01JCASE00000000000000000B2-1']);
      await queues.enqueueMany('sc-chengdu', ['01JCASE00000000000000000B2-2']);
      await waitFor(() => ran.length === 3, { timeoutMs: 10_000, what: 'three jobs run' });
      expect(ran.sort()).toEqual([
        'cq:01JCASE00000000000000000B2-1',
        'sc-chengdu:01JCASE00000000000000000B2-2',
        'yn:01JCASE00000000000000000A1',
      ]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
    }
  });

  it('queues a portal callback on the callbacks queue', async () => {
    const keys = redisKeys(uniquePrefix('cl-callbacks'));
    const callbacks = new CallbackQueue(redis, keys, RETENTION);
    const seen: string[] = [];
    const worker = new Worker<{ caseId: string }>(
      CALLBACK_QUEUE,
      async (job) => {
        seen.push(job.data.caseId);
      },
      { connection: redis, prefix: keys.queuePrefix(CALLBACK_QUEUE) },
    );
    worker.on('error', () => undefined);
    try {
      await callbacks.enqueue({
        caseId: '01JCASE00000000000000000C3',
        clientId: 'portal-sc',
        url: 'http://127.0.0.1:9/hooks',
        status: 'ROUTED',
        at: new Date().toISOString(),
        sequence: 2,
      });
      await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'the callback job' });
      expect(seen).toEqual(['01JCASE00000000000000000C3']);
    } finally {
      await worker.close();
      await callbacks.close();
    }
  });
});
