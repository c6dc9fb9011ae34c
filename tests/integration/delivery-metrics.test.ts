// The delivery backlog on any gateway's /metrics (gateway/metrics/delivery-metrics.ts): cases left
// in the outbox while no worker runs, and how long the oldest has waited; then, with a worker, the
// outbox drained, a dead province's jobs delayed on its adapter alone, and a case given up on
// counted as a dead letter. Real gateway and worker on the test Redis; provinces faked with nock.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadAdapterSettings,
  withBaseUrls,
  type AdapterSettingsTable,
} from '../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { waitFor } from '../support/redis.ts';

const HOSTS = { yn: 'http://yn.backlog.test', xz: 'http://xz.backlog.test' };

let gw: ApiGateway;
let workers: RunningWorkers | undefined;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // 云南 is down; 西藏 too, and its adapter gives up after one attempt.
  for (const host of Object.values(HOSTS)) nock(host).persist().post(/.*/).reply(503, 'down');
  // No relay beside the gateway: only the worker started below moves the outbox.
  gw = await startApiGateway({ GW_BREAKER_THRESHOLD: '1000' }, { relay: false });
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The value of one series of the gateway's /metrics, undefined when it is not there. */
const series = (name: string, labels = '') => seriesValue(`${gw.url}/metrics`, name, labels);

let keySeq = 0;
async function submit(item: string): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample(item), `backlog-${Date.now()}-${keySeq++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

function settings(): AdapterSettingsTable {
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), HOSTS);
  return {
    ...base,
    // A long backoff: after its first 503 a yn job waits, delayed, for the rest of the file.
    yn: { ...base.yn, attempts: 5, backoffMs: 600_000 },
    xz: { ...base.xz, attempts: 1, backoffMs: 20 },
  };
}

describe('delivery backlog metrics', () => {
  it('counts cases left in the outbox while no worker relays them, and how long the oldest waited', async () => {
    expect(await series('gw_outbox_cases')).toBe(0);
    expect(await series('gw_outbox_oldest_seconds')).toBe(0);
    await submit('SW-005');
    await submit('SW-005');
    expect(await series('gw_outbox_cases')).toBe(2);
    const waited = await waitFor(async () => {
      const seconds = await series('gw_outbox_oldest_seconds');
      return seconds !== undefined && seconds > 0.05 ? seconds : undefined;
    });
    expect(waited).toBeLessThan(60);
    expect(await series('gw_delivery_jobs', '{adapter="yn",state="waiting"}')).toBe(0);
  });

  it("drains the outbox once a worker runs, and shows a dead province's jobs delayed on its adapter alone", async () => {
    workers = await startWorkers(gw.config, gw.services.logger, {
      adapters: ['yn', 'xz'],
      adapterSettings: settings(),
    });
    await waitFor(async () => (await series('gw_outbox_cases')) === 0, {
      what: 'the outbox drained',
    });
    expect(await series('gw_outbox_oldest_seconds')).toBe(0);
    await waitFor(
      async () => (await series('gw_delivery_jobs', '{adapter="yn",state="delayed"}')) === 2,
      { timeoutMs: 10_000, what: 'both yn jobs delayed after the 503' },
    );
    for (const state of ['waiting', 'active', 'delayed']) {
      expect(await series('gw_delivery_jobs', `{adapter="xz",state="${state}"}`)).toBe(0);
    }
    expect(await series('gw_delivery_jobs', '{adapter="gx",state="waiting"}')).toBe(0);
  });

  it('counts a case whose delivery was given up on as a dead letter until it is replayed', async () => {
    expect(await series('gw_dead_letters')).toBe(0);
    const caseId = await submit('SF-003');
    await waitFor(async () => (await gw.services.store.get(caseId))?.status === 'DELIVERY_FAILED', {
      timeoutMs: 10_000,
      what: 'the xz case given up on',
    });
    expect(await series('gw_dead_letters')).toBe(1);
  });
});
