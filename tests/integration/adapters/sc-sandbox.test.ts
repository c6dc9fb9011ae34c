// 天府通办 sandbox, dialect specifics (the shared contract is tests/integration/adapters/contract.test.ts):
// the platform's signature checks in order — app id, timestamp window, nonce once, signature over
// the body — and its business refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError } from '../../../adapters/kit/contract.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import { createScAdapter, type ScSettings } from '../../../adapters/sc/sc-adapter.ts';
import { createScSandbox } from '../../../adapters/sc/sc-sandbox.ts';
import { scSignedHeaders } from '../../../adapters/sc/sc-signing.ts';
import { SC_SUBMIT_PATH, toShenqing, type ScShenqing } from '../../../adapters/sc/sc-wire.ts';
import { PERSONAL, sampleDelivery, testContext } from '../../support/province-test-kit.ts';

const credentials = { appId: 'swgw-test', appSecret: 'sc-test-secret' };
let sandbox: Sandbox;
let settings: ScSettings;
const delivery = () => sampleDelivery({ targetRegion: '510703' });

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${settings.baseUrl}${SC_SUBMIT_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { code: string; data?: { slbh: string } },
  };
}

async function refusal(adapterSettings: ScSettings, request = delivery()) {
  const error: unknown = await createScAdapter(adapterSettings)
    .deliver(request, testContext().context)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentDeliveryError);
  return (error as PermanentDeliveryError).provinceCode;
}

beforeAll(async () => {
  sandbox = createScSandbox({ settings: credentials });
  const { url } = await sandbox.start(0);
  settings = { baseUrl: url, timeoutMs: 2000, ...credentials };
});
afterAll(() => sandbox.stop());

describe('sc sandbox', () => {
  it('keeps the case as the platform decoded it, under pinyin field names', async () => {
    const request = delivery();
    const result = await createScAdapter(settings).deliver(request, testContext().context);
    const stored = sandbox.received().find((c) => c.caseId === request.caseId);
    expect(stored?.provinceCaseNo).toBe(result.provinceCaseNo);
    expect(result.provinceCaseNo).toMatch(/^SC\d{14}$/);
    const data = stored?.data as unknown as ScShenqing;
    expect(data.shenqingren).toMatchObject({
      mingcheng: PERSONAL.name,
      zhengjianhaoma: PERSONAL.idNumber,
    });
    expect(data.yewushuju).toEqual(request.payload);
  });

  it('refuses a wrong secret with 10001 and an unknown app id with 10003', async () => {
    expect(await refusal({ ...settings, appSecret: 'guessed' })).toBe('10001');
    expect(await refusal({ ...settings, appId: 'someone-else' })).toBe('10003');
  });

  it('accepts a nonce once (10004 on replay) and refuses a stale timestamp (10002)', async () => {
    const body = JSON.stringify(toShenqing(delivery()));
    const headers = scSignedHeaders(credentials, { method: 'POST', path: SC_SUBMIT_PATH, body });
    expect((await post(body, headers)).body.code).toBe('0');
    const replay = await post(body, headers);
    expect([replay.status, replay.body.code]).toEqual([401, '10004']);
    const stale = scSignedHeaders(
      credentials,
      { method: 'POST', path: SC_SUBMIT_PATH, body },
      Date.now() - 10 * 60_000,
    );
    expect((await post(body, stale)).body.code).toBe('10002');
  });

  it('refuses a body that is not the one signed (10001)', async () => {
    const body = JSON.stringify(toShenqing(delivery()));
    const headers = scSignedHeaders(credentials, { method: 'POST', path: SC_SUBMIT_PATH, body });
    const tampered = body.replace(PERSONAL.idNumber, '110101199003071234');
    expect((await post(tampered, headers)).body.code).toBe('10001');
  });

  it('refuses a handling region outside 四川 with 20003 and an incomplete body with 20001', async () => {
    expect(await refusal(settings, sampleDelivery({ targetRegion: '530323' }))).toBe('20003');
    const body = JSON.stringify({ yewuliushuihao: 'CASE-X' });
    const headers = scSignedHeaders(credentials, { method: 'POST', path: SC_SUBMIT_PATH, body });
    expect((await post(body, headers)).body.code).toBe('20001');
  });
});
