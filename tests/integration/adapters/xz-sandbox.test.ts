// 藏易通 sandbox, dialect specifics (the shared contract is tests/integration/adapters/contract.test.ts):
// the 5 requests/s front door — 429 with Retry-After over capacity, the observed peak rate kept
// for tests — and the asynchronous 202 { ticket } answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientDeliveryError, type DeliveryRequest } from '../../../adapters/kit/contract.ts';
import { createXzAdapter, type XzSettings } from '../../../adapters/xz/xz-adapter.ts';
import { createXzSandbox, type XzSandbox } from '../../../adapters/xz/xz-sandbox.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';

let sandbox: XzSandbox;
let settings: XzSettings;
const delivery = () => sampleDelivery({ targetRegion: '540102' });

beforeEach(async () => {
  sandbox = createXzSandbox({ settings: { apiKey: 'xz-test-key' } });
  const { url } = await sandbox.start(0);
  settings = { baseUrl: url, timeoutMs: 2000, apiKey: 'xz-test-key' };
});
afterEach(() => sandbox.stop());

describe('xz sandbox', () => {
  it('admits 5 requests a second, answers the rest 429 Retry-After: 1, and records the peak', async () => {
    const adapter = createXzAdapter(settings);
    const requests = Array.from({ length: 8 }, delivery);
    const outcomes = await Promise.allSettled(
      requests.map((r) => adapter.deliver(r, testContext().context)),
    );
    const accepted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(accepted).toHaveLength(5);
    expect(accepted.every((o) => o.value.state === 'pending')).toBe(true);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect((error as TransientDeliveryError).retryAfterMs).toBe(1000);
    }
    expect(sandbox.stats()).toEqual({ maxObservedRate: 8, rateLimited: 3 });

    // Retried after the window moves on, every refused case gets in exactly once.
    let waiting: DeliveryRequest[] = requests.filter((_, i) => outcomes[i]?.status === 'rejected');
    const deadline = Date.now() + 5000;
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const retried = await Promise.allSettled(
        waiting.map((r) => adapter.deliver(r, testContext().context)),
      );
      waiting = waiting.filter((_, i) => retried[i]?.status === 'rejected');
    }
    expect(waiting).toEqual([]);
    expect(sandbox.received()).toHaveLength(8);
    expect(sandbox.received().every((c) => c.deliveries === 1)).toBe(true);
  });

  it('answers a repeated businessNo with the same ticket, still pending', async () => {
    const adapter = createXzAdapter(settings);
    const request = delivery();
    const first = await adapter.deliver(request, testContext().context);
    expect(first.provinceCaseNo).toMatch(/^ZYT54\d{14}$/);
    expect(await adapter.deliver(request, testContext().context)).toEqual({
      ...first,
      duplicate: true,
    });
  });

  it('can be configured with another capacity', async () => {
    await sandbox.stop();
    sandbox = createXzSandbox({ settings: { apiKey: 'xz-test-key' }, capacityPerSecond: 2 });
    const { url } = await sandbox.start(0);
    const adapter = createXzAdapter({ ...settings, baseUrl: url });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, () => adapter.deliver(delivery(), testContext().context)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    expect(sandbox.stats().rateLimited).toBe(1);
  });
});
