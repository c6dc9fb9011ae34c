// A failed delivery job is a dead letter an operator is asked to replay (adapters/README.md#job-runner),
// so a job whose case has moved on must not fail: the soak left such phantom dead letters. A
// delivery job queued again for a case already CLOSED, or for one retention has removed, completes
// without calling the province; a delivery given up after the province reported progress leaves no
// dead letter; a job for a case never stored still fails, for operators to see. Real gateway, real
// 成都 worker (BullMQ on the test Redis); the province is faked at the network with nock.
import { Queue } from 'bullmq';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { close, event, submit } from '../support/case-flow.ts';
import { fakeChengdu, type FakeChengdu } from '../support/fake-chengdu.ts';
import { waitFor } from '../support/redis.ts';

const HOST = 'http://chengdu.gone-case.test';
const ADAPTER = 'sc-chengdu';
const PROVINCE = 'province-sc-chengdu';
/** Closed cases are kept this long by the system most tests use. */
const RETENTION_SECONDS = 10;
/**
 * And this long by the one the expiry test watches: a system of its own (gateway, worker, key
 * prefix), as both the gateway's EXPIRE and the worker's "may have expired" read the setting. The
 * other tests need their closed case to outlive their checks on a loaded machine; the expiry test
 * waited out the whole 10 s for nothing.
 */
const EXPIRING_RETENTION_SECONDS = 1;

/** A case in `refuse` is answered 503 by the fake province, once this has run. */
const refuse = new Map<string, () => Promise<void>>();

let chengdu: FakeChengdu;

interface System {
  gw: ApiGateway;
  workers: RunningWorkers;
  queue: Queue;
}

async function startSystem(retentionSeconds: number): Promise<System> {
  const gw = await startApiGateway({
    GW_CASE_RETENTION_DAYS: String(retentionSeconds / 86_400),
    GW_BREAKER_THRESHOLD: '1000',
  });
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), { [ADAPTER]: HOST });
  const workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: [ADAPTER],
    // One attempt: the first failure is the last.
    adapterSettings: { ...base, [ADAPTER]: { ...base[ADAPTER], attempts: 1, backoffMs: 20 } },
  });
  const name = routeQueueName(ADAPTER);
  const queue = new Queue(name, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(name),
  });
  return { gw, workers, queue };
}

async function stopSystem(system: System | undefined): Promise<void> {
  await system?.workers.stop();
  await system?.queue.close();
  await system?.gw.close();
}

let kept: System;
let expiring: System;
let gw: ApiGateway;
let queue: Queue;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  chengdu = fakeChengdu(HOST, async (caseId) => {
    const before = refuse.get(caseId);
    if (!before) return undefined;
    await before();
    return [503, { code: 'service-unavailable' }];
  });
  [kept, expiring] = await Promise.all([
    startSystem(RETENTION_SECONDS),
    startSystem(EXPIRING_RETENTION_SECONDS),
  ]);
  ({ gw, queue } = kept);
});
afterAll(async () => {
  await stopSystem(kept);
  await stopSystem(expiring);
  nock.cleanAll();
  nock.enableNetConnect();
});

const at = () => new Date().toISOString();

async function statusOnce(caseId: string, status: string, { gw } = kept): Promise<void> {
  await waitFor(async () => (await gw.services.store.get(caseId))?.status === status, {
    what: `case ${caseId} ${status}`,
    timeoutMs: 15_000,
  });
}

/** A 成都 case (SW-001, portal-yn), delivered once. */
async function delivered(system = kept): Promise<string> {
  const { caseId } = await submit(system.gw, 'SW-001', {}, 'portal-yn');
  await statusOnce(caseId, 'DELIVERED', system);
  return caseId;
}

async function keysNaming(caseId: string, { gw } = kept): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await gw.services.redis.scan(
      cursor,
      'MATCH',
      `*${caseId}*`,
      'COUNT',
      1000,
    );
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys.sort();
}

