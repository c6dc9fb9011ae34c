// Retries do what the configuration says (adapters/kit/retry-policy.ts): each adapter gives up
// after its own `attempts`; a province's Retry-After sets the delay of the next attempt; a 429
// pauses only that adapter's queue and spends no attempt. Real gateway, real workers (BullMQ on
// the test Redis); the provinces are faked at the network with nock.
import { Queue } from 'bullmq';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadAdapterSettings,
  withBaseUrls,
  type AdapterSettingsTable,
} from '../../adapters/kit/adapter-config.ts';
import type { AdapterId } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import type { CaseRecord } from '../../gateway/cases/case-record.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';

/** What a fake province answers, call by call; once the script is used up, `otherwise`. */
interface Answer {
  status: number;
  body: nock.Body;
  headers?: Record<string, string>;
}

interface FakeProvince {
  calls: { at: number; caseId: string }[];
  script: Answer[];
}

const HOSTS: Partial<Record<AdapterId, string>> = {
  yn: 'http://yn.retries.test',
  gx: 'http://gx.retries.test',
  'sc-chengdu': 'http://chengdu.retries.test',
  xz: 'http://xz.retries.test',
};
const BUSY: Answer = { status: 503, body: 'busy' };
const provinces = new Map<AdapterId, FakeProvince>();

/** Answers every POST to the adapter's host from its script; reads the case id of JSON bodies. */
function fakeProvince(adapter: AdapterId, otherwise: Answer): FakeProvince {
  const province: FakeProvince = { calls: [], script: [] };
  nock(HOSTS[adapter] ?? '')
    .persist()
    .post(/.*/)
    // nock 15 hands a full reply function the fetch Request itself.
    .reply(async (request: Request) => {
      province.calls.push({ at: Date.now(), caseId: caseIdOf(await request.text()) });
      const answer = province.script.shift() ?? otherwise;
      return [answer.status, answer.body, answer.headers ?? {}];
    });
  provinces.set(adapter, province);
  return province;
}

/** The case id of a JSON body (xz's businessNo, 成都's externalRef); '' for XML and forms. */
function caseIdOf(text: string): string {
  try {
    const body = JSON.parse(text) as { businessNo?: string; externalRef?: string };
    return body.businessNo ?? body.externalRef ?? '';
  } catch {
    return '';
  }
}

const yn = () => provinces.get('yn')!;
const gx = () => provinces.get('gx')!;
const chengdu = () => provinces.get('sc-chengdu')!;
const xz = () => provinces.get('xz')!;

/** Each adapter's retry settings, as config/adapters.json would give them. */
function settings(): AdapterSettingsTable {
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), HOSTS);
  return {
    ...base,
    yn: { ...base.yn, attempts: 2, backoffMs: 20 },
    gx: { ...base.gx, attempts: 3, backoffMs: 20 },
    'sc-chengdu': { ...base['sc-chengdu'], attempts: 3, backoffMs: 20 },
    xz: { ...base.xz, attempts: 1, backoffMs: 20 },
  };
}

