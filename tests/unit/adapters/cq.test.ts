// 重庆 渝快办 adapter against nock: the client-credentials token (Basic + form), caching and
// refresh before expiry on the adapter's clock, one refresh-and-retry after a 401, and errcodes.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCqAdapter } from '../../../adapters/cq/cq-adapter.ts';
import { CQ_TOKEN_PATH } from '../../../adapters/cq/cq-token.ts';
import { CQ_CASES_PATH, type CqBanjian } from '../../../adapters/cq/cq-wire.ts';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://ykb.platform.test';
const settings = { baseUrl: BASE, timeoutMs: 5000, clientId: 'swgw', clientSecret: 's3cr:et' };
const BASIC = `Basic ${Buffer.from('swgw:s3cr%3Aet').toString('base64')}`;
const delivery = () => sampleDelivery({ targetRegion: '500103' });
const ok = (bjbh: string, repeat = false) => ({ errcode: 0, errmsg: 'ok', data: { bjbh, repeat } });

function tokenEndpoint(token: string, expiresIn = 7200) {
  return nock(BASE, { reqheaders: { authorization: BASIC } })
    .post(CQ_TOKEN_PATH, 'grant_type=client_credentials&scope=kstb')
    .reply(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
}

function casesWith(token: string) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${token}` } }).post(CQ_CASES_PATH);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('cq adapter', () => {
  it('fetches a token with client credentials, sends the case as out_biz_no, and caches the token', async () => {
    const request = delivery();
    let sent: CqBanjian | undefined;
    const token = tokenEndpoint('tok-A');
    nock(BASE, { reqheaders: { authorization: 'Bearer tok-A' } })
      .post(CQ_CASES_PATH, (body: CqBanjian) => {
        sent = body;
        return true;
      })
      .reply(200, ok('YKB1'));
    casesWith('tok-A').reply(200, ok('YKB2'));
    const adapter = createCqAdapter(settings);
    const { context, lines } = testContext();
    expect(await adapter.deliver(request, context)).toEqual({
      provinceCaseNo: 'YKB1',
      state: 'received',
      duplicate: false,
    });
    await adapter.deliver(delivery(), context);
    expect(token.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    expect(sent).toMatchObject({
      out_biz_no: request.caseId,
      handle_area_code: '500103',
      applicant: { subject_type: 'natural', cert_type: '01', cert_no: PERSONAL.idNumber },
      form: request.payload,
    });
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('refreshes an expired token exactly once, before the call, on its own clock', async () => {
    let now = 1_000_000;
    const adapter = createCqAdapter(settings, { now: () => now });
    tokenEndpoint('tok-A', 3600);
    casesWith('tok-A').reply(200, ok('YKB1'));
    await adapter.deliver(delivery(), testContext().context);
    now += 3600_000 - 30_000; // inside the last minute of its life: no longer used
    const refresh = tokenEndpoint('tok-B', 3600);
    casesWith('tok-B').times(2).reply(200, ok('YKB2'));
    await adapter.deliver(delivery(), testContext().context);
    await adapter.deliver(delivery(), testContext().context);
    expect(refresh.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('after a 401 replaces the token once and repeats the call', async () => {
    tokenEndpoint('tok-A');
    casesWith('tok-A').reply(401, { errcode: 40101, errmsg: 'access_token 无效或已过期' });
    tokenEndpoint('tok-B');
    casesWith('tok-B').reply(200, ok('YKB1', true));
    const result = await createCqAdapter(settings).deliver(delivery(), testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'YKB1', state: 'received', duplicate: true });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('shares one refresh between concurrent deliveries that met the same 401', async () => {
    tokenEndpoint('tok-A');
    casesWith('tok-A').times(2).reply(401, { errcode: 40101 });
    tokenEndpoint('tok-B'); // exactly one more token: a second fetch would find no interceptor
    casesWith('tok-B').times(2).reply(200, ok('YKB1'));
    const adapter = createCqAdapter(settings);
    const results = await Promise.all([
      adapter.deliver(delivery(), testContext().context),
      adapter.deliver(delivery(), testContext().context),
    ]);
    expect(results.map((r) => r.provinceCaseNo)).toEqual(['YKB1', 'YKB1']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses for good when a fresh token is refused too (no refresh loop)', async () => {
    tokenEndpoint('tok-A');
    casesWith('tok-A').reply(401, { errcode: 40101 });
    tokenEndpoint('tok-B');
    casesWith('tok-B').reply(401, { errcode: 40103 });
    const error: unknown = await createCqAdapter(settings)
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('40103');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('refuses for good on invalid_client and retries a token endpoint that is down', async () => {
    nock(BASE).post(CQ_TOKEN_PATH).reply(401, { error: 'invalid_client' });
    const error: unknown = await createCqAdapter(settings)
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('invalid_client');
    nock(BASE).post(CQ_TOKEN_PATH).reply(503, 'busy');
    await expect(
      createCqAdapter(settings).deliver(delivery(), testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    nock(BASE).post(CQ_TOKEN_PATH).reply(200, { token_type: 'Bearer' });
    await expect(
      createCqAdapter(settings).deliver(delivery(), testContext().context),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('maps errcodes: 400 40001 is permanent, 503 50301 and a timeout are transient', async () => {
    const adapter = createCqAdapter(settings);
    tokenEndpoint('tok-A');
    casesWith('tok-A').reply(400, { errcode: 40001, errmsg: `${PERSONAL.name} 参数错误` });
    const bad: unknown = await adapter
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PermanentDeliveryError);
    expect((bad as PermanentDeliveryError).provinceCode).toBe('40001');
    casesWith('tok-A').reply(503, { errcode: 50301 }, { 'Retry-After': '1' });
    const busy: unknown = await adapter
      .deliver(delivery(), testContext().context)
      .catch((e: unknown) => e);
    expect((busy as TransientDeliveryError).retryAfterMs).toBe(1000);
    // A reply after the timeout, to an adapter whose timeout is short (its own token first).
    const impatient = createCqAdapter({ ...settings, timeoutMs: 300 });
    tokenEndpoint('tok-B');
    casesWith('tok-B').reply(async () => {
      await new Promise((r) => setTimeout(r, 600));
      return [200, ok('late')];
    });
    await expect(impatient.deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
    expect(nock.isDone()).toBe(true);
  });
});
