// 云南 adapter against nock: the XML package on the wire, RETCODE mapping, HTTP failures.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createYnAdapter, YN_RECEIVE_PATH } from '../../../adapters/yn/yn-adapter.ts';
import { buildPackage, parsePackage } from '../../../adapters/yn/yn-xml.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://yn.platform.test';
const settings = {
  baseUrl: BASE,
  timeoutMs: 5000,
  regCode: 'reg-code-1',
  sendCode: 'SWGW',
  receiveCode: 'YNZWFW',
};

function answer(retCode: string, slbh?: string, businessId = 'CASE-1'): string {
  const head = { SENDCODE: 'YNZWFW', RECEIVECODE: 'SWGW', SENDTIME: '', BUSINESSID: businessId };
  return buildPackage({
    head: { ...head, RETCODE: retCode, RETMSG: 'msg' },
    record: slbh ? { SLBH: slbh } : {},
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('yn adapter', () => {
  it('sends the case id as BUSINESSID with the registration code, and returns the SLBH', async () => {
    const request = sampleDelivery({ caseId: 'CASE-1' });
    let sent = '';
    nock(BASE, { reqheaders: { 'x-yn-regcode': 'reg-code-1' } })
      .post(YN_RECEIVE_PATH, (body: string) => {
        sent = body;
        return true;
      })
      .reply(200, answer('0', 'YN0001'), { 'content-type': 'application/xml' });
    const { context, lines } = testContext();
    const result = await createYnAdapter(settings).deliver(request, context);
    expect(result).toEqual({ provinceCaseNo: 'YN0001', state: 'received', duplicate: false });
    // Special characters are escaped on the wire and come back intact.
    expect(sent).toContain('&amp; &lt;李四&gt;');
    const pkg = parsePackage(sent);
    expect(pkg.head.BUSINESSID).toBe(request.caseId);
    expect(pkg.record.SQRMC).toBe(PERSONAL.name);
    expect(pkg.record.ZJHM).toBe(PERSONAL.idNumber);
    expect(JSON.parse(String(pkg.record.YWSJ))).toEqual(request.payload);
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('treats RETCODE -103 (BUSINESSID already received) as a duplicate with the original SLBH', async () => {
    nock(BASE).post(YN_RECEIVE_PATH).reply(200, answer('-103', 'YN0001'));
    const request = sampleDelivery({ caseId: 'CASE-1' });
    const result = await createYnAdapter(settings).deliver(request, testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'YN0001', state: 'received', duplicate: true });
  });

  it('refuses an answer about another BUSINESSID', async () => {
    nock(BASE)
      .post(YN_RECEIVE_PATH)
      .reply(200, answer('0', 'YN0009', 'OTHER'));
    const error: unknown = await createYnAdapter(settings)
      .deliver(sampleDelivery({ caseId: 'CASE-1' }), testContext().context)
      .catch((e: unknown) => e);
    expect((error as PermanentDeliveryError).provinceCode).toBe('MISMATCH');
  });

  it.each(['-1', '-2'])('retries RETCODE %s (system busy / timeout)', async (code) => {
    nock(BASE).post(YN_RECEIVE_PATH).reply(200, answer(code));
    await expect(
      createYnAdapter(settings).deliver(sampleDelivery(), testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it.each(['-101', '-102', '-104', '-999'])('refuses for good on RETCODE %s', async (code) => {
    nock(BASE).post(YN_RECEIVE_PATH).reply(200, answer(code));
    const error: unknown = await createYnAdapter(settings)
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe(code);
  });

  it('refuses a 4xx for good and retries a 5xx or a 429 with its Retry-After', async () => {
    const adapter = createYnAdapter(settings);
    nock(BASE).post(YN_RECEIVE_PATH).reply(400, 'bad');
    await expect(adapter.deliver(sampleDelivery(), testContext().context)).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    nock(BASE).post(YN_RECEIVE_PATH).reply(502, 'bad gateway');
    await expect(adapter.deliver(sampleDelivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
    nock(BASE).post(YN_RECEIVE_PATH).reply(429, '', { 'Retry-After': '7' });
    const error = await adapter
      .deliver(sampleDelivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as TransientDeliveryError).retryAfterMs).toBe(7000);
  });

  it('retries a timeout, a reset connection and a 200 that is not a PACKAGE', async () => {
    const adapter = createYnAdapter(settings);
    // A reply that comes only after the adapter's 300 ms timeout (delay() in nock 15 only holds
    // back the body end, which trips an undici assertion when the fetch is aborted).
    nock(BASE)
      .post(YN_RECEIVE_PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [200, answer('0', 'YN0001')];
      });
    await expect(
      createYnAdapter({ ...settings, timeoutMs: 300 }).deliver(
        sampleDelivery(),
        testContext().context,
      ),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    nock(BASE).post(YN_RECEIVE_PATH).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    await expect(adapter.deliver(sampleDelivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
    nock(BASE).post(YN_RECEIVE_PATH).reply(200, '<html>maintenance</html>');
    await expect(adapter.deliver(sampleDelivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
