// adapters/sc-chengdu/README.md#a-receiving-endpoint-in-node: the block between the
// sc-chengdu-receiver markers is run as it stands, in a Node process of its own, and the gateway's
// own sc-chengdu adapter (with the development settings of config/adapters.json) delivers to it and
// queries it — so the receiver a 成都 developer copies, and the wire it documents, can never drift
// from what the adapter does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterSettings } from '../../../adapters/kit/adapter-descriptor.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

let receivers: ReadmeReceivers;
let receiver: ReadmeReceiver;
let settings: AdapterSettings;
let adapter: ProvinceAdapter;

/** A 成都 case (the receiver, like the platform, refuses divisions outside 5101). */
const chengduDelivery = () => sampleDelivery({ itemCode: 'MZ-003', targetRegion: '510104' });

/** What the adapter throws for a delivery or query it does not take. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  receivers = await readmeReceivers('sc-chengdu');
  receiver = await receivers.start();
  settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), {
    'sc-chengdu': receiver.url,
  })['sc-chengdu'];
  adapter = createAdapter('sc-chengdu', settings);
});
afterAll(() => receivers?.stop());

describe("adapters/sc-chengdu/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again as a duplicate with its first applicationNo, and answers status queries for a known and an unknown case', async () => {
    await expectTheExchange(adapter, receiver, chengduDelivery(), /^CDRYB\d{14}$/);
  });

  it('refuses a wrong API key with 401 invalid-api-key, which the adapter takes as permanent for deliveries and status queries', async () => {
    const wrong = createAdapter('sc-chengdu', { ...settings, apiKey: 'not-the-api-key' });
    const { context } = testContext();
    const request = chengduDelivery();
    const refused = await failureOf(wrong.deliver(request, context));
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).provinceCode).toBe('invalid-api-key');
    expect((refused as Error).message).toContain('HTTP 401 (invalid-api-key)');
    expect(receiver.stdout()).not.toContain(request.caseId);

    await adapter.deliver(request, context);
    const query = await failureOf(wrong.queryStatus({ caseId: request.caseId }, context));
    expect(query).toBeInstanceOf(PermanentDeliveryError);
    expect((query as PermanentDeliveryError).provinceCode).toBe('invalid-api-key');
  });

  it('refuses a case handled outside 成都 with 422 outside-jurisdiction, which the adapter takes as permanent, and keeps no application for it', async () => {
    const request = sampleDelivery({ itemCode: 'MZ-003', targetRegion: '510703' });
    const refused = await failureOf(adapter.deliver(request, testContext().context));
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).provinceCode).toBe('outside-jurisdiction');
    expect((refused as Error).message).toContain('HTTP 422 (outside-jurisdiction)');
    expect(await adapter.queryStatus({ caseId: request.caseId }, testContext().context)).toEqual({
      found: false,
    });
  });
});
