// A delivery while its case's slot is being resharded (gateway/README.md#redis-cluster): on a
// private 3-master cluster (tests/support/redis-cluster.ts) a shard's slot is held halfway through a
// migration — some of a case's keys moved to the target, the rest still on the source — while the
// case's delivery job runs against a fake province (nock). Its scripts over the case's keys are then
// refused (TRYAGAIN) for as long as the slot stays split; ioredis retries that for about 1.6 s, far
// less than a real slot move. The split is held until the job has run more times than the adapter
// has attempts, then the move completes. The case must end DELIVERED, delivered to the province
// once: never a dead letter (DELIVERY_FAILED) for a province that is fine, never a failed job with
// the case left ROUTED, never a second delivery, and the adapter's breaker stays closed. Real
// gateway, real workers and BullMQ queues on the cluster.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { DELIVERY_JOBS_PUT_BACK } from '../../gateway/metrics/worker-metrics.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { readCase, submit } from '../support/case-flow.ts';
import { fakeChengdu, type FakeChengdu } from '../support/fake-chengdu.ts';
import {
  startRedisCluster,
  startSlotMigration,
  type RedisClusterHandle,
  type SlotMigration,
} from '../support/redis-cluster.ts';
import { waitFor } from '../support/redis.ts';

const CHENGDU = 'http://chengdu.resharding.test';
const ATTEMPTS = 2;

/** Cases the fake province refuses for good (422). */
const refused = new Set<string>();

let chengdu: FakeChengdu;
let cluster: RedisClusterHandle;
let gw: ApiGateway;
let workers: RunningWorkers;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  chengdu = fakeChengdu(CHENGDU, (caseId) =>
    refused.has(caseId) ? [422, { code: 'invalid-application' }] : undefined,
  );
  cluster = await startRedisCluster({ masters: 3 });
  // A breaker that opens on the second failure in a row: a split slot must not count as one.
  gw = await startApiGateway(
    { GW_BREAKER_THRESHOLD: '2' },
    { redisUrl: cluster.url, relay: false },
  );
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), { 'sc-chengdu': CHENGDU });
  workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['sc-chengdu'],
    adapterSettings: {
      ...base,
      'sc-chengdu': { ...base['sc-chengdu'], attempts: ATTEMPTS, backoffMs: 20 },
    },
  });
}, 60_000);

afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  await cluster?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

const keys = () => redisKeys(gw.config.keyPrefix, gw.config.redisShards);
const queue = () => gw.services.queues.queue('sc-chengdu');

/**
 * A case for sc-chengdu whose job waits in the paused queue (the workers' relay queues it), and
 * the slot of its shard halfway migrated with `split` moved to the target; the queue resumes.
 */
async function caseInSplitSlot(
  split: (caseId: string) => string[],
  before: (caseId: string) => void = () => undefined,
): Promise<{ caseId: string; migration: SlotMigration }> {
  await queue().pause();
  const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
  before(caseId);
  await waitFor(async () => (await queue().getJob(caseId)) !== undefined, {
    what: `the job of ${caseId}`,
  });
  const migration = await startSlotMigration(cluster, keys().case(caseId));
  await migration.move(...split(caseId));
  await queue().resume();
  return { caseId, migration };
}

/** Waits until the job has started more often than its attempts allow, or ended. */
async function outlastAttempts(caseId: string): Promise<string> {
  const state = await waitFor(
    async () => {
      const job = await queue().getJob(caseId);
      const state = await job?.getState();
      if (state === 'failed' || state === 'completed') return state;
      return (job?.attemptsStarted ?? 0) > ATTEMPTS ? (state ?? 'unknown') : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `more than ${ATTEMPTS} runs of ${caseId}` },
  );
  return state ?? 'unknown';
}

/** gw_delivery_jobs_put_back_total{adapter="sc-chengdu",reason="slot-moving"}. */
async function slotMovingPutBacks(): Promise<number> {
  const metric = await workers.metrics.registry.getSingleMetric(DELIVERY_JOBS_PUT_BACK)?.get();
  const value = metric?.values.find(
    (v) => v.labels.adapter === 'sc-chengdu' && v.labels.reason === 'slot-moving',
  );
  return value?.value ?? 0;
}