let gw: ApiGateway;
let workers: RunningWorkers;
const queues: Queue[] = [];
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  fakeProvince('yn', BUSY);
  fakeProvince('gx', BUSY);
  fakeProvince('sc-chengdu', { status: 201, body: { applicationNo: 'CD-0001' } });
  fakeProvince('xz', { status: 202, body: { ticket: 'XZ-0001' } });
  // A breaker that never opens here: these tests are about the retries alone.
  gw = await startApiGateway({ GW_BREAKER_THRESHOLD: '1000' });
  workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['yn', 'gx', 'sc-chengdu', 'xz'],
    adapterSettings: settings(),
  });
});
afterAll(async () => {
  await workers?.stop();
  await Promise.all(queues.map((q) => q.close()));
  await gw?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** One valid case for the adapter, submitted by a portal; returns its case id. */
const CASES: Partial<Record<AdapterId, [item: string, portal: string]>> = {
  yn: ['SW-005', 'portal-sc'],
  gx: ['SJ-003', 'portal-sc'],
  'sc-chengdu': ['SW-001', 'portal-yn'],
  xz: ['SF-003', 'portal-sc'],
};
let keySeq = 0;
async function submitFor(adapter: AdapterId): Promise<string> {
  const [item, portal] = CASES[adapter] ?? ['', ''];
  const res = await gw
    .client(portal)
    .submitCase<{ caseId: string; route: { adapter?: string } }>(
      validExample(item),
      `retries-${Date.now()}-${keySeq++}`,
    );
  expect(res.status).toBe(202);
  expect(res.body.route.adapter).toBe(adapter);
  return res.body.caseId;
}

async function caseOnceIn(caseId: string, status: string, timeoutMs = 10_000): Promise<CaseRecord> {
  return (await waitFor(
    async () => {
      const record = await gw.services.store.get(caseId);
      return record?.status === status ? record : undefined;
    },
    { timeoutMs, what: `case ${caseId} ${status}` },
  )) as CaseRecord;
}

function deliveryQueue(adapter: AdapterId): Queue {
  const name = routeQueueName(adapter);
  const queue = new Queue(name, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(name),
  });
  queues.push(queue);
  return queue;
}

async function attemptsMade(adapter: AdapterId, caseId: string): Promise<number | undefined> {
  return (await deliveryQueue(adapter).getJob(caseId))?.attemptsMade;
}

describe('attempts per adapter', () => {
  it('gives up after each adapter its own number of attempts (yn 2, gx 3), the reason stored sealed', async () => {
    const [ynCase, gxCase] = await Promise.all([submitFor('yn'), submitFor('gx')]);
    const [ynFailed, gxFailed] = await Promise.all([
      caseOnceIn(ynCase, 'DELIVERY_FAILED'),
      caseOnceIn(gxCase, 'DELIVERY_FAILED'),
    ]);
    const reasonOf = (record: CaseRecord) => gw.services.store.failureReason(record)?.reason;
    expect(reasonOf(ynFailed)).toMatch(/^gave up after 2 attempts/);
    expect(reasonOf(gxFailed)).toMatch(/^gave up after 3 attempts/);
    // At rest the reason is sealed (gateway/cases/failure-reason.ts): no clear field, and the
    // failure's history entry holds a sealed note.
    const keys = redisKeys(gw.config.keyPrefix);
    const redis = gw.services.redis;
    expect(await redis.hexists(keys.case(ynCase), 'failureReason')).toBe(0);
    expect(await redis.hget(keys.case(ynCase), 'sealedFailureReason')).toMatch(
      /^[A-Za-z0-9+/]+=*$/,
    );
    const failure = (await redis.lrange(keys.history(ynCase), 0, -1))
      .map((e) => JSON.parse(e) as { status: string; note?: string; sealedNote?: string })
      .find((e) => e.status === 'DELIVERY_FAILED');
    expect(failure?.sealedNote).toBeDefined();
    expect(failure?.note).toBeUndefined();
    // yn and gx see no other case in this file.
    expect(yn().calls).toHaveLength(2);
    expect(gx().calls).toHaveLength(3);
    await waitFor(async () => (await attemptsMade('gx', gxCase)) === 3, {
      what: 'the gx job failed after 3 attempts',
    });
    expect(await attemptsMade('yn', ynCase)).toBe(2);
  });
});

describe("a province's Retry-After", () => {
  it('delays the next attempt by at least the time the province asked for', async () => {
    chengdu().script.push({
      status: 503,
      body: { code: 'service-unavailable' },
      headers: { 'retry-after': '1' },
    });
    const caseId = await submitFor('sc-chengdu');
    await caseOnceIn(caseId, 'DELIVERED');
    const calls = chengdu().calls.filter((c) => c.caseId === caseId);
    expect(calls).toHaveLength(2);
    // The adapter's own backoff is 20 ms: only the Retry-After explains a second's wait.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe('a 429 from a province', () => {
  it('pauses only that adapter’s queue, for its Retry-After, without spending an attempt', async () => {
    xz().script.push({
      status: 429,
      body: { errorCode: 'RATE_LIMITED' },
      headers: { 'retry-after': '3' },
    });
    const first = await submitFor('xz');
    const limited = await waitFor(() => xz().calls.find((c) => c.caseId === first), {
      what: 'the 429',
    });
    if (!limited) throw new Error('waitFor resolves with the call it found');
    // While xz is paused, a 成都 case goes through; xz has not been called again by then, not even
    // for a second xz case queued meanwhile.
    const second = await submitFor('xz');
    const other = await submitFor('sc-chengdu');
    await caseOnceIn(other, 'DELIVERED');
    expect(xz().calls.map((c) => c.caseId)).toEqual([first]);

    // xz allows one attempt: a 429 that counted as one would have made the case a dead letter.
    await caseOnceIn(first, 'DELIVERED');
    await caseOnceIn(second, 'DELIVERED');
    const retried = xz().calls.filter((c) => c.caseId === first);
    expect(retried).toHaveLength(2);
    expect(retried[1]!.at - limited.at).toBeGreaterThanOrEqual(3000);
    const secondCall = xz().calls.find((c) => c.caseId === second);
    expect(secondCall!.at - limited.at).toBeGreaterThanOrEqual(3000);
    const history = await gw.services.store.history(first);
    expect(history.map((h) => h.status)).not.toContain('DELIVERY_FAILED');
    await waitFor(async () => (await attemptsMade('xz', first)) === 1, {
      what: 'the xz job completed on its one attempt',
    });
  });
});
