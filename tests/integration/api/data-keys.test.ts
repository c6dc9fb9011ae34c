// Personal data at rest, over key changes (gateway/README.md#encryption-at-rest): a record names
// the key that sealed it, so after a rotation old cases still read and deliver; a record under a
// key no longer listed, or with a changed byte, is answered with a clear 500 and becomes a dead
// letter on delivery (never a crash, never a delivery of garbage), and is delivered once the key
// is listed again. Real gateways on one key prefix, real workers, 成都 faked with nock.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { plainRedis, testRedisUrl, uniquePrefix, waitFor } from '../../support/redis.ts';

const OLD = generateDataKeys('k0');
const NEW = generateDataKeys('k1');
const idOf = (keys: string) => keys.split(':')[0]!;
const prefix = uniquePrefix('keys');
const keys = redisKeys(prefix);
const CHENGDU = 'http://chengdu.data-keys.test';
const redis = plainRedis();
const delivered: string[] = [];
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
  const sealed = (await redis.hgetBuffer(keys.case(caseId), 'envelope'))!;
  return sealed.subarray(2, 2 + sealed[1]!).toString();
}

let before: string;
let after: string;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(CHENGDU)
    .persist()
    .post(/.*/)
    .reply(async (request: Request) => {
      delivered.push((JSON.parse(await request.text()) as { externalRef: string }).externalRef);
      return [201, { applicationNo: `CD-${delivered.length}` }];
    });
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
    const sealed = Buffer.from((await redis.hgetBuffer(keys.case(victim), 'envelope'))!);
    sealed.writeUInt8(sealed.at(-1)! ^ 0x01, sealed.length - 1);
    await redis.hset(keys.case(victim), 'envelope', sealed);
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
    expect(failed?.failureReason).toMatch(
      /^stored submission unreadable: sealed under data key "k0-/,
    );
    expect(delivered).not.toContain(before);

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
    expect(delivered).toContain(before);
  });
});

describe('production', () => {
  const main = new URL('../../../gateway/main.ts', import.meta.url).pathname;
  let dir = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `npm run start:gateway` in production mode: its exit code (or 'running') and its output. */
  function startProduction(extra: Record<string, string>) {
    dir ||= mkdtempSync(join(tmpdir(), 'swgw-prod-'));
    const clientsFile = join(dir, 'clients.json');
    const secret = 'p'.repeat(40);
    writeFileSync(
      clientsFile,
      JSON.stringify([{ id: 'portal-x', kind: 'portal', province: '51', secret }]),
    );
    // The run's test key is in the environment: this process must get only what `extra` gives.
    const { GW_DATA_KEYS: _testKeys, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      GW_ENV: 'production',
      GW_CLIENTS_FILE: clientsFile,
      REDIS_URL: testRedisUrl(),
      GW_KEY_PREFIX: uniquePrefix('prod'),
      PORT: '0',
      GW_HOST: '127.0.0.1',
      ...extra,
    };
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, exit, output: () => output };
  }

  it('refuses to start without GW_DATA_KEYS, saying why', async () => {
    const started = startProduction({});
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('GW_DATA_KEYS is required in production');
    expect(started.output()).not.toContain('gateway listening');
  });

  it('starts with GW_DATA_KEYS', async () => {
    const started = startProduction({ GW_DATA_KEYS: NEW });
    await waitFor(() => started.output().includes('gateway listening'), {
      timeoutMs: 15_000,
      what: 'the production gateway listening',
    });
    started.child.kill('SIGTERM');
    expect(await started.exit).toBe(0);
  });
});
