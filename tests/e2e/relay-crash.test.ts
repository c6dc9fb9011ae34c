// Issue 17: a worker process killed mid-relay loses and duplicates nothing. Cases are submitted
// through the gateway (no relay beside it), so they wait in the outbox; a worker process of its own
// (the real startWorkers: relay with small batches and a short claim) starts turning them into
// jobs and is SIGKILLed once some, not all, have their job; a fresh relay takes over. Every case
// then has exactly one job, and the outbox is empty; at the kill, every case already gone from the
// outbox had its job.
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  relayOptions,
  startOutboxRelay,
  type RunningRelay,
} from '../../gateway/queues/outbox-relay.ts';
import { createRedis, redisSettings } from '../../gateway/shared/redis.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';

const CASES = 600;
const childScript = new URL('./support/worker-child.ts', import.meta.url).pathname;

let gw: ApiGateway;
let queue: Queue;
let child: ChildProcess | undefined;
let rescuer: RunningRelay | undefined;

beforeAll(async () => {
  // 600 submissions go as fast as the machine allows: lift the per-client rate (200/s) so an
  // idle machine is not answered 429.
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' }, { relay: false });
  queue = new Queue(routeQueueName('yn'), {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(routeQueueName('yn')),
  });
  // Jobs stay where the relay put them: this test counts them, nobody delivers them.
  await queue.pause();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await rescuer?.stop();
  await queue?.close();
  await gw?.close();
});

async function submitAll(): Promise<string[]> {
  const client = gw.client('portal-sc');
  const ids: string[] = [];
  for (let done = 0; done < CASES; done += 10) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(10, CASES - done) }, (_, i) =>
        client.submitCase<{ caseId: string }>(validExample('SW-005'), `relay-${done + i}-x`),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(202);
      ids.push(a.body.caseId);
    }
  }
  return ids;
}

async function outboxSize(): Promise<number> {
  const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
  const sizes = await Promise.all(keys.allShards.map((s) => gw.services.redis.zcard(s.outbox)));
  return sizes.reduce((a, b) => a + b, 0);
}

async function outboxMembers(): Promise<Set<string>> {
  const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
  const members = await Promise.all(
    keys.allShards.map((s) => gw.services.redis.zrange(s.outbox, '0', '-1')),
  );
  return new Set(members.flat());
}

async function jobIds(): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.map((j) => j.id!);
}

describe('a worker process killed mid-relay', () => {
  it('leaves claimed outbox entries that a fresh relay queues: every case gets exactly one job', async () => {
    const ids = await submitAll();
    expect(await outboxSize()).toBe(CASES);
    expect(await jobIds()).toEqual([]);

    child = spawn(process.execPath, [childScript], {
      env: {
        ...process.env,
        REDIS_URL: gw.config.redisUrl,
        GW_KEY_PREFIX: gw.config.keyPrefix,
        GW_ENV: 'test',
        LOG_LEVEL: 'silent',
        GW_RELAY_BATCH: '5',
        GW_RELAY_CLAIM_MS: '1000',
        E2E_ADAPTER: 'yn',
        // No delivery happens: the queue is paused.
        E2E_SANDBOX_URL: 'http://127.0.0.1:9',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    // Killed while relaying: some jobs exist, some cases still wait in the outbox.
    await waitFor(
      async () => {
        const queued = await queue.count();
        return queued > 0 && queued < CASES / 2;
      },
      { timeoutMs: 30_000, intervalMs: 1, what: 'the child to relay its first batches' },
    );
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    const before = await jobIds();
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(CASES);
    expect(await outboxSize()).toBeGreaterThan(0);
    // The relay claims a batch before the last one has left the outbox (README#outbox-relay), but
    // an entry leaves only once its job exists: every case gone from the outbox has its job.
    const waiting = await outboxMembers();
    const gone = ids.filter((id) => !waiting.has(id));
    expect(gone.filter((id) => !before.includes(id))).toEqual([]);

    rescuer = startOutboxRelay(
      {
        ...gw.services,
        keys: redisKeys(gw.config.keyPrefix, gw.config.redisShards),
        log: gw.services.logger,
      },
      createRedis('worker', redisSettings(gw.config)),
      { ...relayOptions(gw.config), pollMs: 50 },
    );
    await waitFor(async () => (await outboxSize()) === 0, {
      timeoutMs: 30_000,
      what: 'the fresh relay to empty the outbox',
    });
    const after = await jobIds();
    expect(after).toHaveLength(CASES);
    expect(new Set(after)).toEqual(new Set(ids));
    for (const id of before) expect(after).toContain(id);
  }, 120_000);
});
