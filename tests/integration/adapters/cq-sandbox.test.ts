// 渝快办 sandbox, dialect specifics (the shared contract is tests/integration/adapters/contract.test.ts):
// the OAuth2 client-credentials flow end to end — an expired token is refreshed exactly once,
// also under concurrency — and the token service standing apart from the fault knobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCqAdapter, type CqSettings } from '../../../adapters/cq/cq-adapter.ts';
import { createCqSandbox, type CqSandbox } from '../../../adapters/cq/cq-sandbox.ts';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';

const credentials = { clientId: 'swgw-test', clientSecret: 'cq-test-secret' };
let sandbox: CqSandbox;
let settings: CqSettings;
const delivery = () => sampleDelivery({ targetRegion: '500103' });

beforeEach(async () => {
  sandbox = createCqSandbox({ settings: credentials });
  const { url } = await sandbox.start(0);
  settings = { baseUrl: url, timeoutMs: 2000, ...credentials };
});
afterEach(() => sandbox.stop());

describe('cq sandbox', () => {
  it('uses one token for many deliveries and refreshes an expired one exactly once', async () => {
    const adapter = createCqAdapter(settings);
    await adapter.deliver(delivery(), testContext().context);
    await adapter.deliver(delivery(), testContext().context);
    expect(sandbox.tokensIssued()).toBe(1);
    sandbox.expireTokens();
    const result = await adapter.deliver(delivery(), testContext().context);
    expect(result.duplicate).toBe(false);
    expect(sandbox.tokensIssued()).toBe(2);
    expect(sandbox.received()).toHaveLength(3);
  });

  it('refreshes once for concurrent deliveries that all meet the expired token', async () => {
    const adapter = createCqAdapter(settings);
    await adapter.deliver(delivery(), testContext().context);
    sandbox.expireTokens();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => adapter.deliver(delivery(), testContext().context)),
    );
    expect(results.every((r) => r.state === 'received')).toBe(true);
    expect(sandbox.tokensIssued()).toBe(2);
  });

  it('refuses a wrong client secret with invalid_client, for good', async () => {
    const error: unknown = await createCqAdapter({ ...settings, clientSecret: 'guessed' })
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('invalid_client');
    expect(sandbox.tokensIssued()).toBe(0);
  });

  it('keeps issuing tokens while the 办件 service is failing', async () => {
    await sandbox.setFaults({ errorRate: 1 });
    await expect(
      createCqAdapter(settings).deliver(delivery(), testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    expect(sandbox.tokensIssued()).toBe(1);
  });

  it('refuses a handling area outside 重庆 with errcode 40002', async () => {
    const error: unknown = await createCqAdapter(settings)
      .deliver(sampleDelivery({ targetRegion: '510104' }), testContext().context)
      .catch((e: unknown) => e);
    expect((error as PermanentDeliveryError).provinceCode).toBe('40002');
  });
});
