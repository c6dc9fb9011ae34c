// 西藏 藏易通 adapter against nock: ApiKey auth, 202 { ticket } as a pending delivery, 200
// repeated as a duplicate, 429 with Retry-After from the 5 req/s front door.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createXzAdapter } from '../../../adapters/xz/xz-adapter.ts';
import { XZ_APPLICATIONS_PATH as PATH, type XzApplication } from '../../../adapters/xz/xz-wire.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://zyt.platform.test';
const adapter = () => createXzAdapter({ baseUrl: BASE, timeoutMs: 5000, apiKey: 'key-1' });
const delivery = () => sampleDelivery({ targetRegion: '540102' });
const failure = (code: string) => ({ error: { code, message: `${PERSONAL.name} bad` } });

async function outcome(status: number, body: unknown, headers: Record<string, string> = {}) {
  const { context, lines } = testContext();
  nock(BASE)
    .post(PATH)
    .reply(status, body as nock.Body, headers);
  const error: unknown = await adapter()
    .deliver(delivery(), context)
    .catch((e: unknown) => e);
  expect(logsArePersonalDataFree(lines)).toBe(true);
  return error;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('xz adapter', () => {
  it('sends the ApiKey and businessNo; 202 { ticket } is a pending delivery', async () => {
    const request = delivery();
    let sent: XzApplication | undefined;
    nock(BASE, { reqheaders: { authorization: 'ApiKey key-1' } })
      .post(PATH, (body: XzApplication) => {
        sent = body;
        return true;
      })
      .reply(202, { ticket: 'ZYT1', status: 'QUEUED' });
    const { context, lines } = testContext();
    expect(await adapter().deliver(request, context)).toEqual({
      provinceCaseNo: 'ZYT1',
      state: 'pending',
      duplicate: false,
    });
    expect(sent).toMatchObject({
      businessNo: request.caseId,
      regions: { accept: '510104', handle: '540102', level: 'county' },
      applicant: { category: 'individual', idType: 'ID_CARD', idNo: PERSONAL.idNumber },
      formData: request.payload,
    });
    expect(sent?.files[0]?.checksum).toEqual({ alg: 'SHA-256', value: 'ab'.repeat(32) });
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('reads 200 repeated as a duplicate of the queued application', async () => {
    nock(BASE).post(PATH).reply(200, { ticket: 'ZYT1', status: 'QUEUED', repeated: true });
    expect(await adapter().deliver(delivery(), testContext().context)).toEqual({
      provinceCaseNo: 'ZYT1',
      state: 'pending',
      duplicate: true,
    });
  });

  it('passes the front door Retry-After on with a 429', async () => {
    const error = await outcome(429, failure('RATE_LIMITED'), { 'Retry-After': '1' });
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as TransientDeliveryError).retryAfterMs).toBe(1000);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [400, 'INVALID_REQUEST'],
    [422, 'OUT_OF_AREA'],
  ])('refuses HTTP %i %s for good', async (status, code) => {
    const error = await outcome(status, failure(code));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe(code);
    expect((error as Error).message).not.toContain('张三');
  });

  it('retries 503, a 202 without a ticket, a timeout and a reset', async () => {
    expect(await outcome(503, failure('SERVICE_BUSY'))).toBeInstanceOf(TransientDeliveryError);
    expect(await outcome(202, { status: 'QUEUED' })).toBeInstanceOf(TransientDeliveryError);
    nock(BASE)
      .post(PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [202, { ticket: 'late' }];
      });
    await expect(
      createXzAdapter({ baseUrl: BASE, timeoutMs: 300, apiKey: 'key-1' }).deliver(
        delivery(),
        testContext().context,
      ),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    nock(BASE).post(PATH).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    await expect(adapter().deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
