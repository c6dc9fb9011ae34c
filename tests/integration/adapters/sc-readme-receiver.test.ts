// adapters/sc/README.md#a-receiving-endpoint-in-node: the block between the sc-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own sc adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 四川 developer copies, and the signature and answers it documents, can never drift from what the
// adapter does. The README's worked signature example is checked against sc-signing.ts too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterSettings } from '../../../adapters/kit/adapter-descriptor.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { scSign, scSignedHeaders, scStringToSign } from '../../../adapters/sc/sc-signing.ts';
import { SC_STATUS_PATH } from '../../../adapters/sc/sc-status.ts';
import { SC_SUBMIT_PATH, toShenqing } from '../../../adapters/sc/sc-wire.ts';
import { sampleDelivery, testContext } from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

let readme: string;
let receivers: ReadmeReceivers;
let receiver: ReadmeReceiver;
let settings: AdapterSettings;
let adapter: ProvinceAdapter;

/** A delivery the receiver may take: handled at 绵阳市涪城区, received in 云南. */
const sichuanDelivery = () =>
  sampleDelivery({ itemCode: 'SW-005', receivingRegion: '530323', targetRegion: '510703' });

/** What the adapter with these settings throws for this delivery (or status query). */
async function refusal(changed: Partial<AdapterSettings>, call: 'deliver' | 'query' = 'deliver') {
  const spoiled = createAdapter('sc', { ...settings, ...changed });
  const { context } = testContext();
  const attempt =
    call === 'deliver'
      ? spoiled.deliver(sichuanDelivery(), context)
      : spoiled.queryStatus({ caseId: sichuanDelivery().caseId }, context);
  return attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  receivers = await readmeReceivers('sc');
  readme = receivers.readme;
  receiver = await receivers.start();
  const { url } = receiver;
  settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { sc: url }).sc;
  adapter = createAdapter('sc', settings);
});
afterAll(() => receivers?.stop());

describe("adapters/sc/README.md's receiving endpoint", () => {
  it('takes a signed delivery, answers the same case again 20009 with its first slbh, and answers status queries', async () => {
    await expectTheExchange(adapter, receiver, sichuanDelivery(), /^SC\d{14}$/);
  });

  it('refuses a wrong application secret with 10001 and a wrong application id with 10003, which the adapter takes as permanent', async () => {
    const badSecret = await refusal({ appSecret: 'not-the-application-secret' });
    expect(badSecret).toBeInstanceOf(PermanentDeliveryError);
    expect((badSecret as PermanentDeliveryError).provinceCode).toBe('10001');

    const badAppId = await refusal({ appId: 'not-the-application-id' });
    expect(badAppId).toBeInstanceOf(PermanentDeliveryError);
    expect((badAppId as PermanentDeliveryError).provinceCode).toBe('10003');

    const badQuery = await refusal({ appSecret: 'not-the-application-secret' }, 'query');
    expect(badQuery).toBeInstanceOf(PermanentDeliveryError);
    expect((badQuery as PermanentDeliveryError).provinceCode).toBe('10001');
  });

  it('refuses a replayed nonce with 10004 and a timestamp 301 s old with 10002, each as HTTP 401', async () => {
    const body = JSON.stringify(toShenqing(sichuanDelivery()));
    const credentials = {
      appId: settings.appId as string,
      appSecret: settings.appSecret as string,
    };
    const call = { method: 'POST', path: SC_SUBMIT_PATH, body };
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(`${settings.baseUrl}${SC_SUBMIT_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
        body,
      });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    };
    const signed = scSignedHeaders(credentials, call);
    expect(await post(signed)).toEqual({ status: 200, code: '0' });
    expect(await post(signed)).toEqual({ status: 401, code: '10004' });
    const stale = scSignedHeaders(credentials, call, Date.now() - 301_000);
    expect(await post(stale)).toEqual({ status: 401, code: '10002' });
  });

  it('refuses a case handled outside 四川 with 20003, which the adapter takes as permanent', async () => {
    const request = sampleDelivery({ targetRegion: '530323' });
    const failure: unknown = await adapter
      .deliver(request, testContext().context)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as PermanentDeliveryError).provinceCode).toBe('20003');
    expect(receiver.stdout()).not.toContain(request.caseId);
  });
});

describe("adapters/sc/README.md's worked signature example", () => {
  it('is the string to sign and the X-Tfwb-Sign that sc-signing.ts computes with the development secret', () => {
    const example =
      /body `(\{[^`]+\})` signed at `(\d{13})` with the nonce\s+`([0-9a-f]{32})` has the string to sign\s+```text\n([\s\S]*?)\n```\s+and `X-Tfwb-Sign: ([0-9a-f]{64})`/.exec(
        readme,
      );
    expect(example).not.toBeNull();
    const [, body, timestamp, nonce, stringToSign, sign] = example!;
    const parts = {
      appId: settings.appId as string,
      timestamp: timestamp!,
      nonce: nonce!,
      method: 'POST',
      path: SC_STATUS_PATH,
      body: body!,
    };
    expect(scStringToSign(parts)).toBe(stringToSign);
    expect(scSign(settings.appSecret as string, parts)).toBe(sign);
  });
});
