// 贵州 adapter against nock: SM4-encrypted, SM2-signed envelopes both ways, answer codes, and an
// answer whose signature does not verify being refused.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { createGzAdapter, GZ_RECEIVE_PATH } from '../../../adapters/gz/gz-adapter.ts';
import { generateSm2KeyPair, signingText, sm2Verify } from '../../../adapters/gz/gz-crypto.ts';
import { openData, sealEnvelope, type GzEnvelope } from '../../../adapters/gz/gz-envelope.ts';
import {
  logsArePersonalDataFree,
  PERSONAL,
  sampleDelivery,
  testContext,
} from '../../support/province-test-kit.ts';

const BASE = 'http://gz.platform.test';
const SM4_KEY = '0123456789abcdeffedcba9876543210';
const ours = generateSm2KeyPair();
const platform = generateSm2KeyPair();
const settings = {
  baseUrl: BASE,
  timeoutMs: 2000,
  appId: 'swgw-test',
  sm4Key: SM4_KEY,
  privateKey: ours.privateKey,
  publicKey: ours.publicKey,
  platformPublicKey: platform.publicKey,
};
const adapter = createGzAdapter(settings);

/** A platform answer signed with `keys` (the platform's by default). */
function signed(code: string, data?: object, keys = platform): GzEnvelope {
  return sealEnvelope({ code, msg: 'm' }, data, SM4_KEY, keys);
}

async function failure(envelope: unknown, status = 200): Promise<unknown> {
  nock(BASE).post(GZ_RECEIVE_PATH).reply(status, JSON.stringify(envelope));
  return adapter.deliver(sampleDelivery(), testContext().context).catch((e: unknown) => e);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('gz adapter', () => {
  it('sends an envelope signed with our key and encrypted under a fresh IV', async () => {
    const request = sampleDelivery();
    const sent: GzEnvelope[] = [];
    nock(BASE)
      .post(GZ_RECEIVE_PATH, (body: GzEnvelope) => sent.push(body) > 0)
      .twice()
      .reply(() => [200, signed('0', { ywlsh: request.caseId, slbh: 'GZ0001', sfcf: '0' })]);
    const { context, lines } = testContext();
    const result = await adapter.deliver(request, context);
    await adapter.deliver(request, context);
    expect(result).toEqual({ provinceCaseNo: 'GZ0001', state: 'received', duplicate: false });
    const [first, second] = sent;
    if (!first || !second) throw new Error('two envelopes expected');
    expect(Object.keys(first).sort()).toEqual([
      'appId',
      'data',
      'iv',
      'nonce',
      'sign',
      'timestamp',
    ]);
    expect(sm2Verify(signingText(first), first.sign, ours.publicKey)).toBe(true);
    expect(sm2Verify(signingText(first), first.sign, platform.publicKey)).toBe(false);
    expect(first.iv).not.toBe(second.iv);
    expect(first.data).not.toBe(second.data);
    expect(first.data).not.toContain(PERSONAL.idNumber);
    const data = openData(first, SM4_KEY) as { ywlsh: string; sqr: { mc: string } };
    expect(data.ywlsh).toBe(request.caseId);
    expect(data.sqr.mc).toBe(PERSONAL.name);
    expect(logsArePersonalDataFree(lines)).toBe(true);
  });

  it('reports sfcf 1 (ywlsh already received) as a duplicate', async () => {
    const request = sampleDelivery();
    nock(BASE)
      .post(GZ_RECEIVE_PATH)
      .reply(200, signed('0', { ywlsh: request.caseId, slbh: 'GZ0001', sfcf: '1' }));
    const result = await adapter.deliver(request, testContext().context);
    expect(result).toEqual({ provinceCaseNo: 'GZ0001', state: 'received', duplicate: true });
  });

  it('refuses an answer signed with another key, or whose ciphertext was altered', async () => {
    const caseId = 'any';
    const forged = signed('0', { ywlsh: caseId, slbh: 'GZ0001', sfcf: '0' }, generateSm2KeyPair());
    const error = await failure(forged);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe('BAD_SIGNATURE');

    const genuine = signed('0', { ywlsh: caseId, slbh: 'GZ0001', sfcf: '0' });
    const data = Buffer.from(genuine.data ?? '', 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    const tampered = await failure({ ...genuine, data: data.toString('base64') });
    expect((tampered as PermanentDeliveryError).provinceCode).toBe('BAD_SIGNATURE');
  });

  it('refuses a signed answer about another case', async () => {
    const error = await failure(signed('0', { ywlsh: 'other', slbh: 'GZ0009', sfcf: '0' }));
    expect((error as PermanentDeliveryError).provinceCode).toBe('MISMATCH');
  });

  it('maps signed answer codes: busy and nonce replay retry, bad signature and data refuse', async () => {
    expect(await failure(signed('10001'), 503)).toBeInstanceOf(TransientDeliveryError);
    expect(await failure(signed('20005'), 401)).toBeInstanceOf(TransientDeliveryError);
    for (const code of ['20002', '20003', '30001']) {
      const error = await failure(signed(code), 400);
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as PermanentDeliveryError).provinceCode).toBe(code);
    }
  });

  it('classifies unsigned failures by HTTP status, and timeouts as transient', async () => {
    expect(await failure('bad request', 400)).toBeInstanceOf(PermanentDeliveryError);
    expect(await failure('bad gateway', 502)).toBeInstanceOf(TransientDeliveryError);
    // A 502 that claims success in a forged envelope is still just a 502.
    expect(await failure(signed('0', {}, generateSm2KeyPair()), 502)).toBeInstanceOf(
      TransientDeliveryError,
    );
    nock(BASE)
      .post(GZ_RECEIVE_PATH)
      .reply(async () => {
        await new Promise((r) => setTimeout(r, 600));
        return [200, '{}'];
      });
    const impatient = createGzAdapter({ ...settings, timeoutMs: 200 });
    await expect(impatient.deliver(sampleDelivery(), testContext().context)).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
  });
});
