// 成都 天府蓉易办 adapter against nock: API key and Idempotency-Key headers, 201 vs 200 replay,
// problem+json refusals, and the 409 "key still in progress" twist.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createScChengduAdapter } from '../../../adapters/sc-chengdu/sc-chengdu-adapter.ts';
import {
  CHENGDU_APPLICATIONS_PATH as PATH,
  type ChengduApplication,
} from '../../../adapters/sc-chengdu/sc-chengdu-wire.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://rongyiban.platform.test';
const adapter = () => createScChengduAdapter({ baseUrl: BASE, timeoutMs: 5000, apiKey: 'key-1' });
const delivery = () => sampleDelivery({ targetRegion: '510104' });
const problem = (status: number, code: string) => ({
  type: `https://x/${code}`,
  title: 't',
  status,
  code,
  detail: `张三 ${PERSONAL.idNumber} is wrong`,
});

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

describe('sc-chengdu adapter', () => {
  it('sends the API key and the case id as Idempotency-Key; 201 is a new application', async () => {
    const request = delivery();
    let sent: ChengduApplication | undefined;
    nock(BASE, { reqheaders: { 'x-api-key': 'key-1', 'idempotency-key': request.caseId } })
      .post(PATH, (body: ChengduApplication) => {
        sent = body;
        return true;
      })
      .reply(201, { applicationNo: 'CD0001', status: 'RECEIVED' });
    const { context, lines } = testContext();
    const result = await adapter().deliver(request, context);
    expect(result).toEqual({ provinceCaseNo: 'CD0001', state: 'received', duplicate: false });
    expect(sent).toMatchObject({
      externalRef: request.caseId,
      service: { code: 'RS-006', version: 1 },
      handlingDivision: '510104',
      applicant: {
        kind: 'natural-person',
        certificateType: 'RESIDENT_ID',
        certificateNo: PERSONAL.idNumber,
      },
      formData: request.payload,
    });
    expect(sent?.attachments[0]?.digest).toBe(`sha256:${'ab'.repeat(32)}`);
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('reads 200 (a replayed Idempotency-Key) as a duplicate', async () => {
    nock(BASE)
      .post(PATH)
      .reply(200, { applicationNo: 'CD0001' }, { 'Idempotent-Replayed': 'true' });
    const result = await adapter().deliver(delivery(), testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'CD0001', state: 'received', duplicate: true });
  });

  it.each([
    [401, 'invalid-api-key'],
    [400, 'idempotency-key-required'],
    [422, 'validation-failed'],
    [422, 'idempotency-key-reused'],
    [404, 'not-found'],
  ])('refuses HTTP %i %s for good with the problem code', async (status, code) => {
    const error = await outcome(status, problem(status, code));
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe(code);
  });

  it('retries 409 (the same key still in progress), 408, 429 and 5xx', async () => {
    for (const [status, code] of [
      [409, 'idempotency-key-in-use'],
      [408, 'request-timeout'],
      [500, 'internal'],
      [503, 'service-unavailable'],
    ] as const) {
      expect(await outcome(status, problem(status, code))).toBeInstanceOf(TransientDeliveryError);
    }
    const limited = await outcome(429, problem(429, 'rate-limited'), { 'Retry-After': '2' });
    expect((limited as TransientDeliveryError).retryAfterMs).toBe(2000);
  });

  it('retries a 2xx without applicationNo, a timeout and a refused connection', async () => {
    expect(await outcome(201, { status: 'RECEIVED' })).toBeInstanceOf(TransientDeliveryError);
    expect(await outcome(201, 'not json')).toBeInstanceOf(TransientDeliveryError);
    nock(BASE)
      .post(PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [201, { applicationNo: 'late' }];
      });
    await expect(
      createScChengduAdapter({ baseUrl: BASE, timeoutMs: 300, apiKey: 'key-1' }).deliver(
        delivery(),
        testContext().context,
      ),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
    nock(BASE).post(PATH).replyWithError({ code: 'ECONNREFUSED', message: 'refused' });
    await expect(adapter().deliver(delivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
