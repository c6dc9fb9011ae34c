// 四川 天府通办 adapter against nock: pinyin body, the X-Tfwb-* signature over the exact bytes
// sent, the envelope's business codes, and HTTP-level failures.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createScAdapter } from '../../../adapters/sc/sc-adapter.ts';
import { SC_HEADERS, scSignatureValid } from '../../../adapters/sc/sc-signing.ts';
import { SC_SUBMIT_PATH, type ScShenqing } from '../../../adapters/sc/sc-wire.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://tfwb.platform.test';
const settings = { baseUrl: BASE, timeoutMs: 5000, appId: 'app-1', appSecret: 'secret-1' };
const adapter = () => createScAdapter(settings);
const delivery = () => sampleDelivery({ targetRegion: '510703' });

async function failure(code: string) {
  nock(BASE).post(SC_SUBMIT_PATH).reply(200, { code, msg: '系统繁忙' });
  return adapter()
    .deliver(delivery(), testContext().context)
    .catch((e: unknown) => e);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('sc adapter', () => {
  it('sends pinyin fields with the case id as yewuliushuihao, signed over the exact body', async () => {
    const request = delivery();
    const headers: Record<string, string> = {};
    const capture = (name: string) => (value: string | null) => {
      headers[name] = value ?? '';
      return true;
    };
    let raw = '';
    nock(BASE, {
      reqheaders: Object.fromEntries(Object.values(SC_HEADERS).map((n) => [n, capture(n)])),
    })
      .post(SC_SUBMIT_PATH, (body: unknown) => {
        raw = JSON.stringify(body); // the adapter serialises with JSON.stringify too
        return true;
      })
      .reply(200, { code: '0', msg: '成功', data: { slbh: 'SC0001' } });
    const { context, lines } = testContext();
    const result = await adapter().deliver(request, context);
    expect(result).toEqual({ provinceCaseNo: 'SC0001', state: 'received', duplicate: false });
    const sent = JSON.parse(raw) as ScShenqing;
    expect(sent).toMatchObject({
      yewuliushuihao: request.caseId,
      shixiangbianma: 'RS-006',
      banlifangshi: '1',
      banlididian: '510703',
      banlicengji: 'xian',
      shenqingren: {
        leixing: 'geren',
        mingcheng: PERSONAL.name,
        zhengjianleixing: '111',
        zhengjianhaoma: PERSONAL.idNumber,
        lianxidianhua: PERSONAL.phone,
      },
      yewushuju: request.payload,
    });
    expect(sent.cailiao[0]).toMatchObject({ zhaiyaosuanfa: 'SHA256', zhaiyao: 'ab'.repeat(32) });
    const h = (name: string) => headers[name] ?? '';
    expect(h(SC_HEADERS.appId)).toBe('app-1');
    expect(h(SC_HEADERS.timestamp)).toMatch(/^\d{13}$/);
    expect(h(SC_HEADERS.nonce)).toMatch(/^[0-9a-f]{32}$/);
    const parts = {
      appId: 'app-1',
      timestamp: h(SC_HEADERS.timestamp),
      nonce: h(SC_HEADERS.nonce),
      method: 'POST',
      path: SC_SUBMIT_PATH,
      body: raw,
    };
    expect(scSignatureValid('secret-1', parts, h(SC_HEADERS.sign))).toBe(true);
    expect(scSignatureValid('other', parts, h(SC_HEADERS.sign))).toBe(false);
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('reports code 20009 (重复申报) as a duplicate with the original slbh', async () => {
    nock(BASE)
      .post(SC_SUBMIT_PATH)
      .reply(200, { code: '20009', msg: '重复申报', data: { slbh: 'SC0001' } });
    const result = await adapter().deliver(delivery(), testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'SC0001', state: 'received', duplicate: true });
  });

  it.each([
    ['20001', 200],
    ['20002', 200],
    ['20003', 200],
    ['10001', 401],
    ['10003', 401],
    ['99999', 200],
  ])('refuses for good on code %s (HTTP %i), without quoting msg', async (code, status) => {
    const { context, lines } = testContext();
    nock(BASE).post(SC_SUBMIT_PATH).reply(status, { code, msg: '张三 的身份证号不合法' });
    const error: unknown = await adapter()
      .deliver(delivery(), context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe(code);
    expect((error as Error).message).not.toContain('张三');
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it.each(['50001', '50002', '10002', '10004'])('retries code %s', async (code) => {
    expect(await failure(code)).toBeInstanceOf(TransientDeliveryError);
  });

  it('accepts a numeric code and refuses code 0 without slbh as a platform fault', async () => {
    nock(BASE)
      .post(SC_SUBMIT_PATH)
      .reply(200, { code: 0, data: { slbh: 'SC0002' } });
    await expect(adapter().deliver(delivery(), testContext().context)).resolves.toMatchObject({
      provinceCaseNo: 'SC0002',
    });
    expect(await failure('0')).toBeInstanceOf(TransientDeliveryError);
  });

  it('classifies HTTP failures without an envelope by status', async () => {
    nock(BASE).post(SC_SUBMIT_PATH).reply(404, '<html>not found</html>');
    await expect(adapter().deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    nock(BASE).post(SC_SUBMIT_PATH).reply(503, { code: '50001' }, { 'Retry-After': '3' });
    const busy: unknown = await adapter()
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(TransientDeliveryError);
    expect((busy as TransientDeliveryError).retryAfterMs).toBe(3000);
    nock(BASE).post(SC_SUBMIT_PATH).reply(200, 'maintenance');
    await expect(adapter().deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });

  it('retries a timeout and a reset connection', async () => {
    nock(BASE)
      .post(SC_SUBMIT_PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [200, { code: '0', data: { slbh: 'late' } }];
      });
    await expect(
      createScAdapter({ ...settings, timeoutMs: 300 }).deliver(delivery(), testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    nock(BASE).post(SC_SUBMIT_PATH).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    await expect(adapter().deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