/** Its first job done and trimmed (as GW_JOB_RETENTION_COUNT does), the case is queued again. */
async function queueAgain(caseId: string, { gw, queue } = kept) {
  await waitFor(async () => (await queue.getJob(caseId))?.finishedOn !== undefined, {
    what: `the first job of ${caseId} finished`,
  });
  await (await queue.getJob(caseId))!.remove();
  await gw.services.queues.enqueue(caseId, ADAPTER);
  const job = await waitFor(
    async () => {
      const again = await queue.getJob(caseId);
      return again?.finishedOn !== undefined ? again : undefined;
    },
    { what: `the repeated job of ${caseId} finished` },
  );
  return job!;
}

describe('a repeated delivery job', () => {
  it('completes without calling the province when its case is already CLOSED, and leaves the case as it was', async () => {
    const caseId = await delivered();
    await close(gw, PROVINCE, caseId, at());
    const history = await gw.services.store.history(caseId);

    const job = await queueAgain(caseId);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ delivered: false, skipped: 'CLOSED' });
    expect(await queue.getFailedCount()).toBe(0);
    expect(chengdu.callsOf(caseId)).toBe(1);
    expect((await gw.services.store.get(caseId))?.status).toBe('CLOSED');
    expect(await gw.services.store.history(caseId)).toEqual(history);
  });

  it('completes as a no-op when retention has removed its closed case, and stores nothing again', async () => {
    const { gw, queue } = expiring;
    const caseId = await delivered(expiring);
    await close(gw, PROVINCE, caseId, at());
    await waitFor(async () => (await gw.services.store.get(caseId)) === undefined, {
      what: `case ${caseId} expired by retention`,
      timeoutMs: (EXPIRING_RETENTION_SECONDS + 30) * 1000,
    });

    // What outlives a closed case by design (its rating, say) is left alone too.
    const keysBefore = await keysNaming(caseId, expiring);

    const job = await queueAgain(caseId, expiring);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ delivered: false, skipped: 'expired' });
    expect(await queue.getFailedCount()).toBe(0);
    expect(chengdu.callsOf(caseId)).toBe(1);
    expect(await gw.services.store.get(caseId)).toBeUndefined();
    expect(await keysNaming(caseId, expiring)).toEqual(keysBefore);
  }, 90_000);
});

describe('a delivery given up after the province reported progress', () => {
  it('leaves no dead letter: the case stays where the province moved it', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    // The province takes the case and reports it accepted, but its answer to us is lost (503).
    refuse.set(caseId, () => event(gw, PROVINCE, caseId, 'accepted', at()));
    const job = await waitFor(
      async () => {
        const first = await queue.getJob(caseId);
        return first?.finishedOn !== undefined ? first : undefined;
      },
      { what: `the job of ${caseId} finished`, timeoutMs: 15_000 },
    );
    expect(await job!.getState()).toBe('completed');
    expect(job!.returnvalue).toEqual({ delivered: false, skipped: 'IN_PROGRESS' });
    expect(await queue.getFailedCount()).toBe(0);
    const history = await gw.services.store.history(caseId);
    expect(history.map((h) => h.status)).not.toContain('DELIVERY_FAILED');
    expect((await gw.services.store.get(caseId))?.status).toBe('IN_PROGRESS');
  });
});

describe('a delivery job for a case never stored', () => {
  it('still fails, case not found, so operators see a job no submission made', async () => {
    const caseId = newCaseId(0);
    await gw.services.queues.enqueue(caseId, ADAPTER);
    const job = await waitFor(
      async () => {
        const found = await queue.getJob(caseId);
        return found?.finishedOn !== undefined ? found : undefined;
      },
      { what: `the job of ${caseId} finished`, timeoutMs: 15_000 },
    );
    expect(await job!.getState()).toBe('failed');
    expect(job!.failedReason).toBe(`case ${caseId} not found`);
    expect(chengdu.calls).not.toContain(caseId);
  });
});
