// 云南 adapter against its real sandbox on port 0: registration code, BUSINESSID idempotency,
// fault knobs, and the scripted progression posted back to a stand-in events endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createYnAdapter, type YnSettings } from '../../../adapters/yn/yn-adapter.ts';
import { createYnSandbox, type YnReceived } from '../../../adapters/yn/yn-sandbox.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import {
  PERSONAL,
  sampleDelivery,
  startEventSink,
  testContext,
  waitFor,
} from '../../support/province-test-kit.ts';

const credentials = { regCode: 'dev-reg-code', sendCode: 'SWGW', receiveCode: 'YNZWFW' };
let sandbox: Sandbox;
let sink: Awaited<ReturnType<typeof startEventSink>>;
let settings: YnSettings;

beforeAll(async () => {
  sink = await startEventSink('province-yn');
  sandbox = createYnSandbox({
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

describe('yn sandbox', () => {
  it('creates one provincial case for two deliveries of the same case id', async () => {
    const adapter = createYnAdapter(settings);
    const request = sampleDelivery();
    const first = await adapter.deliver(request, testContext().context);
    const second = await adapter.deliver(request, testContext().context);
    expect(first.provinceCaseNo).toMatch(/^YN\d{14}$/);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const stored = sandbox.received().filter((c) => c.caseId === request.caseId);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.deliveries).toBe(2);
    // XML special characters and Chinese survive the round trip into the province.
    const data = stored[0]?.data as unknown as YnReceived;
    expect(data.record.SQRMC).toBe(PERSONAL.name);
    expect(data.record.SXMC).toBe(request.itemName);
    expect(data.payload).toEqual(request.payload);
  });

  it('posts accepted → in-progress → decided → result-delivered, signed as province-yn', async () => {
    const request = sampleDelivery();
    sink.failNext(1); // the first post meets a 503 and is retried
    const result = await createYnAdapter(settings).deliver(request, testContext().context);
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
    expect(events[0]?.body.provinceCaseNo).toBe(result.provinceCaseNo);
    expect(events[2]?.body.result).toMatchObject({ decision: 'approved' });
    expect(sink.rejected()).toBe(0);
  });

  it('refuses a wrong registration code with RETCODE -101', async () => {
    const adapter = createYnAdapter({ ...settings, regCode: 'stolen' });
    const error = await adapter
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('-101');
  });

  it('answers the fault knobs: forced refusal, system busy, latency, down', async () => {
    const adapter = createYnAdapter({ ...settings, timeoutMs: 200 });
    const deliver = () => adapter.deliver(sampleDelivery(), testContext().context);

    await sandbox.setFaults({ refuseNext: 1 });
    await expect(deliver()).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(deliver()).resolves.toMatchObject({ duplicate: false });

    await sandbox.setFaults({ errorRate: 1 });
    await expect(deliver()).rejects.toThrow(/RETCODE -1:/);
    await sandbox.setFaults({ errorRate: 0, latencyMs: 500 });
    await expect(deliver()).rejects.toBeInstanceOf(TransientDeliveryError);
    await sandbox.setFaults({ latencyMs: 0, down: true });
    await expect(deliver()).rejects.toThrow(/unreachable/);
    await sandbox.setFaults({ down: false });
    await expect(deliver()).resolves.toMatchObject({ state: 'received' });
  });
});
