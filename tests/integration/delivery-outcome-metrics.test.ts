// A worker's delivery outcomes and province call durations (gateway/metrics/worker-metrics.ts),
// counted by the job runner where it decides them (adapters/README.md#job-runner): a delivered
// case, a province that already had the case, a province throttling us (429), and a province
// answering 503 until the adapter's attempts are spent; and its status queries' outcomes and
// durations (answered, not-found, failed, skipped), apart from the deliveries'. Real gateway, real workers (startWorkers, BullMQ on the test Redis); the
// provinces are faked at the network with nock, as in delivery-retries.test.ts.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadAdapterSettings,
  withBaseUrls,
  type AdapterSettingsTable,
} from '../../adapters/kit/adapter-config.ts';
import type { AdapterId } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import {
  DELIVERIES,
  PROVINCE_REQUEST_DURATION,
  STATUS_QUERIES,
  STATUS_QUERY_DURATION,
  type DeliveryOutcomeLabel,
  type StatusQueryOutcomeLabel,
} from '../../gateway/metrics/worker-metrics.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';

const YN = 'http://yn.outcome-metrics.test';
const CHENGDU = 'http://chengdu.outcome-metrics.test';
/** What 成都 answers next: 201 a new case, 200 one it already had (its idempotent repeat). */
let chengduStatus = 201;
/** 429s 成都 answers before its next status, each with Retry-After: 1. */
let chengduThrottles = 0;
let ynCalls = 0;
/** What 成都's status endpoint answers next: 200 with its application number, 404 or 503. */
let chengduQueryStatus = 200;

function settings(): AdapterSettingsTable {
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), {
    yn: YN,
    'sc-chengdu': CHENGDU,
  });
  return {
    ...base,
    yn: { ...base.yn, attempts: 3, backoffMs: 20 },
    'sc-chengdu': { ...base['sc-chengdu'], attempts: 3, backoffMs: 20 },
  };
}

let gw: ApiGateway;
let workers: RunningWorkers;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(YN)
    .persist()
    .post(/.*/)
    .reply(() => {
      ynCalls += 1;
      return [503, 'busy'];
    });
  nock(CHENGDU)
    .persist()
    .post(/.*/)
    .reply(async (request: Request) => {
      const { externalRef } = JSON.parse(await request.text()) as { externalRef: string };
      if (chengduThrottles > 0) {
        chengduThrottles -= 1;
        return [429, { error: 'too many requests' }, { 'retry-after': '1' }];
      }
      return [chengduStatus, { applicationNo: `CD-${externalRef}` }];
    })
    .get(/.*/)
    .reply(() =>
      chengduQueryStatus === 200
        ? [200, { applicationNo: 'CD-queried', timeline: [] }]
        : [chengduQueryStatus, { code: 'status' }],
    );
  // A breaker that never opens here: every attempt reaches the province.
  gw = await startApiGateway({ GW_BREAKER_THRESHOLD: '1000' });
  workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['yn', 'sc-chengdu'],
    adapterSettings: settings(),
  });
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

let keySeq = 0;
async function submitFor(adapter: AdapterId): Promise<string> {
  const [item, portal] = adapter === 'yn' ? ['SW-005', 'portal-sc'] : ['SW-001', 'portal-yn'];
  const res = await gw
    .client(portal)
    .submitCase<{ caseId: string; route: { adapter?: string } }>(
      validExample(item),
      `outcome-metrics-${Date.now()}-${keySeq++}`,
    );
  expect(res.status).toBe(202);
  expect(res.body.route.adapter).toBe(adapter);
  return res.body.caseId;
}

async function caseOnceIn(caseId: string, status: string): Promise<void> {
  await waitFor(async () => (await gw.services.store.get(caseId))?.status === status, {
    timeoutMs: 10_000,
    what: `case ${caseId} ${status}`,
  });
}

/** One series' value on the worker's registry (a histogram's by its _count/_sum name). */
async function value(
  name: string,
  labels: Record<string, string>,
  series: string = name,
): Promise<number> {
  const metric = await workers.metrics.registry.getSingleMetric(name)?.get();
  const found = metric?.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? name) === series &&
      Object.entries(labels).every(([key, wanted]) => v.labels[key] === wanted),
  );
  return found?.value ?? 0;
}

const outcome = (adapter: AdapterId, outcome: DeliveryOutcomeLabel) =>
  value(DELIVERIES, { adapter, outcome });
const provinceCalls = (adapter: AdapterId) =>
  value(PROVINCE_REQUEST_DURATION, { adapter }, `${PROVINCE_REQUEST_DURATION}_count`);

