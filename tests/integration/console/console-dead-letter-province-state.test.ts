// Before a replay the operator must see whether the province is back
// (gateway/console/province-state.ts): an adapter whose circuit breaker paused it says so, since
// when, in Chinese and English, on the dead letter's page and its replay's confirmation; a healthy
// adapter shows when the province last took a delivery. Real gateway, real workers (BullMQ on the
// test Redis, the breaker recording its changes); the provinces are faked at the network with nock.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { readBreakerRecord, type BreakerChange } from '../../../adapters/kit/circuit-breaker.ts';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import { chinaTime } from '../../../gateway/shared/china-time.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { waitFor } from '../../support/redis.ts';

const HOSTS = { gx: 'http://gx.province-state.test', xz: 'http://xz.province-state.test' };
const BUSY = { status: 503, body: 'busy' };
/** xz answers its script first, then takes every case. */
const xzScript: { status: number; body: nock.Body }[] = [];

let gw: ApiGateway;
let workers: RunningWorkers;
let dev: ConsoleClient;
let keySeq = 0;

async function submit(item: string): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample(item), `province-state-${Date.now()}-${keySeq++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

async function caseOnceIn(caseId: string, status: string): Promise<void> {
  await waitFor(async () => (await gw.services.store.get(caseId))?.status === status || undefined, {
    timeoutMs: 10_000,
    what: `case ${caseId} ${status}`,
  });
}

const at = (ms: number) => chinaTime(new Date(ms).toISOString());
/** What the page reads as: tags (a time is a <time> element) out, spaces collapsed. */
const shown = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(HOSTS.gx).persist().post(/.*/).reply(BUSY.status, BUSY.body);
  nock(HOSTS.xz)
    .persist()
    .post(/.*/)
    .reply(() => {
      const answer = xzScript.shift() ?? { status: 202, body: { ticket: 'XZ-0001' } };
      return [answer.status, answer.body];
    });
  // Two transient failures open a breaker, and an open one stays open for this file.
  gw = await startApiGateway({
    GW_BREAKER_THRESHOLD: '2',
    GW_BREAKER_COOL_DOWN_MS: '3600000',
    GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
  });
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), HOSTS);
  workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['gx', 'xz'],
    adapterSettings: {
      ...base,
      gx: { ...base.gx, attempts: 1, backoffMs: 20 },
      xz: { ...base.xz, attempts: 1, backoffMs: 20 },
    },
  });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('whether the province is back, before a replay', () => {
  it('says a paused adapter is held by its circuit breaker, since when, on the dead letter and its replay confirmation', async () => {
    // Each gx case fails for good at its one attempt; the second failure opens gx's breaker.
    const first = await submit('SJ-003');
    await caseOnceIn(first, 'DELIVERY_FAILED');
    const second = await submit('SJ-003');
    await caseOnceIn(second, 'DELIVERY_FAILED');
    const key = redisKeys(gw.config.keyPrefix).breaker('gx');
    const opened = (await waitFor(
      async () => {
        const record = await readBreakerRecord(gw.services.redis, key);
        return record?.state === 'open' ? record : undefined;
      },
      { what: 'gx breaker recorded open' },
    )) as BreakerChange;
    expect(opened.probeAtMs).toBeGreaterThan(opened.atMs);

    for (const path of [
      `/console/dead-letters/${first}/replay`,
      `/console/dead-letters/${first}`,
    ]) {
      const page = await dev.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toMatch(/id="adapter-breaker"\s+data-breaker="open"/);
      expect(shown(page.text), path).toContain(
        `广西壮族自治区 接口熔断中（自 ${at(opened.atMs)} 起，下次探测 ${at(opened.probeAtMs ?? 0)}），重放将排队等待恢复`,
      );
      expect(shown(page.text), path).toContain(
        `the adapter is paused by its circuit breaker since ${at(opened.atMs)}`,
      );
    }
  });

  it('shows for a healthy adapter when the province last took a delivery, and its last dead letter', async () => {
    // xz refuses one case (it dies at its one attempt), then takes the next.
    xzScript.push(BUSY);
    const dead = await submit('SF-003');
    await caseOnceIn(dead, 'DELIVERY_FAILED');
    const taken = await submit('SF-003');
    await caseOnceIn(taken, 'DELIVERED');
    const queue = gw.services.queues.queue('xz');
    const finishedOn = (await waitFor(
      async () => {
        const job = await queue.getJob(taken);
        return job?.finishedOn && (await job.getState()) === 'completed'
          ? job.finishedOn
          : undefined;
      },
      { what: 'the delivered job completed' },
    )) as number;
    const failedOn = (await queue.getJob(dead))?.finishedOn ?? 0;

    const page = await dev.get(`/console/dead-letters/${dead}/replay`);
    expect(page.status).toBe(200);
    // One transient failure, then a success: the breaker never opened.
    expect(page.text).toMatch(/id="adapter-breaker"\s+data-breaker="unknown"/);
    const delivered = page.text.slice(page.text.indexOf('id="adapter-last-delivered"'));
    expect(delivered).toMatch(
      new RegExp(`^id="adapter-last-delivered"\\s+data-at="${finishedOn}"`),
    );
    expect(shown(delivered.slice(0, delivered.indexOf('</p>')))).toContain(`${at(finishedOn)} ·`);
    expect(delivered.slice(0, delivered.indexOf('</p>'))).toContain(taken);
    const lastDead = page.text.slice(page.text.indexOf('id="adapter-last-dead-letter"'));
    expect(shown(lastDead.slice(0, lastDead.indexOf('</p>')))).toContain(`${at(failedOn)} ·`);
    expect(lastDead.slice(0, lastDead.indexOf('</p>'))).toContain(dead);
  });
});
