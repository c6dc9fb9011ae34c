// 贵州 adapter against its real sandbox on port 0, with the dev key pairs of config/adapters.json:
// the sandbox verifies our SM2 signature and signs its answers; both sides refuse tampering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import {
  createGzAdapter,
  GZ_RECEIVE_PATH,
  type GzSettings,
} from '../../../adapters/gz/gz-adapter.ts';
import { generateSm2KeyPair, signingText, sm2Verify } from '../../../adapters/gz/gz-crypto.ts';
import { gzCaseData, sealEnvelope, type GzEnvelope } from '../../../adapters/gz/gz-envelope.ts';
import { createGzSandbox, type GzSandboxSettings } from '../../../adapters/gz/gz-sandbox.ts';
import {
  PERSONAL,
  sampleDelivery,
  startEventSink,
  testContext,
  waitFor,
} from '../../support/province-test-kit.ts';

const dev = loadAdapterSettings({ env: 'test', processEnv: {} }).gz as unknown as GzSettings &
  GzSandboxSettings;
let sandbox: Sandbox;
let sink: Awaited<ReturnType<typeof startEventSink>>;
let settings: GzSettings;

/** POSTs an envelope straight to the sandbox; returns status and the answer envelope. */
async function post(envelope: object): Promise<{ status: number; answer: GzEnvelope }> {
  const res = await fetch(`${settings.baseUrl}${GZ_RECEIVE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  return { status: res.status, answer: (await res.json()) as GzEnvelope };
}

const ourKeys = () => ({ privateKey: dev.privateKey, publicKey: dev.publicKey });

beforeAll(async () => {
  sink = await startEventSink('province-gz');
  sandbox = createGzSandbox({
    settings: dev,
    progression: { gatewayUrl: sink.url, secret: sink.secret, delaysMs: 0, retryBaseMs: 10 },
  });
  const { url } = await sandbox.start(0);
  settings = { ...dev, baseUrl: url, timeoutMs: 3000 };
});

afterAll(async () => {
  await sandbox.stop();
  await sink.close();
});

describe('gz sandbox', () => {
  it('creates one provincial case for two deliveries, and progresses it as province-gz', async () => {
    const adapter = createGzAdapter(settings);
    const request = sampleDelivery();
    const first = await adapter.deliver(request, testContext().context);
    const second = await adapter.deliver(request, testContext().context);
    expect(first).toMatchObject({ duplicate: false, state: 'received' });
    expect(first.provinceCaseNo).toMatch(/^GZ\d{14}$/);
    expect(second).toEqual({ ...first, duplicate: true });
    const stored = sandbox.received().filter((c) => c.caseId === request.caseId);
    expect(stored).toHaveLength(1);
    expect((stored[0]?.data?.sqr as { mc: string }).mc).toBe(PERSONAL.name);
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
    expect(sink.rejected()).toBe(0);
  });

  it('refuses a tampered ciphertext and a replayed nonce, signing every refusal', async () => {
    const envelope = sealEnvelope(
      { appId: dev.appId },
      gzCaseData(sampleDelivery()),
      dev.sm4Key,
      ourKeys(),
    );
    const bytes = Buffer.from(envelope.data ?? '', 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 0x80;
    const tampered = await post({ ...envelope, data: bytes.toString('base64') });
    expect(tampered.status).toBe(401);
    expect(tampered.answer.code).toBe('20002');
    expect(
      sm2Verify(signingText(tampered.answer), tampered.answer.sign, dev.platformPublicKey),
    ).toBe(true);
    expect((await post(envelope)).answer.code).toBe('0');
    expect((await post(envelope)).answer.code).toBe('20005');
  });

  it('refuses for good a request signed with the wrong key, and an answer signed with one', async () => {
    const stranger = generateSm2KeyPair();
    const wrongKey = createGzAdapter({ ...settings, ...stranger });
    const error = await wrongKey
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('20002');

    const distrustful = createGzAdapter({ ...settings, platformPublicKey: stranger.publicKey });
    const refused = await distrustful
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect((refused as PermanentDeliveryError).provinceCode).toBe('BAD_SIGNATURE');
  });

  it('answers the fault knobs: forced refusal, system busy, latency, down', async () => {
    const adapter = createGzAdapter({ ...settings, timeoutMs: 1000 });
    const deliver = () => adapter.deliver(sampleDelivery(), testContext().context);
    await sandbox.setFaults({ refuseNext: 1 });
    await expect(deliver()).rejects.toThrow(/code 30001/);
    await sandbox.setFaults({ errorRate: 1 });
    await expect(deliver()).rejects.toThrow(/code 10001/);
    await sandbox.setFaults({ errorRate: 0, latencyMs: 1500 });
    await expect(deliver()).rejects.toBeInstanceOf(TransientDeliveryError);
    await sandbox.setFaults({ latencyMs: 0, down: true });
    await expect(deliver()).rejects.toThrow(/unreachable/);
    await sandbox.setFaults({ down: false });
    await expect(deliver()).resolves.toMatchObject({ duplicate: false });
  });
});
