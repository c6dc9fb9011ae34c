// adapters/yn/README.md#a-receiving-endpoint-in-node: the block between the yn-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own yn adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 云南 developer copies, and the wire it documents, can never drift from what the adapter does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
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
let adapter: ProvinceAdapter;
let url: string;

beforeAll(async () => {
  receivers = await readmeReceivers('yn');
  receiver = await receivers.start();
  url = receiver.url;
  const settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { yn: url });
  adapter = createAdapter('yn', settings.yn);
});
afterAll(() => receivers?.stop());

describe("adapters/yn/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again with its first SLBH, and answers status queries', async () => {
    await expectTheExchange(
      adapter,
      receiver,
      sampleDelivery({ itemCode: 'SW-005' }),
      /^YN\d{14}$/,
    );
  });

  it('refuses a wrong registration code, which the adapter takes as permanent (-101)', async () => {
    const settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), {
      yn: url,
    });
    const wrong = createAdapter('yn', { ...settings.yn, regCode: 'not-the-registration-code' });
    const failure: unknown = await wrong
      .deliver(sampleDelivery(), testContext().context)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as Error).message).toContain('RETCODE -101');
  });
});
