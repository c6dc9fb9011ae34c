// Issue 6's faults, end to end with the sandboxes' fault knobs: a province down → retries →
// DELIVERY_FAILED → replay after recovery → delivered exactly once; a permanent refusal fails at
// once; one province down delays no other; the circuit breaker opens and closes; xz never sees more
// than its 5 requests/s; a replay racing the failing attempt is not lost. Each test uses its own
// adapter, so their breakers never meet.
import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS, type AdapterId } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import type { XzSandbox } from '../../adapters/xz/xz-sandbox.ts';
import { createCaseStore } from '../../gateway/cases/case-store.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { plainRedis, testRedisUrl, waitFor } from '../support/redis.ts';
import {
  deadLetters,
  deliveryQueue,
  readCase,
  startE2eSystem,
  statuses,
  submitFor,
  until,
  waitForHistory,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

const ATTEMPTS = 4;
const BREAKER_THRESHOLD = 3;

let sys: E2eSystem;
let rescuer: RunningWorkers | undefined;
const redis = plainRedis();
const queues: Queue[] = [];
beforeAll(async () => {
  sys = await startE2eSystem(
    'e2e-faults',
    {
      GW_DELIVERY_ATTEMPTS: String(ATTEMPTS),
      GW_DELIVERY_BACKOFF_MS: '50',
      GW_BREAKER_THRESHOLD: String(BREAKER_THRESHOLD),
      GW_BREAKER_COOL_DOWN_MS: '1000',
    },
    // sc-chengdu's worker starts late, in the replay race test.
    { workerAdapters: ADAPTER_IDS.filter((id) => id !== 'sc-chengdu') },
  );
});
afterAll(async () => {
  await rescuer?.stop();
  await Promise.all(queues.map((q) => q.close()));
  await sys?.stop();
  redis.disconnect();
});

function queue(adapter: AdapterId): Queue {
  const q = deliveryQueue(sys, adapter, redis);
  queues.push(q);
  return q;
}

const sandbox = (adapter: AdapterId) => sys.sandboxes.get(adapter)!;
const heldBy = (adapter: AdapterId, caseId: string) =>
  sandbox(adapter)
    .received()
    .filter((r) => r.caseId === caseId);

function replay(caseId: string, operator = 'operator-dev') {
  return sys
    .client(operator)
    .request<{ status: string; code?: string }>('POST', `/v1/admin/dead-letters/${caseId}/replay`);
}

describe('a province that is down', () => {
  it('exhausts the retries into a dead letter, which an operator replays once it is back: delivered exactly once', async () => {
    await sandbox('sc').setFaults({ down: true });
    const caseId = await submitFor(sys, 'sc');

    const listed = await until(
      async () => (await deadLetters(sys)).find((d) => d.caseId === caseId),
      { timeoutMs: 20_000, what: 'the case listed as a dead letter' },
    );
    expect(listed).toMatchObject({ adapter: 'sc' });
    expect(listed.reason).toMatch(new RegExp(`^gave up after ${ATTEMPTS} attempts`));
    const job = await until(
      async () => {
        const j = await queue('sc').getJob(caseId);
        return (await j?.isFailed()) ? j : undefined;
      },
      { what: 'the job failed' },
    );
    expect(job.attemptsMade).toBe(ATTEMPTS);
    const failed = await readCase(sys, caseId);
    expect(failed.status).toBe('DELIVERY_FAILED');
    expect(failed.history.at(-1)).toMatchObject({ status: 'DELIVERY_FAILED', actor: 'adapter:sc' });
    expect(heldBy('sc', caseId)).toHaveLength(0);

    // Reading the dead letters is for every operator; replaying needs the replay right.
    expect((await deadLetters(sys, 'operator-readonly')).map((d) => d.caseId)).toContain(caseId);
    const refused = await replay(caseId, 'operator-readonly');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('GW_FORBIDDEN');
    expect((await sys.client('portal-cq').request('GET', '/v1/admin/dead-letters')).status).toBe(
      403,
    );
    expect((await readCase(sys, caseId)).status).toBe('DELIVERY_FAILED');

    await sandbox('sc').setFaults({ down: false });
    const replayed = await replay(caseId);
    expect(replayed.status).toBe(200);
    expect(replayed.body.status).toBe('ROUTED');

    const closed = await waitForStatus(sys, caseId, 'CLOSED', 20_000);
    const held = heldBy('sc', caseId);
    expect(held).toHaveLength(1);
    expect(held[0]!.deliveries).toBe(1);
    expect(closed.provinceCaseNo).toBe(held[0]!.provinceCaseNo);
    expect(statuses(closed).slice(0, 6)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'ROUTED',
      'DELIVERY_FAILED',
      'ROUTED',
      'DELIVERED',
    ]);
    expect(closed.history[4]).toMatchObject({ actor: 'operator-dev' });
    expect(closed.history[4]!.note).toMatch(/replayed by operator-dev/);
    expect((await deadLetters(sys)).map((d) => d.caseId)).not.toContain(caseId);

    // Only a DELIVERY_FAILED case can be replayed.
    const again = await replay(caseId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('GW_ILLEGAL_TRANSITION');
    expect(heldBy('sc', caseId)[0]!.deliveries).toBe(1);
  });

  it('does not delay a delivery to another province (yn while gz is down)', async () => {
    await sandbox('gz').setFaults({ down: true });
    try {
      const gzCase = await submitFor(sys, 'gz');
      await waitFor(async () => ((await queue('gz').getJob(gzCase))?.attemptsMade ?? 0) >= 1, {
        what: 'the gz delivery to fail once',
      });
      const ynCase = await submitFor(sys, 'yn');
      await waitForHistory(sys, ynCase, 'DELIVERED');
      expect(heldBy('yn', ynCase)).toHaveLength(1);
      // Meanwhile gz has delivered nothing (still retrying, or given up on a slow machine).
      expect(['ROUTED', 'DELIVERY_FAILED']).toContain((await readCase(sys, gzCase)).status);
      expect(heldBy('gz', gzCase)).toHaveLength(0);
    } finally {
      await sandbox('gz').setFaults({ down: false });
    }
  });
});

describe('a replay racing the failing attempt', () => {
  it('is not lost when it arrives before BullMQ has moved the job to failed', async () => {
    // A stand-in for the job runner's last attempt, held between its two steps: the case is marked
    // DELIVERY_FAILED and listed, and the job fails only once the operator's replay has moved the
    // case back to ROUTED. sc-chengdu has no worker yet, so the stand-in takes the job.
    const caseId = await submitFor(sys, 'sc-chengdu');
    // The stand-in records the failure as the job runner does, through a store of its own.
    const store = createCaseStore({
      redis,
      config: sys.config,
      listeners: [],
      now: () => new Date(),
    });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    let calls = 0;
    const standIn: Worker = new Worker<unknown, unknown>(
      routeQueueName('sc-chengdu'),
      async () => {
        calls++;
        void standIn.close(); // this job only
        const record = await store.get(caseId);
        if (record?.kind !== 'single') throw new Error(`case ${caseId} is not a single case`);
        await recordDeliveryFailed(store, record, {
          adapterId: 'sc-chengdu',
          reason: 'refused: stand-in',
        });
        await waitFor(async () => (await store.get(caseId))?.status === 'ROUTED', {
          timeoutMs: 15_000,
          what: 'the replay',
        });
        throw new UnrecoverableError('refused: stand-in');
      },
      {
        connection,
        prefix: redisKeys(sys.config.keyPrefix).queuePrefix(routeQueueName('sc-chengdu')),
      },
    );
    try {
      await waitFor(async () => (await deadLetters(sys)).some((d) => d.caseId === caseId), {
        what: 'the dead letter',
      });
      expect((await replay(caseId)).status).toBe(200);
    } finally {
      await standIn.close();
      connection.disconnect();
    }
    expect(calls).toBe(1);
    // The replay put the job back in line, where sc-chengdu's worker now finds it.
    expect(await (await queue('sc-chengdu').getJob(caseId))?.getState()).toBe('waiting');
    rescuer = await startWorkers(sys.config, createLogger({ level: 'silent', env: 'test' }), {
      adapters: ['sc-chengdu'],
      adapterSettings: withBaseUrls(loadAdapterSettings({ env: 'test' }), sys.sandboxUrls),
    });
    await waitForHistory(sys, caseId, 'DELIVERED');
    expect(heldBy('sc-chengdu', caseId)).toHaveLength(1);
  });
});

describe('a permanent refusal', () => {
  it('fails the case at once, after one attempt, as a dead letter', async () => {
    await sandbox('gx').setFaults({ refuseNext: 1 });
    const caseId = await submitFor(sys, 'gx');
    const failed = await waitForStatus(sys, caseId, 'DELIVERY_FAILED');
    expect(failed.history.at(-1)!.note).toMatch(/^refused: /);
    const job = await until(
      async () => {
        const j = await queue('gx').getJob(caseId);
        return (await j?.isFailed()) ? j : undefined;
      },
      { what: 'the job failed' },
    );
    expect(job.attemptsMade).toBe(1);
    expect((await deadLetters(sys)).find((d) => d.caseId === caseId)?.reason).toMatch(/^refused/);
    expect(heldBy('gx', caseId)).toHaveLength(0);
    expect(sandbox('gx').faults.refuseNext).toBe(0);
  });
});

describe('the circuit breaker', () => {
  it(`opens after ${BREAKER_THRESHOLD} consecutive transient failures, pausing the queue, and closes on a successful probe`, async () => {
    const runner = sys.workers.workers.get('cq')!;
    expect(runner.breaker.state).toBe('closed');
    await sandbox('cq').setFaults({ down: true });
    const caseId = await submitFor(sys, 'cq');

    await waitFor(() => runner.breaker.state === 'open', {
      intervalMs: 5,
      what: 'the breaker to open',
    });
    expect(runner.worker.isPaused()).toBe(true);
    // It opened on the threshold'th failure (recorded on the job just after): attempts are left.
    await waitFor(
      async () => (await queue('cq').getJob(caseId))?.attemptsMade === BREAKER_THRESHOLD,
      {
        intervalMs: 5,
        what: `${BREAKER_THRESHOLD} failed attempts`,
      },
    );
    expect((await readCase(sys, caseId)).status).toBe('ROUTED');

    // The province recovers during the cool-down; the half-open probe delivers and closes it.
    await sandbox('cq').setFaults({ down: false });
    await waitForHistory(sys, caseId, 'DELIVERED');
    expect(runner.breaker.state).toBe('closed');
    expect(runner.worker.isPaused()).toBe(false);
    expect(heldBy('cq', caseId)).toHaveLength(1);
  });
});

describe('xz, the low-capacity platform', () => {
  it('never sees more than its 5 requests/s and never has to answer 429', async () => {
    const xz = sandbox('xz') as XzSandbox;
    const caseIds = await Promise.all(Array.from({ length: 20 }, () => submitFor(sys, 'xz')));
    await waitFor(
      async () => {
        const views = await Promise.all(caseIds.map((id) => readCase(sys, id)));
        return views.every((v) => statuses(v).includes('DELIVERED'));
      },
      { timeoutMs: 20_000, intervalMs: 200, what: '20 xz cases delivered' },
    );
    for (const id of caseIds) expect(heldBy('xz', id).map((r) => r.deliveries)).toEqual([1]);
    const stats = xz.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.maxObservedRate).toBeLessThanOrEqual(5);
  });
});
