// Every dialect hands the job runner what it needs to honour a province that asks for time: the
// Retry-After of a 429 or 503 as retryAfterMs, and a 429 marked rate-limited (the runner then
// pauses the adapter's queue instead of spending an attempt). Each adapter against nock.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import { TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { ADAPTER_IDS, createAdapter } from '../../../adapters/kit/registry.ts';
import { createGzAdapter, GZ_RECEIVE_PATH } from '../../../adapters/gz/gz-adapter.ts';
import { sealEnvelope } from '../../../adapters/gz/gz-envelope.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';

const settings = loadAdapterSettings({ env: 'test', processEnv: {} });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

async function failureOf(id: (typeof ADAPTER_IDS)[number], status: number, retryAfter: string) {
  const base = `http://${id}.retry-after.test`;
  // Every call the dialect makes (cq's token request included) meets the same answer.
  nock(base).persist().post(/.*/).reply(status, 'try later', { 'retry-after': retryAfter });
  const adapter = createAdapter(id, { ...settings[id], baseUrl: base, timeoutMs: 1000 });
  return adapter.deliver(sampleDelivery(), testContext().context).catch((e: unknown) => e);
}

describe.each(ADAPTER_IDS)('%s', (id) => {
  it('carries the Retry-After of a 429 and marks it rate-limited', async () => {
    const error = await failureOf(id, 429, '7');
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ retryAfterMs: 7000, rateLimited: true });
  });

  it('carries the Retry-After of a 503, not rate-limited', async () => {
    const error = await failureOf(id, 503, '4');
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ retryAfterMs: 4000, rateLimited: false });
  });
});

describe('gz signed answers', () => {
  it('treats code 10002 (请求过于频繁) as rate-limited, with its Retry-After', async () => {
    const gz = settings.gz;
    const base = 'http://gz.signed.retry-after.test';
    const platform = {
      privateKey: String(gz.sandboxPrivateKey),
      publicKey: String(gz.platformPublicKey),
    };
    const answer = sealEnvelope(
      { code: '10002', msg: '请求过于频繁' },
      undefined,
      String(gz.sm4Key),
      platform,
    );
    nock(base).post(GZ_RECEIVE_PATH).reply(429, JSON.stringify(answer), { 'retry-after': '3' });
    const adapter = createGzAdapter({
      baseUrl: base,
      timeoutMs: 1000,
      appId: String(gz.appId),
      sm4Key: String(gz.sm4Key),
      privateKey: String(gz.privateKey),
      publicKey: String(gz.publicKey),
      platformPublicKey: String(gz.platformPublicKey),
    });
    const error = await adapter
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ retryAfterMs: 3000, rateLimited: true });
  });
});
