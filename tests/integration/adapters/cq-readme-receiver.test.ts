// adapters/cq/README.md#a-receiving-endpoint-in-node: the block between the cq-receiver markers is
// run as it stands, in Node processes of its own, and the gateway's own cq adapter (with the
// development settings of config/adapters.json) fetches its tokens from it, delivers to it and
// queries it — so the receiver a 重庆 developer copies, and the wire it documents, can never drift
// from what the adapter does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCqAdapter, type CqSettings } from '../../../adapters/cq/cq-adapter.ts';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterSettings } from '../../../adapters/kit/adapter-descriptor.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import {
  sampleDelivery,
  testContext,
  waitFor,
  type LoggedLine,
} from '../../support/province-test-kit.ts';
import {
  readmeReceivers,
  type ReadmeReceiver,
  type ReadmeReceivers,
  expectTheExchange,
} from '../../support/readme-receiver.ts';

/** The short lifetime the second receiver gives its tokens (CQ_TOKEN_TTL_SECONDS). */
const SHORT_TTL_SECONDS = 2;

let receivers: ReadmeReceivers;
let receiver: ReadmeReceiver;
let shortLived: ReadmeReceiver;

function devSettings(baseUrl: string): AdapterSettings {
  return withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { cq: baseUrl }).cq;
}

/** The same development settings, as the cq adapter's own code takes them. */
function cqSettings(baseUrl: string): CqSettings {
  const settings = devSettings(baseUrl);
  const { clientId, clientSecret } = settings;
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
    throw new Error('config/adapters.json: cq has no clientId/clientSecret');
  }
  return { baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, clientId, clientSecret };
}

const tokensIssued = (r: ReadmeReceiver) =>
  r.stdout().match(/^token issued to swgw-dev,/gm)?.length ?? 0;

/** The HTTP calls the adapter made, from its own debug lines: `<method> <path> <status>`. */
function callsMade(lines: LoggedLine[], baseUrl: string): string[] {
  return lines
    .filter((line) => line.msg === 'province call')
    .map((line) => {
      const { method, url, status } = line.obj as { method: string; url: string; status: number };
      return `${method} ${url.slice(baseUrl.length)} ${status}`;
    });
}

beforeAll(async () => {
  receivers = await readmeReceivers('cq');
  receiver = await receivers.start();
  shortLived = await receivers.start({ CQ_TOKEN_TTL_SECONDS: String(SHORT_TTL_SECONDS) });
});
afterAll(() => receivers?.stop());

describe("adapters/cq/README.md's receiving endpoint", () => {
  it('takes a delivery on one token, answers the same case again with its first bjbh and repeat, and answers status queries', async () => {
    const adapter: ProvinceAdapter = createAdapter('cq', devSettings(receiver.url));
    const { context, lines } = testContext();
    await expectTheExchange(
      adapter,
      receiver,
      sampleDelivery({ itemCode: 'SW-005', targetRegion: '500103' }),
      /^YKB50\d{14}$/,
      { context },
    );
    // One token for all four calls.
    expect(callsMade(lines, receiver.url)).toEqual([
      'POST /oauth/token 200',
      'POST /ykb/openapi/kstb/v1/banjian 200',
      'POST /ykb/openapi/kstb/v1/banjian 200',
      'GET /ykb/openapi/kstb/v1/banjian/process 200',
      'GET /ykb/openapi/kstb/v1/banjian/process 404',
    ]);
    expect(receiver.stderr()).toBe('');
  });

  it('answers 401 to a token past its CQ_TOKEN_TTL_SECONDS; the adapter still holding it fetches one new token and repeats the call once', async () => {
    // The adapter's clock held still: it keeps using its first token after the receiver has let
    // it expire, as it would after a key rotation the receiver made early.
    const heldAt = Date.now();
    const adapter = createCqAdapter(cqSettings(shortLived.url), { now: () => heldAt });
    const firstCase = sampleDelivery({ targetRegion: '500103' });
    const first = await adapter.deliver(firstCase, testContext().context);
    expect(first.duplicate).toBe(false);
    const issuedBy = Date.now();
    await waitFor(() => tokensIssued(shortLived) === 1, 5000, 'the first token');
    // The receiver set its expiry before the delivery above returned: wait out that lifetime.
    await waitFor(
      () => Date.now() > issuedBy + SHORT_TTL_SECONDS * 1000,
      (SHORT_TTL_SECONDS + 5) * 1000,
      'the first token to expire',
    );

    const { context, lines } = testContext();
    const second = await adapter.deliver(sampleDelivery({ targetRegion: '500103' }), context);
    expect(second).toEqual({
      provinceCaseNo: expect.stringMatching(/^YKB50\d{14}$/),
      state: 'received',
      duplicate: false,
    });
    expect(second.provinceCaseNo).not.toBe(first.provinceCaseNo);
    expect(callsMade(lines, shortLived.url)).toEqual([
      'POST /ykb/openapi/kstb/v1/banjian 401',
      'POST /oauth/token 200',
      'POST /ykb/openapi/kstb/v1/banjian 200',
    ]);
    expect(lines.filter((line) => line.msg === 'cq token rejected; refreshing once')).toHaveLength(
      1,
    );
    await waitFor(() => tokensIssued(shortLived) === 2, 5000, 'the second token');
    expect(shortLived.stderr()).toBe('');
  });

  it('refuses a wrong client secret at its token endpoint, which the adapter takes as permanent (invalid_client)', async () => {
    const wrong = createAdapter('cq', {
      ...devSettings(receiver.url),
      clientSecret: 'not-the-client-secret',
    });
    const { context, lines } = testContext();
    const failure: unknown = await wrong
      .deliver(sampleDelivery({ targetRegion: '500103' }), context)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as PermanentDeliveryError).provinceCode).toBe('invalid_client');
    expect((failure as Error).message).toContain('HTTP 401 (invalid_client)');
    // No token, so no case call.
    expect(callsMade(lines, receiver.url)).toEqual(['POST /oauth/token 401']);
  });

  it('refuses a case handled outside 重庆 (400 40002) and one without a certificate number (400 40001), both permanent, and keeps neither', async () => {
    const adapter = createAdapter('cq', devSettings(receiver.url));
    const { context } = testContext();
    const outside = sampleDelivery({ targetRegion: '530323' });
    const noCertificate = sampleDelivery({
      targetRegion: '500103',
      applicant: { type: 'person', name: '张三' },
    });
    for (const [request, errcode] of [
      [outside, '40002'],
      [noCertificate, '40001'],
    ] as const) {
      const failure: unknown = await adapter
        .deliver(request, context)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PermanentDeliveryError);
      expect((failure as PermanentDeliveryError).provinceCode).toBe(errcode);
      expect((failure as Error).message).toContain(`HTTP 400 (${errcode})`);
      expect(await adapter.queryStatus({ caseId: request.caseId }, context)).toEqual({
        found: false,
      });
    }
    expect(receiver.stderr()).toBe('');
  });
});
