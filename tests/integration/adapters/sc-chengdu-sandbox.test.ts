// 天府蓉易办 sandbox, dialect specifics (the shared contract is tests/integration/adapters/contract.test.ts):
// 201 then 200 + Idempotent-Replayed for the same key, the key reused with another body, the key
// required, and the city's jurisdiction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError } from '../../../adapters/kit/contract.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import {
  createScChengduAdapter,
  type ScChengduSettings,
} from '../../../adapters/sc-chengdu/sc-chengdu-adapter.ts';
import { createScChengduSandbox } from '../../../adapters/sc-chengdu/sc-chengdu-sandbox.ts';
import {
  CHENGDU_APPLICATIONS_PATH as PATH,
  toApplication,
} from '../../../adapters/sc-chengdu/sc-chengdu-wire.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';

let sandbox: Sandbox;
let settings: ScChengduSettings;
const delivery = () => sampleDelivery({ targetRegion: '510104' });

function post(body: unknown, headers: Record<string, string>) {
  return fetch(`${settings.baseUrl}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': settings.apiKey, ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  sandbox = createScChengduSandbox({ settings: { apiKey: 'cd-test-key' } });
  const { url } = await sandbox.start(0);
  settings = { baseUrl: url, timeoutMs: 2000, apiKey: 'cd-test-key' };
});
afterAll(() => sandbox.stop());

describe('sc-chengdu sandbox', () => {
  it('answers 201 Created, then 200 with Idempotent-Replayed and the same number', async () => {
    const request = delivery();
    const body = toApplication(request);
    const first = await post(body, { 'idempotency-key': request.caseId });
    const second = await post(body, { 'idempotency-key': request.caseId });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = (await Promise.all([first.json(), second.json()])) as {
      applicationNo: string;
    }[];
    expect(b?.applicationNo).toBe(a?.applicationNo);
    expect(first.headers.get('location')).toBe(`${PATH}/${a?.applicationNo}`);
  });

  it('refuses the same key with a different body (idempotency-key-reused), for good', async () => {
    const request = delivery();
    await createScChengduAdapter(settings).deliver(request, testContext().context);
    const changed = { ...request, payload: { reason: 'different' } };
    const error: unknown = await createScChengduAdapter(settings)
      .deliver(changed, testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('idempotency-key-reused');
  });

  it('requires an Idempotency-Key and refuses divisions outside 成都', async () => {
    const missing = await post(toApplication(delivery()), {});
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const error: unknown = await createScChengduAdapter(settings)
      .deliver(sampleDelivery({ targetRegion: '510703' }), testContext().context)
      .catch((e: unknown) => e);
    expect((error as PermanentDeliveryError).provinceCode).toBe('outside-jurisdiction');
  });
});
