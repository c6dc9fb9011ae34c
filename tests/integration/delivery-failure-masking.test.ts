// A province's error text at the job runner (adapters/kit/job-runner.ts): a province may echo the
// applicant back in its error (an ID number). The shipped adapters write their own tables' words,
// so this drives the real job runner, queue and case store with an adapter that quotes its
// province: a transient error, then a permanent refusal, both naming an ID number. The runner's log
// lines and the BullMQ job (its failedReason and stack traces, kept in Redis) carry the number
// masked, the case store holds the reason sealed (no key under the prefix has it in clear), and an
// operator with unmask reads it whole on the dead-letter list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type ProvinceAdapter,
} from '../../adapters/kit/contract.ts';
import { startAdapterWorker, type AdapterWorker } from '../../adapters/kit/job-runner.ts';
import { createStatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import { createWorkerMetrics } from '../../gateway/metrics/worker-metrics.ts';
import { createRedis, redisSettings, type RedisClient } from '../../gateway/shared/redis.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { submit } from '../support/case-flow.ts';
import { inClear, keysUnder, rawBytes } from '../support/personal-scan.ts';
import { plainRedis, waitFor } from '../support/redis.ts';

const ID_NUMBER = '510104199001011234';
const MASKED_ID = '5101**********1234';
const BUSY = `省级平台繁忙：申请人 ${ID_NUMBER} 正在办理中`;
const REFUSED = `申请人 ${ID_NUMBER} 与登记不符`;
const QUERY_FAILED = `查询失败：申请人 ${ID_NUMBER} 的办件正在迁移`;

/**
 * yn as a province that quotes the applicant: a payment (SW-005) busy once, then refused for good;
 * a legal aid case (SF-009) taken, and the status query of it failing with the applicant's number.
 */
function quotingAdapter(): ProvinceAdapter {
  let calls = 0;
  return {
    id: 'yn',
    deliver(request) {
      if (request.itemCode === 'SF-009')
        return Promise.resolve({ provinceCaseNo: 'YN-1', state: 'received', duplicate: false });
      calls += 1;
      return Promise.reject(
        calls === 1 ? new TransientDeliveryError(BUSY) : new PermanentDeliveryError(REFUSED, 'E1'),
      );
    },
    queryStatus() {
      return Promise.reject(new TransientDeliveryError(QUERY_FAILED));
    },
  };
}

let gw: ApiGateway;
let connection: RedisClient;
let worker: AdapterWorker;
const redis = plainRedis();
beforeAll(async () => {
  gw = await startApiGateway({});
  connection = createRedis('worker', redisSettings(gw.config));
  const { store, calendar, registry, logger } = gw.services;
  worker = startAdapterWorker(
    'yn',
    quotingAdapter(),
    {
      concurrency: 1,
      ratePerSecond: 100,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      breaker: { threshold: 1000, coolDownMs: 1000, maxCoolDownMs: 10_000 },
      retry: { attempts: 3, backoffMs: 20 },
    },
    {
      connection,
      bullPrefix: redisKeys(gw.config.keyPrefix).queuePrefix(routeQueueName('yn')),
      breakerKey: redisKeys(gw.config.keyPrefix).breaker('yn'),
      store,
      statusQueries: createStatusQueryRecorder({ store, calendar, registry }),
      itemName: (code) => code,
      log: logger,
      metrics: createWorkerMetrics(),
    },
  );
});
afterAll(async () => {
  await worker?.close();
  connection?.disconnect();
  await gw?.close();
  redis.disconnect();
});

describe("a province's error text quoting the applicant", () => {
  let caseId: string;
  beforeAll(async () => {
    // SW-005 from 四川 goes to yn; the gateway's relay queues it for the worker above.
    caseId = (await submit(gw, 'SW-005')).caseId;
    await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERY_FAILED', {
      timeoutMs: 15_000,
      what: `${caseId} DELIVERY_FAILED`,
    });
    const job = () => gw.services.queues.queue('yn').getJob(caseId);
    await waitFor(async () => (await (await job())?.getState()) === 'failed', {
      what: `the job of ${caseId} failed`,
    });
  });

  it("is logged masked by the runner: the retried attempt's line and the refusal's", () => {
    const lines = gw.logLines().filter((l) => l.caseId === caseId);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'delivery failed; will retry unless last',
        reason: `省级平台繁忙：申请人 ${MASKED_ID} 正在办理中`,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'province refused the case permanently',
        reason: `申请人 ${MASKED_ID} 与登记不符`,
      }),
    );
    expect(JSON.stringify(gw.logLines())).not.toContain(ID_NUMBER);
  });

  it('is masked in the BullMQ job: its failedReason and the stack traces of both attempts', async () => {
    const job = (await gw.services.queues.queue('yn').getJob(caseId))!;
    expect(job.failedReason).toBe(`申请人 ${MASKED_ID} 与登记不符`);
    expect((job.stacktrace ?? []).join('\n')).toContain(MASKED_ID);
    expect((job.stacktrace ?? []).join('\n')).not.toContain(ID_NUMBER);
  });

  it('is in no key under the prefix in clear, the case store and the queue included', async () => {
    const bytes = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    expect(inClear(bytes, [ID_NUMBER])).toEqual([]);
  });

  it('is recorded as the failure reason whole, read as such by an operator with unmask', async () => {
    const res = await gw
      .client('operator-dev')
      .request<{ items: { caseId: string; reason?: string }[] }>('GET', '/v1/admin/dead-letters');
    expect(res.body.items.find((d) => d.caseId === caseId)?.reason).toBe(`refused: ${REFUSED}`);
  });
});

describe("a province's status query error quoting the applicant", () => {
  let caseId: string;
  let jobId: string;
  beforeAll(async () => {
    caseId = (await submit(gw, 'SF-009')).caseId;
    await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERED', {
      timeoutMs: 15_000,
      what: `${caseId} DELIVERED`,
    });
    const claimedAtMs = Date.now();
    jobId = `status-query-${caseId}-${claimedAtMs}`;
    await gw.services.queues.enqueueStatusQuery(caseId, 'yn', claimedAtMs);
    const job = () => gw.services.queues.queue('yn').getJob(jobId);
    await waitFor(async () => (await (await job())?.getState()) === 'failed', {
      what: `the status query ${jobId} failed`,
    });
  });

  it('is logged masked: the status query failed line', () => {
    const lines = gw.logLines().filter((l) => l.caseId === caseId);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'status query failed; asked again after the next silence',
        reason: `查询失败：申请人 ${MASKED_ID} 的办件正在迁移`,
      }),
    );
    expect(JSON.stringify(gw.logLines())).not.toContain(ID_NUMBER);
  });

  it('is masked in the failed status query job: its failedReason and stack trace', async () => {
    const job = (await gw.services.queues.queue('yn').getJob(jobId))!;
    expect(job.failedReason).toBe(`查询失败：申请人 ${MASKED_ID} 的办件正在迁移`);
    expect((job.stacktrace ?? []).join('\n')).not.toContain(ID_NUMBER);
    const bytes = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
    expect(inClear(bytes, [ID_NUMBER])).toEqual([]);
  });
});
