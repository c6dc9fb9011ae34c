// 广西 adapter against its real sandbox on port 0: HMAC-SM3 sign checked, biz_no idempotency,
// fault knobs, and the progression posted back as province-gx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import {
  createGxAdapter,
  GX_GATEWAY_PATH,
  type GxSettings,
} from '../../../adapters/gx/gx-adapter.ts';
import { caseForm, gxSign } from '../../../adapters/gx/gx-form.ts';
import { createGxSandbox, type GxReceived } from '../../../adapters/gx/gx-sandbox.ts';
import {
  PERSONAL,
  sampleDelivery,
  startEventSink,
  testContext,
  waitFor,
} from '../../support/province-test-kit.ts';

const credentials = { appId: 'swgw-dev', appSecret: 'dev-gx-secret' };
let sandbox: Sandbox;
let sink: Awaited<ReturnType<typeof startEventSink>>;
let settings: GxSettings;

async function postForm(
  form: Record<string, string>,
): Promise<{ code: string; sub_code?: string }> {
  const res = await fetch(`${settings.baseUrl}${GX_GATEWAY_PATH}`, {
    method: 'POST',
    body: new URLSearchParams(form),
  });
  return (await res.json()) as { code: string; sub_code?: string };
}

beforeAll(async () => {
  sink = await startEventSink('province-gx');
  sandbox = createGxSandbox({
    settings: credentials,
    progression: { gatewayUrl: sink.url, secret: sink.secret, delaysMs: 0, retryBaseMs: 10 },
  });
  const { url } = await sandbox.start(0);
  settings = { baseUrl: url, timeoutMs: 2000, ...credentials };
});

afterAll(async () => {
  await sandbox.stop();
  await sink.close();
});

describe('gx sandbox', () => {
  it('creates one provincial case for two deliveries, and progresses it as province-gx', async () => {
    const adapter = createGxAdapter(settings);
    const request = sampleDelivery();
    const first = await adapter.deliver(request, testContext().context);
    const second = await adapter.deliver(request, testContext().context);
    expect(first.provinceCaseNo).toMatch(/^GX\d{14}$/);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const stored = sandbox.received().filter((c) => c.caseId === request.caseId);
    expect(stored).toHaveLength(1);
    const data = stored[0]?.data as unknown as GxReceived;
    expect(data.form.applicant_name).toBe(PERSONAL.name);
    expect(data.payload).toEqual(request.payload);
    const events = await waitFor(() => {
      const mine = sink.events.filter((e) => e.caseId === request.caseId);
      return mine.length === 4 ? mine : undefined;
    });
    expect(events.map((e) => e.body.type)).toEqual([
      'accepted',
      'in-progress',
      'decided',
      'result-delivered',
    ]);
    expect(events[0]?.body.provinceCaseNo).toBe(first.provinceCaseNo);
  });

  it('refuses a wrong secret, an altered field, a stale timestamp and a replayed nonce', async () => {
    const wrong = createGxAdapter({ ...settings, appSecret: 'guessed' });
    const error = await wrong
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('isv.invalid-signature');

    const form = caseForm(sampleDelivery(), credentials.appId, credentials.appSecret);
    expect(await postForm({ ...form, cert_no: '110101199001011234' })).toMatchObject({
      sub_code: 'isv.invalid-signature',
    });
    const stale = caseForm(sampleDelivery(), credentials.appId, credentials.appSecret);
    const unsigned: Record<string, string> = { ...stale, timestamp: '2020-01-01 00:00:00' };
    delete unsigned.sign;
    const resigned = { ...unsigned, sign: gxSign(unsigned, credentials.appSecret) };
    expect(await postForm(resigned)).toMatchObject({ sub_code: 'isv.invalid-timestamp' });
    expect(await postForm(form)).toMatchObject({ code: '10000' });
    expect(await postForm(form)).toMatchObject({ sub_code: 'isv.nonce-repeated' });
  });

  it('answers the fault knobs: forced refusal, system busy, latency, down', async () => {
    const adapter = createGxAdapter({ ...settings, timeoutMs: 300 });
    const deliver = () => adapter.deliver(sampleDelivery(), testContext().context);
    await sandbox.setFaults({ refuseNext: 1 });
    await expect(deliver()).rejects.toBeInstanceOf(PermanentDeliveryError);
    await sandbox.setFaults({ errorRate: 1 });
    await expect(deliver()).rejects.toThrow(/code 20000/);
    await sandbox.setFaults({ errorRate: 0, latencyMs: 1000 });
    await expect(deliver()).rejects.toBeInstanceOf(TransientDeliveryError);
    await sandbox.setFaults({ latencyMs: 0, down: true });
    await expect(deliver()).rejects.toThrow(/unreachable/);
    await sandbox.setFaults({ down: false });
    await expect(deliver()).resolves.toMatchObject({ duplicate: false });
  });
});
