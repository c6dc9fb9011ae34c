// Personal data at rest, over key changes (gateway/README.md#encryption-at-rest): a record names
// the key that sealed it, so after a rotation old cases still read and deliver; a record under a
// key no longer listed, or with a changed byte, is answered with a clear 500 and becomes a dead
// letter on delivery (never a crash, never a delivery of garbage), and is delivered once the key
// is listed again. Real gateways on one key prefix, real workers, 成都 faked with nock. (Production
// refusing to start without keys: tests/integration/production/start.test.ts.)
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { fakeChengdu, type FakeChengdu } from '../../support/fake-chengdu.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';

const OLD = generateDataKeys('k0');
const NEW = generateDataKeys('k1');
const idOf = (keys: string) => keys.split(':')[0]!;
const prefix = uniquePrefix('keys');
const keys = redisKeys(prefix);
const CHENGDU = 'http://chengdu.data-keys.test';
const redis = plainRedis();
/** The fake 成都 platform: the case ids it was sent (`calls`). */
let chengdu: FakeChengdu;
const open: { close: () => Promise<unknown> }[] = [];

interface Problem {
  code: string;
  detail: string;
}

async function gateway(dataKeys: string): Promise<ApiGateway> {
  const gw = await startApiGateway({ GW_KEY_PREFIX: prefix, GW_DATA_KEYS: dataKeys });
  open.push(gw);
  return gw;
}

async function workersOf(gw: ApiGateway): Promise<RunningWorkers> {
  const settings = withBaseUrls(loadAdapterSettings({ env: 'test' }), { 'sc-chengdu': CHENGDU });
  const workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['sc-chengdu'],
    adapterSettings: {
      ...settings,
      'sc-chengdu': { ...settings['sc-chengdu'], attempts: 2, backoffMs: 20 },
    },
  });
  open.push({ close: () => workers.stop() });
  return workers;
}

let seq = 0;
async function submit(gw: ApiGateway): Promise<string> {
  const res = await gw
    .client('portal-yn')
    .submitCase<{ caseId: string }>(validExample('SW-001'), `keys-${Date.now()}-${seq++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

async function sealedKeyId(caseId: string): Promise<string> {
  const sealed = (await redis.getBuffer(keys.envelope(caseId)))!;
  return sealed.subarray(2, 2 + sealed[1]!).toString();
}

let before: string;
let after: string;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  chengdu = fakeChengdu(CHENGDU);
  const old = await gateway(OLD);
  before = await submit(old);
  await old.close();
});
afterAll(async () => {
  for (const item of open.reverse()) await item.close().catch(() => undefined);
  redis.disconnect();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('key rotation', () => {
  it('seals new cases under the new key and still reads the old ones', async () => {
    const gw = await gateway(`${NEW},${OLD}`);
    after = await submit(gw);
    expect(await sealedKeyId(before)).toBe(idOf(OLD));
    expect(await sealedKeyId(after)).toBe(idOf(NEW));
    for (const caseId of [before, after]) {
      const res = await gw.client('operator-dev').getCase<{ submission: unknown }>(caseId);
      expect(res.body.submission).toEqual(validExample('SW-001'));
    }
  });
});

describe('a record this gateway cannot open', () => {
  let gw: ApiGateway;
  beforeAll(async () => {
    gw = await gateway(NEW);
  });

  it('answers a read of a case under a key no longer listed with a clear 500, and logs why', async () => {
    const res = await gw.client('portal-yn').getCase<Problem>(before);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GW_CASE_DATA_UNREADABLE');
    expect(res.body.detail).toContain(before);
    const line = gw.logLines().find((l) => l.msg === 'stored submission unreadable');
    expect(line).toMatchObject({ caseId: before, problem: 'unknown-key' });
    expect(String(line?.reason)).toContain(idOf(OLD));
    // The rest of the system is unaffected.
    expect((await gw.client('portal-yn').getCase(after)).status).toBe(200);
  });

  it('refuses a tampered record the same way', async () => {
    const victim = await submit(gw);
    const sealed = Buffer.from((await redis.getBuffer(keys.envelope(victim)))!);
    sealed.writeUInt8(sealed.at(-1)! ^ 0x01, sealed.length - 1);
    await redis.set(keys.envelope(victim), sealed);
    const res = await gw.client('portal-yn').getCase<Problem>(victim);
    expect(res).toMatchObject({ status: 500, body: { code: 'GW_CASE_DATA_UNREADABLE' } });
    expect(gw.logLines()).toContainEqual(
      expect.objectContaining({ caseId: victim, problem: 'tampered' }),
    );
  });

  it('makes a dead letter of its delivery instead of sending anything, replayable once the key is back', async () => {
    const blind = await workersOf(gw);
    const failed = await waitFor(
      async () => {
        const record = await gw.services.store.get(before);
        return record?.status === 'DELIVERY_FAILED' ? record : undefined;
      },
      { timeoutMs: 10_000, what: 'the old case in DELIVERY_FAILED' },
    );
    expect(failed && gw.services.store.failureReason(failed)?.reason).toMatch(
      /^stored submission unreadable: sealed under data key "k0-/,
    );
    expect(chengdu.calls).not.toContain(before);

    // The operator lists the old key again: workers that hold it take over.
    await blind.stop();
    const restored = await gateway(`${NEW},${OLD}`);
    await workersOf(restored);
    const replay = await restored
      .client('operator-dev')
      .request('POST', `/v1/admin/dead-letters/${before}/replay`);
    expect(replay.status).toBe(200);
    await waitFor(async () => (await restored.services.store.get(before))?.status === 'DELIVERED', {
      timeoutMs: 10_000,
      what: 'the old case delivered',
    });
    expect(chengdu.calls).toContain(before);
  });
});
