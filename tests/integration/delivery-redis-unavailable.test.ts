// Redis failing a delivery job's own steps for a moment is not the province's failure
// (adapters/README.md#job-runner): the job is put back without spending an attempt and counted in
// gw_delivery_jobs_put_back_total{reason="redis-unavailable"}; if Redis refuses the put-back too,
// BullMQ's stalled check recovers the job, again without spending an attempt. On a private
// redis-server (pausing or demoting the run's shared one would stall every other file): a real
// gateway and its relay, one real delivery worker whose case store is the gateway's (on the
// request path's connection, with its 500 ms command timeout, so a paused Redis fails a write
// rather than holding it), and a fake 成都 province (nock) that, answering a case, either pauses
// Redis's writes (CLIENT PAUSE WRITE) or demotes it to a replica of nothing (REPLICAOF: every
// write refused READONLY, as a master demoted by a fail-over refuses them).
import nock from 'nock';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { startAdapterWorker, type AdapterWorker } from '../../adapters/kit/job-runner.ts';
import { createAdapter } from '../../adapters/kit/registry.ts';
import { createStatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import {
  createWorkerMetrics,
  DELIVERY_JOBS_PUT_BACK,
  type WorkerMetrics,
} from '../../gateway/metrics/worker-metrics.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { createRedis, redisSettings, type RedisClient } from '../../gateway/shared/redis.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { readCase, submit } from '../support/case-flow.ts';
import { fakeChengdu, type FakeChengdu } from '../support/fake-chengdu.ts';
import { ownRedis, waitFor } from '../support/redis.ts';

const CHENGDU = 'http://chengdu.redis-unavailable.test';
/** Longer than the gateway's 500 ms command timeout, shorter than the worker's lock. */
const PAUSE_MS = 1500;
const LOCK_MS = 3000;

/** What the province does to Redis when it first answers a case. */
const onFirstCall = new Map<string, () => Promise<unknown>>();

let chengdu: FakeChengdu;
let redisServer: { url: string; stop: () => Promise<void> };
let admin: Redis;
let gw: ApiGateway;
let connection: RedisClient;
let metrics: WorkerMetrics;
let runner: AdapterWorker;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  chengdu = fakeChengdu(CHENGDU, async (caseId, call) => {
    if (call === 1) await onFirstCall.get(caseId)?.();
  });
  redisServer = await ownRedis('redis-unavailable');
  admin = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  gw = await startApiGateway({ GW_BREAKER_THRESHOLD: '2' }, { redisUrl: redisServer.url });
  const adapterSettings = withBaseUrls(loadAdapterSettings({ env: 'test' }), {
    'sc-chengdu': CHENGDU,
  })['sc-chengdu'];
  connection = createRedis('worker', redisSettings(gw.config));
  metrics = createWorkerMetrics();
  const { services } = gw;
  runner = startAdapterWorker(
    'sc-chengdu',
    createAdapter('sc-chengdu', adapterSettings),
    {
      concurrency: 1,
      ratePerSecond: 100,
      lockDurationMs: LOCK_MS,
      stalledIntervalMs: 500,
      breaker: { threshold: 2, coolDownMs: 60_000, maxCoolDownMs: 60_000 },
      retry: { attempts: 2, backoffMs: 20 },
    },
    {
      connection,
      bullPrefix: redisKeys(gw.config.keyPrefix, gw.config.redisShards).queuePrefix(
        routeQueueName('sc-chengdu'),
      ),
      breakerKey: redisKeys(gw.config.keyPrefix).breaker('sc-chengdu'),
      store: services.store,
      statusQueries: createStatusQueryRecorder({
        store: services.store,
        calendar: services.calendar,
        registry: services.registry,
      }),
      itemName: (code) => code,
      log: services.logger,
      metrics,
    },
  );
}, 60_000);

