// adapters/xz/README.md#a-receiving-endpoint-in-node: the block between the xz-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own xz adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 西藏 developer copies, and the wire it documents, can never drift from what the adapter does.
// Two receivers: one with room at its front door for the exchanges, one at the documented 5
// requests a second for the burst, so no exchange is turned away by another test's requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type DeliveryRequest,
  type ProvinceAdapter,
} from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { sampleDelivery, testContext, waitFor } from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

let receivers: ReadmeReceivers;
let roomy: ReadmeReceiver;
let documented: ReadmeReceiver;

/** The real xz adapter with the development settings, pointed at a receiver. */
function adapterFor(receiver: ReadmeReceiver, apiKey?: string): ProvinceAdapter {
  const settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), {
    xz: receiver.url,
  });
  return createAdapter('xz', apiKey === undefined ? settings.xz : { ...settings.xz, apiKey });
}

/** A case handled in 拉萨市城关区, inside 西藏. */
const xzDelivery = (overrides: Partial<DeliveryRequest> = {}) =>
  sampleDelivery({ itemCode: 'SW-005', targetRegion: '540102', ...overrides });

const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

beforeAll(async () => {
  receivers = await readmeReceivers('xz');
  roomy = await receivers.start({ XZ_CAPACITY_PER_SECOND: '1000' });
  documented = await receivers.start();
});
afterAll(() => receivers?.stop());

describe("adapters/xz/README.md's receiving endpoint", () => {
  it('queues a delivery with a ticket, answers the same businessNo again with its first ticket, and answers status queries', async () => {
    await expectTheExchange(adapterFor(roomy), roomy, xzDelivery(), /^ZYT54\d{14}$/, {
      state: 'pending',
      logged: ' (1 files)',
    });
  });

  it('refuses a wrong API key with 401 UNAUTHORIZED, which the adapter takes as permanent for a delivery and a status query', async () => {
    const wrong = adapterFor(roomy, 'not-the-api-key');
    const request = xzDelivery();
    const delivery = await failureOf(wrong.deliver(request, testContext().context));
    expect(delivery).toBeInstanceOf(PermanentDeliveryError);
    expect(delivery).toMatchObject({
      message: 'province refused with HTTP 401 (UNAUTHORIZED)',
      provinceCode: 'UNAUTHORIZED',
    });
    const query = await failureOf(
      wrong.queryStatus({ caseId: request.caseId }, testContext().context),
    );
    expect(query).toBeInstanceOf(PermanentDeliveryError);
    expect(query).toMatchObject({ provinceCode: 'UNAUTHORIZED' });
    // Refused at the door: the right key finds no case under that businessNo.
    expect(
      await adapterFor(roomy).queryStatus({ caseId: request.caseId }, testContext().context),
    ).toEqual({ found: false });
  });

  it('refuses an application without an ID number (400 INVALID_REQUEST) and a case handled outside 西藏 (422 OUT_OF_AREA), both permanent and neither kept', async () => {
    const adapter = adapterFor(roomy);
    const incomplete = xzDelivery({ applicant: { type: 'person', name: '张三' } });
    const outside = xzDelivery({ targetRegion: '530323' });

    const invalid = await failureOf(adapter.deliver(incomplete, testContext().context));
    expect(invalid).toBeInstanceOf(PermanentDeliveryError);
    expect(invalid).toMatchObject({
      message: 'province refused with HTTP 400 (INVALID_REQUEST)',
      provinceCode: 'INVALID_REQUEST',
    });
    const outOfArea = await failureOf(adapter.deliver(outside, testContext().context));
    expect(outOfArea).toBeInstanceOf(PermanentDeliveryError);
    expect(outOfArea).toMatchObject({
      message: 'province refused with HTTP 422 (OUT_OF_AREA)',
      provinceCode: 'OUT_OF_AREA',
    });
    for (const request of [incomplete, outside]) {
      expect(await adapter.queryStatus({ caseId: request.caseId }, testContext().context)).toEqual({
        found: false,
      });
    }
  });

  it('at 5 requests a second answers the rest of a burst 429 Retry-After: 1, which the adapter passes on as rate-limited, and takes each case once when it comes back', async () => {
    const adapter = adapterFor(documented);
    const requests = Array.from({ length: 8 }, () => xzDelivery());
    const outcomes = await Promise.allSettled(
      requests.map((request) => adapter.deliver(request, testContext().context)),
    );
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect(error).toMatchObject({
        message: 'province answered HTTP 429 (RATE_LIMITED)',
        rateLimited: true,
        retryAfterMs: 1000,
      });
    }

    // Sent again once the second has passed, as the paused queue does: each gets in exactly once.
    let waiting = requests.filter((_, i) => outcomes[i]?.status === 'rejected');
    const deadline = Date.now() + 10_000;
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const retried = await Promise.allSettled(
        waiting.map((request) => adapter.deliver(request, testContext().context)),
      );
      waiting = waiting.filter((_, i) => retried[i]?.status === 'rejected');
    }
    expect(waiting).toEqual([]);
    // The receiver's lines and its answers come by two channels (its stdout, the HTTP answers):
    // the lines are waited for, then each case must have been taken once.
    const taken = (request: DeliveryRequest) =>
      documented.stdout().split(`received SW-005 ${request.caseId} `).length - 1;
    await waitFor(() => requests.every((r) => taken(r) > 0), 10_000, 'the receiver took each case');
    for (const request of requests) expect(taken(request)).toBe(1);
    expect(documented.stderr()).toBe('');
  });
});
