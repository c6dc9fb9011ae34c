// A Redis Cluster behind address translation (README.md#redis-topologies, GW_REDIS_NAT_MAP): every
// master announces a port nothing listens on (`cluster-announce-port`,
// tests/support/redis-cluster.ts announceUnreachablePorts), as nodes in Docker or Kubernetes
// announce their containers' addresses, while the URL's seed nodes are reachable. With the NAT map
// the whole local system reaches every master through it: a case is submitted (202), readable, and
// its relay's job delivered to the province's sandbox until CLOSED. Without the map the start is
// refused in one line naming the masters' announced addresses, and with it a master that evicts is
// named by both its addresses. Before the map, no setting could reach such a cluster, and the
// refusal said only "Redis not reachable within … ms".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  announceUnreachablePorts,
  startRedisCluster,
  type RedisClusterHandle,
} from '../support/redis-cluster.ts';
import { nodeCommand } from '../support/redis-node.ts';
import {
  e2eConfig,
  readCase,
  startE2eSystem,
  statuses,
  submitFor,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';
import { startRefusal } from './support/start-refusal.ts';

let cluster: RedisClusterHandle;
let natMap: string;
let sys: E2eSystem | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  natMap = await announceUnreachablePorts(cluster);
}, 60_000);

afterAll(async () => {
  await sys?.stop();
  await cluster?.stop();
});

/** A gateway start's one-line refusal on this Redis, `env` added. */
function refusal(env: Record<string, string>): Promise<string | undefined> {
  return startRefusal(
    'gateway',
    e2eConfig('cluster-nat-refused', { REDIS_URL: cluster.url, ...env }),
  );
}

describe('a Redis Cluster whose masters announce addresses that do not answer here', () => {
  it('with GW_REDIS_NAT_MAP: a submission is answered 202, readable, and its relay job delivered to the province until CLOSED', async () => {
    sys = await startE2eSystem(
      'cluster-nat',
      { REDIS_URL: cluster.url, GW_REDIS_NAT_MAP: natMap },
      { workerAdapters: ['yn'] },
    );
    const caseId = await submitFor(sys, 'yn');
    expect((await readCase(sys, caseId)).status).toBeDefined();
    const closed = await waitForStatus(sys, caseId, 'CLOSED', 30_000);
    expect(statuses(closed)).toEqual(expect.arrayContaining(['ROUTED', 'DELIVERED', 'CLOSED']));
  });

  it('without the map: the start is refused in one line naming every master by the address it announces', async () => {
    const announced = natMap.split(',').map((entry) => entry.split('=')[0]!);
    const reason = (await refusal({ GW_REDIS_STARTUP_TIMEOUT_MS: '1000' })) ?? '';
    expect(reason).toMatch(
      /^REDIS_URL: Redis not reachable within 1000 ms: the cluster's seed nodes answer and name its masters /,
    );
    expect(reason).toMatch(
      /needs a NAT map to one reachable from here \(README\.md#redis-topologies\)$/,
    );
    for (const address of announced) expect(reason).toContain(address);
  });

  it('with the map, a master that evicts is refused by the address it announces and the one reached', async () => {
    const [entry] = natMap.split(',');
    const [announced, reached] = entry!.split('=') as [string, string];
    const port = Number(reached.split(':')[1]);
    await nodeCommand(port, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await refusal({ GW_REDIS_NAT_MAP: natMap })).toContain(
        `Redis ${announced} (reached at ${reached} through the NAT map) maxmemory-policy is allkeys-lru`,
      );
    } finally {
      await nodeCommand(port, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });
});
