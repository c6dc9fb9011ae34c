// 广西 adapter against nock: the signed form on the wire, code/sub_code mapping, HTTP failures.
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createGxAdapter, GX_GATEWAY_PATH } from '../../../adapters/gx/gx-adapter.ts';
import { GX_CODES } from '../../../adapters/gx/gx-codes.ts';
import { gxSigningText, gxSignValid } from '../../../adapters/gx/gx-form.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://gx.platform.test';
const settings = { baseUrl: BASE, timeoutMs: 5000, appId: 'swgw-test', appSecret: 's3cret' };
const adapter = createGxAdapter(settings);

async function outcome(status: number, body: object | string, headers = {}): Promise<unknown> {
  nock(BASE).post(GX_GATEWAY_PATH).reply(status, body, headers);
  return adapter.deliver(sampleDelivery(), testContext().context).catch((e: unknown) => e);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('gx adapter', () => {
  it('posts flat form fields with JSON-string payload and an HMAC-SM3 sign over the sorted fields', async () => {
    const request = sampleDelivery({ postal: { carrier: 'EMS', waybillNo: 'E1' } });
    let raw = '';
    nock(BASE, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } })
      .post(GX_GATEWAY_PATH, (body: string) => {
        raw = typeof body === 'string' ? body : new URLSearchParams(body).toString();
        return true;
      })
      .reply(200, { ...GX_CODES.success, data: { biz_no: request.caseId, accept_no: 'GX0001' } });
    const { context, lines } = testContext();
    const result = await adapter.deliver(request, context);
    expect(result).toEqual({ provinceCaseNo: 'GX0001', state: 'received', duplicate: false });
    const form = Object.fromEntries(new URLSearchParams(raw));
    expect(form.biz_no).toBe(request.caseId);
    expect(form.applicant_name).toBe(PERSONAL.name);
    expect(JSON.parse(form.payload ?? '')).toEqual(request.payload);
    expect(JSON.parse(form.postal ?? '')).toEqual(request.postal);
    // The sign is HMAC-SM3 of name=value pairs sorted by name, sign itself excluded.
    const text = gxSigningText(form);
    expect(text.split('&')[0]).toMatch(/^app_id=/);
    expect(text).not.toContain('sign=');
    expect(form.sign).toBe(createHmac('sm3', 's3cret').update(text).digest('hex'));
    expect(gxSignValid(form, 's3cret')).toBe(true);
    expect(gxSignValid({ ...form, cert_no: '1' }, 's3cret')).toBe(false);
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('reports 40004/BIZ_NO_DUPLICATE as a duplicate with the original accept_no', async () => {
    const request = sampleDelivery();
    nock(BASE)
      .post(GX_GATEWAY_PATH)
      .reply(200, { ...GX_CODES.duplicate, data: { biz_no: request.caseId, accept_no: 'GX0001' } });
    const result = await adapter.deliver(request, testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'GX0001', state: 'received', duplicate: true });
  });

  it('retries 20000 and a repeated nonce; refuses bad signature and parameter errors for good', async () => {
    expect(await outcome(200, GX_CODES.busy)).toBeInstanceOf(TransientDeliveryError);
    expect(await outcome(200, GX_CODES.nonceRepeated)).toBeInstanceOf(TransientDeliveryError);
    for (const answer of [GX_CODES.badSign, GX_CODES.badAppId, GX_CODES.invalidParam]) {
      const error = await outcome(200, answer);
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as PermanentDeliveryError).provinceCode).toBe(answer.sub_code);
    }
  });

  it('retries a 200 whose JSON has no string code (an empty object, null, a number) as an answer it cannot read, for a delivery and a status query', async () => {
    for (const body of [{}, 'null', { code: 10000, data: {} }]) {
      const error = await outcome(200, body);
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect((error as Error).message).toBe('gx answered HTTP 200 without a code');
    }
    nock(BASE).post(GX_GATEWAY_PATH).reply(200, {});
    await expect(
      adapter.queryStatus({ caseId: sampleDelivery().caseId }, testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('classifies HTTP failures, timeouts and unreadable answers', async () => {
    expect(await outcome(403, 'forbidden')).toBeInstanceOf(PermanentDeliveryError);
    expect(await outcome(503, 'unavailable')).toBeInstanceOf(TransientDeliveryError);
    const limited = await outcome(429, '', { 'Retry-After': '2' });
    expect((limited as TransientDeliveryError).retryAfterMs).toBe(2000);
    expect(await outcome(200, '<html/>')).toBeInstanceOf(TransientDeliveryError);
    nock(BASE)
      .post(GX_GATEWAY_PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [200, GX_CODES.success];
      });
    await expect(
      createGxAdapter({ ...settings, timeoutMs: 300 }).deliver(
        sampleDelivery(),
        testContext().context,
      ),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });
});