async function deliveredOnce(caseId: string): Promise<void> {
  await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERED', {
    timeoutMs: 15_000,
    what: `${caseId} DELIVERED`,
  });
  const record = await readCase<{ status: string; provinceCaseNo?: string }>(gw, caseId);
  expect(record.provinceCaseNo).toBe(`CD-${caseId}`);
  expect(chengdu.callsOf(caseId)).toBe(1);
  await waitFor(async () => (await (await queue().getJob(caseId))?.getState()) === 'completed', {
    what: `the job of ${caseId} completed`,
  });
  expect(workers.workers.get('sc-chengdu')?.breaker.state).toBe('closed');
}

describe('a delivery job while its case slot is split between two nodes', () => {
  it('delivers once and records DELIVERED after the move when the case hash moved ahead of its envelope (the case cannot be read), counting each run put back as slot-moving', async () => {
    const before = await slotMovingPutBacks();
    const { caseId, migration } = await caseInSplitSlot((id) => [keys().case(id)]);
    try {
      expect(await outlastAttempts(caseId)).not.toBe('failed');
      expect(chengdu.callsOf(caseId)).toBe(0);
    } finally {
      await migration.finish();
    }
    await deliveredOnce(caseId);
    // Every run beyond the one that delivered was put back, and counted so.
    const job = await queue().getJob(caseId);
    expect(await slotMovingPutBacks()).toBe(before + job!.attemptsStarted - 1);
  });

  it('records DELIVERED after the move without delivering again when the province took the case but its history had moved (the move cannot be recorded)', async () => {
    const { caseId, migration } = await caseInSplitSlot((id) => [keys().history(id)]);
    try {
      expect(await outlastAttempts(caseId)).not.toBe('failed');
      expect(chengdu.callsOf(caseId)).toBe(1);
    } finally {
      await migration.finish();
    }
    await deliveredOnce(caseId);
    const history = (await readCase<{ history: { status: string; note?: string }[] }>(gw, caseId))
      .history;
    const delivered = history.filter((entry) => entry.status === 'DELIVERED');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.note).toBe(`province case CD-${caseId}`);
  });

  it('records DELIVERY_FAILED only after the move for a case the province refused for good while its history had moved, and fails the job then', async () => {
    const { caseId, migration } = await caseInSplitSlot(
      (id) => [keys().history(id)],
      (id) => refused.add(id),
    );
    try {
      expect(await outlastAttempts(caseId)).not.toBe('failed');
    } finally {
      await migration.finish();
    }
    await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERY_FAILED', {
      timeoutMs: 15_000,
      what: `${caseId} DELIVERY_FAILED`,
    });
    const record = await gw.services.store.get(caseId);
    expect(record && gw.services.store.failureReason(record)?.reason).toMatch(/^refused: /);
    await waitFor(async () => (await (await queue().getJob(caseId))?.getState()) === 'failed', {
      what: `the job of ${caseId} failed (a dead letter)`,
    });
    expect(workers.workers.get('sc-chengdu')?.breaker.state).toBe('closed');
  });

  it('answers a province event 503 while the case history is on another node than its hash, and takes its retry after the move once, beside one delivery', async () => {
    const { caseId, migration } = await caseInSplitSlot((id) => [keys().history(id)]);
    const at = new Date().toISOString();
    const report = () =>
      gw
        .client('province-sc-chengdu')
        .request('POST', `/v1/cases/${caseId}/events`, { json: { type: 'accepted', at } });
    try {
      expect(await outlastAttempts(caseId)).not.toBe('failed');
      expect((await report()).status).toBe(503);
    } finally {
      await migration.finish();
    }
    await waitFor(async () => (await (await queue().getJob(caseId))?.getState()) === 'completed', {
      what: `the job of ${caseId} completed`,
    });
    expect((await report()).status).toBe(200);
    const view = await readCase<{
      status: string;
      provinceCaseNo?: string;
      history: { status: string }[];
    }>(gw, caseId);
    expect(view.status).toBe('IN_PROGRESS');
    expect(view.provinceCaseNo).toBe(`CD-${caseId}`);
    expect(view.history.filter((entry) => entry.status === 'DELIVERED')).toHaveLength(1);
    expect(view.history.filter((entry) => entry.status === 'IN_PROGRESS')).toHaveLength(1);
    expect(chengdu.callsOf(caseId)).toBe(1);
  });
});