afterAll(async () => {
  await admin?.call('REPLICAOF', 'NO', 'ONE').catch(() => undefined);
  await runner?.close();
  connection?.disconnect();
  await gw?.close();
  admin?.disconnect();
  await redisServer?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

const queue = () => gw.services.queues.queue('sc-chengdu');

async function putBackCount(reason: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(DELIVERY_JOBS_PUT_BACK)?.get();
  const value = metric?.values.find(
    (v) => v.labels.adapter === 'sc-chengdu' && v.labels.reason === reason,
  );
  return value?.value ?? 0;
}

/** The job of a case once it completed, its case DELIVERED with the province's number. */
async function completedJob(caseId: string) {
  await waitFor(async () => (await (await queue().getJob(caseId))?.getState()) === 'completed', {
    timeoutMs: 20_000,
    what: `the job of ${caseId} completed`,
  });
  const record = await readCase<{ status: string; provinceCaseNo?: string }>(gw, caseId);
  expect(record).toMatchObject({ status: 'DELIVERED', provinceCaseNo: `CD-${caseId}` });
  return (await queue().getJob(caseId))!;
}

/** A case whose first delivery does `action` to Redis before the province answers. */
async function submitDoing(action: () => Promise<unknown>): Promise<string> {
  await queue().pause();
  const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
  onFirstCall.set(caseId, action);
  await queue().resume();
  return caseId;
}

/** A case delivered while Redis was well: its job's attempts are the ones a delivery spends. */
let plain: { attemptsMade: number; attemptsStarted: number };

describe('a delivery job while Redis cannot serve its own steps', () => {
  it('spends one attempt and one run on a case delivered while Redis is well', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    const job = await completedJob(caseId);
    plain = { attemptsMade: job.attemptsMade, attemptsStarted: job.attemptsStarted };
    expect(plain.attemptsStarted).toBe(1);
    expect(chengdu.callsOf(caseId)).toBe(1);
  });

  it('puts the job back without spending an attempt when recording the delivery times out on paused writes, and records the kept answer without delivering again', async () => {
    const caseId = await submitDoing(() => admin.call('CLIENT', 'PAUSE', PAUSE_MS, 'WRITE'));
    const job = await completedJob(caseId);
    expect(chengdu.callsOf(caseId)).toBe(1);
    // The first run kept the province's answer; the second recorded it.
    expect(job.data.delivered).toEqual({ provinceCaseNo: `CD-${caseId}`, duplicate: false });
    expect(job.attemptsMade).toBe(plain.attemptsMade);
    expect(job.attemptsStarted).toBe(plain.attemptsStarted + 1);
    expect(await putBackCount('redis-unavailable')).toBe(1);
    expect(await putBackCount('slot-moving')).toBe(0);
    expect(runner.breaker.state).toBe('closed');
    const history = (await readCase<{ history: { status: string }[] }>(gw, caseId)).history;
    expect(history.filter((entry) => entry.status === 'DELIVERED')).toHaveLength(1);
  });

  it('leaves the job to the stalled check when Redis refuses the put-back too (writes refused READONLY), and it completes with no attempt spent', async () => {
    const before = await putBackCount('redis-unavailable');
    // A replica of a port nothing may listen on (below 1024): it never syncs, so keeps its data.
    const caseId = await submitDoing(() => admin.call('REPLICAOF', '127.0.0.1', '1'));
    await waitFor(
      () =>
        gw
          .logLines()
          .some(
            (line) => line.caseId === caseId && String(line.msg).includes('could not be put back'),
          ),
      { timeoutMs: 10_000, what: `the job of ${caseId} refused its put-back` },
    );
    await admin.call('REPLICAOF', 'NO', 'ONE');
    const job = await completedJob(caseId);
    expect(job.attemptsMade).toBe(plain.attemptsMade);
    expect(job.stalledCounter).toBe(1);
    // Its answer could not be kept either: the province was asked again and answered duplicate.
    expect(chengdu.callsOf(caseId)).toBe(2);
    expect(await putBackCount('redis-unavailable')).toBe(before);
    expect(runner.breaker.state).toBe('closed');
  });
});
