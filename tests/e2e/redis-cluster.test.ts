// Issue 17, end to end on a Redis Cluster (gateway/README.md#redis-cluster): a private 3-master
// cluster, the whole local system (gateway, workers, seven sandboxes) pointed at it with a
// `redis-cluster://` URL, and one case per adapter plus a joint case walked to CLOSED. Redis
// refuses a script or a multi-key command whose keys span slots with CROSSSLOT: the test captures
// every log line of the gateway and the workers and asserts none mentions it, and that the keys
// really were spread over the masters (not all in one slot by accident).
import { Writable } from 'node:stream';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_IDS } from '../../adapters/kit/registry.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { waitForRedis } from '../../gateway/shared/redis.ts';
import { startLocalSystem } from '../../scripts/local-system.ts';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { devSecret, validExample } from '../support/api-gateway.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import {
  e2eConfig,
  readCase,
  statuses,
  submit,
  submitFor,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

let cluster: RedisClusterHandle;
let sys: E2eSystem;
const logged: string[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  const config = e2eConfig('e2e-cluster', { REDIS_URL: cluster.url, LOG_LEVEL: 'debug' });
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logged.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ level: config.logLevel, env: config.env }, sink);
  const system = await startLocalSystem(config, logger, { progressionDelayMs: 20 });
  sys = Object.assign(system, {
    config,
    client: (id: string) =>
      new GatewayClient(system.gatewayUrl, { clientId: id, secret: devSecret(id) }),
  });
}, 60_000);

afterAll(async () => {
  await sys?.stop();
  await cluster?.stop();
});

describe('the whole system on a 3-master Redis Cluster', () => {
  it('closes one case per adapter and a joint case, with no CROSSSLOT error logged', async () => {
    const singles = await Promise.all(ADAPTER_IDS.map((adapter) => submitFor(sys, adapter)));
    const joint = await submit(sys, validExample('RS-006'), 'portal-sc');
    for (const caseId of singles) {
      const closed = await waitForStatus(sys, caseId, 'CLOSED', 30_000);
      expect(statuses(closed).at(-1)).toBe('CLOSED');
    }
    const parent = await waitForStatus(sys, joint.caseId, 'CLOSED', 30_000);
    expect(parent.route.children!.map((c) => c.status)).toEqual(['CLOSED', 'CLOSED']);
    for (const child of joint.route.children!) {
      expect((await readCase(sys, child.caseId)).status).toBe('CLOSED');
    }

    // The log was captured (at debug, gateway and workers alone), and no line of it is Redis
    // refusing keys of several slots, or redirecting a command that should have found its node.
    const all = logged.join('');
    expect(all).toContain('"gateway listening"');
    expect(all).toContain('"workers started"');
    expect(all).not.toMatch(/CROSSSLOT/i);
    expect(all).not.toMatch(/\b(MOVED|ASK) \d+ /);
  });

  it('spread the keys over every master', async () => {
    const redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      await waitForRedis(redis, 10_000);
      const counts = await Promise.all(
        redis.nodes('master').map(async (node) => Number(await node.dbsize())),
      );
      expect(counts).toHaveLength(3);
      for (const count of counts) expect(count).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
