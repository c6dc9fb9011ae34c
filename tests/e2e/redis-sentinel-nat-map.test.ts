// Redis Sentinel behind address translation (README.md#redis-topologies, GW_REDIS_NAT_MAP): the
// Sentinel names its master by an address nothing here listens on (tests/support/redis-sentinel.ts
// startAnnouncingSentinel), as a Sentinel in Docker or Kubernetes names a master by its container's
// address. With the NAT map the whole local system (gateway, workers, sandboxes, and the taxpayer
// portal sharing the gateway's Redis) reaches the master through it and a case is walked to CLOSED;
// a start that refuses the master names it by both addresses. Without the map a start is refused
// in one line naming the address the Sentinel announces; before the map, no setting could help,
// and that refusal said only "Redis not reachable within … ms".
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import {
  SENTINEL_MASTER_NAME,
  startAnnouncingSentinel,
  type AnnouncingSentinelHandle,
} from '../support/redis-sentinel.ts';
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

let sentinel: AnnouncingSentinelHandle;
let sys: E2eSystem | undefined;

beforeAll(async () => {
  sentinel = await startAnnouncingSentinel();
}, 30_000);

afterAll(async () => {
  await sys?.stop();
  await sentinel?.stop();
});

/** A gateway start's one-line refusal on this Redis, `env` added. */
function refusal(env: Record<string, string>): Promise<string | undefined> {
  return startRefusal(
    'gateway',
    e2eConfig('sentinel-nat-refused', { REDIS_URL: sentinel.url, ...env }),
  );
}

describe('a master its Sentinel names by an address that does not answer here', () => {
  it('with GW_REDIS_NAT_MAP: the gateway, the workers and the portal reach it, a submission is answered 202, readable, and delivered to its province until CLOSED', async () => {
    sys = await startE2eSystem(
      'sentinel-nat',
      { REDIS_URL: sentinel.url, GW_REDIS_NAT_MAP: sentinel.natMap },
      { workerAdapters: ['yn'], portalEnv: {} },
    );
    const caseId = await submitFor(sys, 'yn');
    expect((await readCase(sys, caseId)).status).toBeDefined();
    const closed = await waitForStatus(sys, caseId, 'CLOSED', 30_000);
    expect(statuses(closed)).toContain('DELIVERED');
    // The portal opened its Redis through the same map (it refuses to start without it).
    const ready = await fetch(`${sys.portal!.url}/readyz`);
    expect(ready.status).toBe(200);
    // Written on the master itself: the case's keys are on the server behind the map.
    const master = new Redis(sentinel.masterPort, '127.0.0.1', { lazyConnect: true });
    try {
      await master.connect();
      const keys = redisKeys(sys.config.keyPrefix, sys.config.redisShards);
      expect(await master.exists(keys.case(caseId))).toBe(1);
    } finally {
      master.disconnect();
    }
  });

  it('without the map: the start is refused in one line naming the address the Sentinel announces, and what would reach it', async () => {
    expect(await refusal({ GW_REDIS_STARTUP_TIMEOUT_MS: '1000' })).toBe(
      `REDIS_URL: Redis not reachable within 1000 ms: the Sentinels name master "${SENTINEL_MASTER_NAME}" at 127.0.0.1:${sentinel.announcedPort} (connect ECONNREFUSED 127.0.0.1:${sentinel.announcedPort}): an address only reachable inside Redis's own network (Docker, Kubernetes) needs a NAT map to one reachable from here (README.md#redis-topologies)`,
    );
  });

  it('with the map, a master that evicts is refused by both its addresses: the one announced and the one reached', async () => {
    const master = new Redis(sentinel.masterPort, '127.0.0.1', { lazyConnect: true });
    await master.connect();
    await master.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await refusal({ GW_REDIS_NAT_MAP: sentinel.natMap })).toContain(
        `Redis master "${SENTINEL_MASTER_NAME}" (127.0.0.1:${sentinel.announcedPort}, reached at 127.0.0.1:${sentinel.masterPort} through the NAT map) maxmemory-policy is allkeys-lru`,
      );
    } finally {
      await master.config('SET', 'maxmemory-policy', 'noeviction');
      master.disconnect();
    }
  });
});