describe('delivery outcome metrics', () => {
  it('shows every outcome of a started adapter at 0 before its first job', async () => {
    const text = await workers.metrics.registry.metrics();
    for (const o of ['delivered', 'duplicate', 'retry', 'rate-limited', 'failed', 'skipped']) {
      expect(text).toContain(`${DELIVERIES}{adapter="yn",outcome="${o}"}`);
    }
  });

  it('counts a delivered case as outcome="delivered" and its province call as one duration observation', async () => {
    chengduStatus = 201;
    const [deliveredBefore, callsBefore] = [
      await outcome('sc-chengdu', 'delivered'),
      await provinceCalls('sc-chengdu'),
    ];
    const caseId = await submitFor('sc-chengdu');
    await caseOnceIn(caseId, 'DELIVERED');
    await waitFor(async () => (await outcome('sc-chengdu', 'delivered')) === deliveredBefore + 1, {
      what: 'the delivery counted',
    });
    expect(await provinceCalls('sc-chengdu')).toBe(callsBefore + 1);
    const sum = await value(
      PROVINCE_REQUEST_DURATION,
      { adapter: 'sc-chengdu' },
      `${PROVINCE_REQUEST_DURATION}_sum`,
    );
    expect(sum).toBeGreaterThan(0);
    expect(await outcome('sc-chengdu', 'retry')).toBe(0);
    // Labels never carry a case id.
    expect(await workers.metrics.registry.metrics()).not.toContain(caseId);
  });

  it('counts a case the province already had (its 200 repeat) as outcome="duplicate"', async () => {
    chengduStatus = 200;
    const before = await outcome('sc-chengdu', 'duplicate');
    const caseId = await submitFor('sc-chengdu');
    await caseOnceIn(caseId, 'DELIVERED');
    await waitFor(async () => (await outcome('sc-chengdu', 'duplicate')) === before + 1, {
      what: 'the duplicate counted',
    });
  });

  it('counts a 429 as outcome="rate-limited", not retry, and the delivery after its pause as delivered', async () => {
    const before = {
      limited: await outcome('sc-chengdu', 'rate-limited'),
      retry: await outcome('sc-chengdu', 'retry'),
      delivered: await outcome('sc-chengdu', 'delivered'),
    };
    chengduStatus = 201;
    chengduThrottles = 1;
    const caseId = await submitFor('sc-chengdu');
    await caseOnceIn(caseId, 'DELIVERED');
    await waitFor(async () => (await outcome('sc-chengdu', 'delivered')) === before.delivered + 1, {
      what: 'the delivery after the pause counted',
    });
    expect(await outcome('sc-chengdu', 'rate-limited')).toBe(before.limited + 1);
    expect(await outcome('sc-chengdu', 'retry')).toBe(before.retry);
  });

  it('counts a 503 province as retry on each attempt but the last, then failed (yn: 3 attempts)', async () => {
    const caseId = await submitFor('yn');
    await caseOnceIn(caseId, 'DELIVERY_FAILED');
    await waitFor(async () => (await outcome('yn', 'failed')) === 1, {
      what: 'the dead letter counted',
    });
    expect(ynCalls).toBe(3);
    expect(await outcome('yn', 'retry')).toBe(2);
    expect(await outcome('yn', 'delivered')).toBe(0);
    expect(await provinceCalls('yn')).toBe(3);
    expect(await workers.metrics.registry.metrics()).not.toContain(caseId);
  });
});

describe('status query metrics', () => {
  const queried = (o: StatusQueryOutcomeLabel) =>
    value(STATUS_QUERIES, { adapter: 'sc-chengdu', outcome: o });
  const timedQueries = () =>
    value(STATUS_QUERY_DURATION, { adapter: 'sc-chengdu' }, `${STATUS_QUERY_DURATION}_count`);
  let deliveredCase: string;
  let claims = 0;
  /** Queues a status query of `caseId` as the silence watch does, and waits until it counted. */
  async function query(caseId: string, outcome: StatusQueryOutcomeLabel): Promise<void> {
    const before = await queried(outcome);
    await gw.services.queues.enqueueStatusQuery(caseId, 'sc-chengdu', Date.now() + claims++);
    await waitFor(async () => (await queried(outcome)) === before + 1, {
      what: `a status query counted ${outcome}`,
    });
  }

  beforeAll(async () => {
    chengduStatus = 201;
    deliveredCase = await submitFor('sc-chengdu');
    await caseOnceIn(deliveredCase, 'DELIVERED');
  });

  it('shows every status query outcome of a started adapter at 0 before its first query', async () => {
    const text = await workers.metrics.registry.metrics();
    for (const o of ['answered', 'not-found', 'failed', 'skipped']) {
      expect(text).toContain(`${STATUS_QUERIES}{adapter="yn",outcome="${o}"} 0`);
    }
  });

  it('counts an answered query as outcome="answered" and times it in its own histogram, not the delivery one', async () => {
    chengduQueryStatus = 200;
    const [timed, deliveries] = [await timedQueries(), await provinceCalls('sc-chengdu')];
    await query(deliveredCase, 'answered');
    expect(await timedQueries()).toBe(timed + 1);
    expect(
      await value(STATUS_QUERY_DURATION, { adapter: 'sc-chengdu' }, `${STATUS_QUERY_DURATION}_sum`),
    ).toBeGreaterThan(0);
    expect(await provinceCalls('sc-chengdu')).toBe(deliveries);
  });

  it('counts a 404 as outcome="not-found" and a 503 as outcome="failed", each timed', async () => {
    const timed = await timedQueries();
    chengduQueryStatus = 404;
    await query(deliveredCase, 'not-found');
    chengduQueryStatus = 503;
    await query(deliveredCase, 'failed');
    expect(await timedQueries()).toBe(timed + 2);
  });

  it('counts a query of a case that is gone as outcome="skipped", with no province call timed', async () => {
    const timed = await timedQueries();
    await query('no-such-case', 'skipped');
    expect(await timedQueries()).toBe(timed);
  });
});
