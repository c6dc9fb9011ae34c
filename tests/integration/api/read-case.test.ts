// GET /v1/cases/{id} (gateway/README.md#reads-and-masking): who may see a case, and what they see
// of personal data.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadForDelivery } from '../../../gateway/cases/record-delivery.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { catalogueDocument } from '../../unit/openapi/support.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

let gw: ApiGateway;
let caseId: string;
beforeAll(async () => {
  gw = await startApiGateway();
  const body = validExample('SW-005');
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(body, `read-${Date.now()}`);
  expect(res.status).toBe(202);
  caseId = res.body.caseId;
});
afterAll(async () => gw.close());

interface CaseView {
  caseId: string;
  status: string;
  phase: { key: string; zh: string };
  dueAt: string;
  submission: { applicant: Record<string, string>; payload: Record<string, unknown> };
  history: { status: string; actor: string }[];
}

describe('reading a case', () => {
  it('shows the submitting portal its case, with personal fields masked', async () => {
    const res = await gw.client('portal-sc').getCase<CaseView>(caseId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      caseId,
      status: 'ROUTED',
      phase: { key: 'dispatch', zh: '分流' },
    });
    expect(res.body.history.map((h) => h.status)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED']);
    const applicant = res.body.submission.applicant;
    expect(applicant.phone).toBe('138****5678');
    expect(applicant.contactIdNumber).toBe('5101**********2311');
    expect(applicant.contactName).toBe('李*');
    const bank = res.body.submission.payload.bank as Record<string, string>;
    expect(bank.accountNo).toBe('***************3445');
    expect(JSON.stringify(res.body)).not.toContain('510104198503152311');
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
  });

  it('reads and delivers a case stored in the layout before lean records (envelope in its hash, submission entries in its list) as one stored now', async () => {
    const portal = gw.client('portal-sc');
    const res = await portal.submitCase<{ caseId: string }>(
      validExample('SW-005'),
      `read-old-layout-${Date.now()}`,
    );
    const id = res.body.caseId;
    const now = await portal.getCase<CaseView>(id);
    const keys = redisKeys(gw.config.keyPrefix);
    const redis = gw.services.redis;
    const history = await gw.services.store.history(id);
    await redis.hset(keys.case(id), 'envelope', (await redis.getBuffer(keys.envelope(id)))!);
    await redis.del(keys.envelope(id));
    await redis.rpush(keys.history(id), ...history.map((entry) => JSON.stringify(entry)));

    const old = await portal.getCase<CaseView>(id);
    expect(old.status).toBe(200);
    expect(old.body).toEqual(now.body);
    expect(old.body.history.map((h) => h.status)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED']);
    const delivery = await loadForDelivery(gw.services.store, id);
    expect(delivery).toMatchObject({ found: 'deliver', envelope: validExample('SW-005') });
  });

  it('counts the promised days on the working-day calendar (SW-005: decided the same working day)', async () => {
    const res = await gw.client('portal-sc').getCase<CaseView>(caseId);
    expect(res.body.dueAt).toMatch(/T15:59:59\.000Z$/);
  });

  it('answers another province portal with 404, exactly as for a case that does not exist', async () => {
    const other = await gw.client('portal-gz').getCase<{ code: string }>(caseId);
    const missing = await gw
      .client('portal-gz')
      .getCase<{ code: string }>('01JAAAAAAAAAAAAAAAAAAAAAAA');
    expect(other).toMatchObject({ status: 404, body: { code: 'GW_CASE_NOT_FOUND' } });
    expect(missing).toMatchObject({ status: 404, body: { code: 'GW_CASE_NOT_FOUND' } });
  });

  it('shows the case to the handling province (yn) but not to an unrelated province client', async () => {
    expect((await gw.client('province-yn').getCase(caseId)).status).toBe(200);
    expect((await gw.client('province-gx').getCase(caseId)).status).toBe(404);
  });

  it('shows personal data unmasked to an operator with the unmask right only', async () => {
    const unmask = await gw.client('operator-dev').getCase<CaseView>(caseId);
    expect(unmask.body.submission.applicant.phone).toBe('13812345678');
    const readonly = await gw.client('operator-readonly').getCase<CaseView>(caseId);
    expect(readonly.status).toBe(200);
    expect(readonly.body.submission.applicant.phone).toBe('138****5678');
  });

  it('answers a masked read that matches the published CaseView schema, as a generated client would check it', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const docId = 'https://swgw.test/openapi.json';
    ajv.addSchema({ $id: docId, components: catalogueDocument().components });
    const validate = ajv.compile({ $ref: `${docId}#/components/schemas/CaseView` });
    const res = await gw.client('portal-sc').getCase<CaseView>(caseId);
    expect(res.body.submission.applicant.phone).toBe('138****5678');
    expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes no ID number, phone or bank account of a submission into the logs', () => {
    const log = JSON.stringify(gw.logLines());
    expect(log).not.toContain('510104198503152311');
    expect(log).not.toContain('13812345678');
    expect(log).not.toContain('6222020200112233445');
  });
});
