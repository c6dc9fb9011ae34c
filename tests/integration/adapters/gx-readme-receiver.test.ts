// adapters/gx/README.md#a-receiving-endpoint-in-node: the block between the gx-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own gx adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 广西 developer copies, and the signed form it documents, can never drift from what the adapter
// does. The README's worked example of the sign is checked against gx-form.ts as well.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { gxSign, gxSigningText } from '../../../adapters/gx/gx-form.ts';
import { PERSONAL, sampleDelivery, testContext } from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

let readme: string;
let receivers: ReadmeReceivers;
let receiver: ReadmeReceiver;
let adapter: ProvinceAdapter;
let url: string;

/** The development settings of config/adapters.json, pointed at the receiver. */
function gxSettings() {
  return withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { gx: url }).gx;
}

/** What a delivery or query fails with, or a failure of the test when it succeeds. */
async function failureOf(call: Promise<unknown>): Promise<PermanentDeliveryError> {
  const failure: unknown = await call.then(
    (value) => new Error(`expected a refusal, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(PermanentDeliveryError);
  return failure as PermanentDeliveryError;
}

/** A case bound for 广西 (南宁市青秀区), whose names carry & < > " ' and spaces. */
const gxDelivery = (overrides = {}) =>
  sampleDelivery({ itemCode: 'SW-005', targetRegion: '450103', ...overrides });

beforeAll(async () => {
  receivers = await readmeReceivers('gx');
  readme = receivers.readme;
  receiver = await receivers.start();
  url = receiver.url;
  adapter = createAdapter('gx', gxSettings());
});
afterAll(() => receivers?.stop());

describe("adapters/gx/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again with its first accept_no, and answers status queries', async () => {
    await expectTheExchange(
      adapter,
      receiver,
      gxDelivery({ applicant: { type: 'person', ...PERSONAL } }),
      /^GX\d{14}$/,
      { logged: ' (3 payload fields, 1 materials)' },
    );
  });

  it('refuses a wrong app secret (20001/isv.invalid-signature), which the adapter takes as permanent for deliveries and queries', async () => {
    const wrong = createAdapter('gx', { ...gxSettings(), appSecret: 'not-the-app-secret' });
    const request = gxDelivery();
    const delivery = await failureOf(wrong.deliver(request, testContext().context));
    expect(delivery.message).toBe('gx code 20001/isv.invalid-signature');
    expect(delivery.provinceCode).toBe('isv.invalid-signature');
    const query = await failureOf(
      wrong.queryStatus({ caseId: request.caseId }, testContext().context),
    );
    expect(query.message).toBe('gx code 20001/isv.invalid-signature');
    // Refused before it was kept: the right credentials find no such case.
    expect(await adapter.queryStatus({ caseId: request.caseId }, testContext().context)).toEqual({
      found: false,
    });
  });

  it('refuses an app id that is not the gateway’s (20001/isv.invalid-app-id) as permanent', async () => {
    const stranger = createAdapter('gx', { ...gxSettings(), appId: 'someone-else' });
    const failure = await failureOf(stranger.deliver(gxDelivery(), testContext().context));
    expect(failure.message).toBe('gx code 20001/isv.invalid-app-id');
    expect(failure.provinceCode).toBe('isv.invalid-app-id');
  });

  it('refuses a form without a required field (40001/isv.missing-param) as permanent and keeps no case', async () => {
    // An empty name is left out of the form, so the receiver sees no applicant_name at all.
    const request = gxDelivery({ applicant: { ...PERSONAL, type: 'person', name: '' } });
    const failure = await failureOf(adapter.deliver(request, testContext().context));
    expect(failure.message).toBe('gx code 40001/isv.missing-param');
    expect(await adapter.queryStatus({ caseId: request.caseId }, testContext().context)).toEqual({
      found: false,
    });
  });

  it('answers a path other than /zgt/open/gateway 404, which the adapter takes as permanent', async () => {
    const elsewhere = createAdapter('gx', { ...gxSettings(), baseUrl: `${url}/elsewhere` });
    const failure = await failureOf(elsewhere.deliver(gxDelivery(), testContext().context));
    expect(failure.message).toBe('province refused with HTTP 404');
  });
});

describe("adapters/gx/README.md's worked example of the sign", () => {
  it('shows the signing text, the sign and the wire body gx-form.ts makes of that form', () => {
    const form = {
      app_id: 'swgw-dev',
      method: 'zgt.case.progress.query',
      charset: 'utf-8',
      sign_type: 'HMAC-SM3',
      timestamp: '2026-12-04 11:53:26',
      nonce: '0123456789abcdef0123456789abcdef',
      version: '1.0',
      biz_no: '01M8Z57G98EYCDVFMPNMWQ2B08',
    };
    const sign = gxSign(form, 'dev-gx-zgt-app-secret-do-not-use-in-production');
    expect(readme).toContain(`\`\`\`\n${gxSigningText(form)}\n\`\`\``);
    expect(readme).toContain(`its \`sign\` is \`${sign}\``);
    expect(readme).toContain(
      `\`\`\`\n${new URLSearchParams({ ...form, sign }).toString()}\n\`\`\``,
    );
    // The README's development secret is the one config/adapters.json holds.
    expect(gxSettings()).toMatchObject({
      appId: 'swgw-dev',
      appSecret: 'dev-gx-zgt-app-secret-do-not-use-in-production',
    });
  });
});
