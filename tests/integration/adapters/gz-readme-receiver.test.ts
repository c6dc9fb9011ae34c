// adapters/gz/README.md#a-receiving-endpoint-in-node: the block between the gz-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own gz adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 贵州 developer copies, and the envelope it documents, can never drift from what the adapter does.
// The block imports sm-crypto-v2, so its file is written inside the project (under .data/, which
// git ignores), where Node finds the package in the project's node_modules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterSettings } from '../../../adapters/kit/adapter-descriptor.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { GZ_RECEIVE_PATH, type GzSettings } from '../../../adapters/gz/gz-adapter.ts';
import {
  generateSm2KeyPair,
  signingText,
  sm2Sign,
  sm2Verify,
} from '../../../adapters/gz/gz-crypto.ts';
import {
  gzCaseData,
  openData,
  sealEnvelope,
  type GzEnvelope,
} from '../../../adapters/gz/gz-envelope.ts';
import { sampleDelivery, testContext, waitFor } from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

let readme: string;
let receivers: ReadmeReceivers;
let receiver: ReadmeReceiver;
let devSettings: AdapterSettings;
let settings: GzSettings;
let adapter: ProvinceAdapter;

const gatewayKeys = () => ({ privateKey: settings.privateKey, publicKey: settings.publicKey });

/** The gz adapter with the development settings, some of them replaced. */
function gzAdapter(changes: Record<string, string>): ProvinceAdapter {
  return createAdapter('gz', { ...devSettings, ...changes });
}

/** POSTs an envelope straight to the receiver: the HTTP status and its answer. */
async function post(envelope: object): Promise<{ status: number; answer: GzEnvelope }> {
  const res = await fetch(`${settings.baseUrl}${GZ_RECEIVE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  return { status: res.status, answer: (await res.json()) as GzEnvelope };
}

/** The answer is signed by the platform's development key pair. */
function signedByPlatform(answer: GzEnvelope): boolean {
  return sm2Verify(signingText(answer), answer.sign, settings.platformPublicKey);
}

async function refusal(deliver: Promise<unknown>): Promise<PermanentDeliveryError> {
  const failure: unknown = await deliver.catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(PermanentDeliveryError);
  return failure as PermanentDeliveryError;
}

beforeAll(async () => {
  receivers = await readmeReceivers('gz', { insideProject: true });
  readme = receivers.readme;
  receiver = await receivers.start();
  const { url } = receiver;
  const table = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { gz: url });
  devSettings = table.gz;
  settings = table.gz as unknown as GzSettings;
  adapter = createAdapter('gz', devSettings);
});
afterAll(() => receivers?.stop());

describe("adapters/gz/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again as a duplicate with its first slbh, and answers status queries of a known and an unknown case', async () => {
    await expectTheExchange(
      adapter,
      receiver,
      sampleDelivery({ itemCode: 'SW-005' }),
      /^GZ\d{14}$/,
    );
  });

  it('refuses a request signed with a key pair it does not know (20002), which the adapter takes as permanent', async () => {
    const stranger = generateSm2KeyPair();
    const request = sampleDelivery();
    const failure = await refusal(
      gzAdapter({ ...stranger }).deliver(request, testContext().context),
    );
    expect(failure.provinceCode).toBe('20002');
    expect(failure.message).toContain('gz code 20002');
    expect(receiver.stdout()).not.toContain(request.caseId);
  });

  it('takes the case but the adapter refuses its answer for good (BAD_SIGNATURE) when the platform key it holds is another; the replay with the right key is a duplicate', async () => {
    const request = sampleDelivery();
    const { context, lines } = testContext();
    const distrustful = gzAdapter({ platformPublicKey: generateSm2KeyPair().publicKey });
    const failure = await refusal(distrustful.deliver(request, context));
    expect(failure.provinceCode).toBe('BAD_SIGNATURE');
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'gz answer signature invalid' }));
    // The receiver's line and the adapter's refusal come by two channels (its stdout, the HTTP
    // answer): the line is waited for.
    const taken = `received RS-006 ${request.caseId} as `;
    await waitFor(() => receiver.stdout().includes(taken), 10_000, 'the receiver took the case');

    const replayed = await adapter.deliver(request, testContext().context);
    expect(replayed.duplicate).toBe(true);
    await waitFor(
      () => receiver.stdout().includes(`${request.caseId} as ${replayed.provinceCaseNo}`),
      10_000,
      'the receiver named the case number the replay got',
    );
  });

  it('refuses a wrong application id (20001), which the adapter takes as permanent', async () => {
    const wrong = gzAdapter({ appId: 'not-our-app' });
    const failure = await refusal(wrong.deliver(sampleDelivery(), testContext().context));
    expect(failure.provinceCode).toBe('20001');
  });

  it('refuses, signed, a changed ciphertext before decrypting it (20002, 401), a replayed envelope (20005) and a stale timestamp (20004)', async () => {
    const request = sampleDelivery();
    const envelope = sealEnvelope(
      { appId: settings.appId },
      gzCaseData(request),
      settings.sm4Key,
      gatewayKeys(),
    );
    const bytes = Buffer.from(envelope.data ?? '', 'base64');
    bytes[5] = (bytes[5] ?? 0) ^ 0x01;
    const changed = await post({ ...envelope, data: bytes.toString('base64') });
    expect(changed.status).toBe(401);
    expect(changed.answer).toMatchObject({ code: '20002', msg: '签名验证失败' });
    expect(changed.answer.data).toBeUndefined();
    expect(signedByPlatform(changed.answer)).toBe(true);

    const taken = await post(envelope);
    expect(taken.status).toBe(200);
    expect(signedByPlatform(taken.answer)).toBe(true);
    expect(openData(taken.answer, settings.sm4Key)).toEqual({
      ywlsh: request.caseId,
      slbh: expect.stringMatching(/^GZ\d{14}$/),
      sfcf: '0',
    });

    const replayed = await post(envelope);
    expect(replayed.status).toBe(401);
    expect(replayed.answer.code).toBe('20005');
    expect(signedByPlatform(replayed.answer)).toBe(true);

    const { sign: _sign, ...fields } = sealEnvelope(
      { appId: settings.appId },
      gzCaseData(sampleDelivery()),
      settings.sm4Key,
      gatewayKeys(),
    );
    const stale = { ...fields, timestamp: String(Date.now() - 301_000) };
    const late = await post({ ...stale, sign: sm2Sign(signingText(stale), gatewayKeys()) });
    expect(late.status).toBe(401);
    expect(late.answer.code).toBe('20004');
  });

  it("shows an example envelope whose signed text verifies with the gateway's development key and whose data opens to the ywlsh shown", () => {
    const example = JSON.parse(/^\{"appId":"swgw-dev".*\}$/m.exec(readme)![0]) as GzEnvelope;
    const text = /^appId=swgw-dev&.*$/m.exec(readme)![0];
    expect(signingText(example)).toBe(text);
    expect(sm2Verify(text, example.sign, settings.publicKey)).toBe(true);
    const shown = /its `data`, opened with the development SM4 key: `(\{[^`]*\})`/.exec(
      readme,
    )![1]!;
    expect(openData(example, settings.sm4Key)).toEqual(JSON.parse(shown));
  });
});
