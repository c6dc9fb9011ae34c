// Typed results at the events endpoint (schemas/README.md#result-schemas): SW-005's `decided`
// result must be a payment or a failed deduction as its result schema says. A result that does not
// match is refused to the province with 422 GW_RESULT_INVALID and a pointer per field, and the case
// does not move: no status, no history entry, no recorded digest (the province may send the
// corrected event). GET /v1/cases/{id} shows an accepted result with the bank account masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { failedResult, paidResult } from '../../support/payment-results.ts';

interface Problem {
  code: string;
  errors?: { path: string; message: string; messageZh: string; keyword?: string }[];
}
interface View {
  status: string;
  result: Record<string, unknown> | null;
  history: { status: string }[];
}

let gw: ApiGateway;
let n = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

const at = () => new Date().toISOString();

/** A fresh SW-005 case for 师宗县, ROUTED to yn (no worker runs here). */
async function newCase(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `typed-${Date.now()}-${n++}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

function postEvent(caseId: string, body: unknown) {
  return gw
    .client('province-yn')
    .request<Problem & { status?: string }>('POST', `/v1/cases/${caseId}/events`, { json: body });
}

async function view(caseId: string, reader = 'portal-sc'): Promise<View> {
  return (await gw.client(reader).getCase<View>(caseId)).body;
}

describe('a decided result against the item result schema', () => {
  it('refuses a result that does not match with 422 GW_RESULT_INVALID, a pointer and Chinese text per field', async () => {
    const caseId = await newCase();
    expect((await postEvent(caseId, { type: 'accepted', at: at() })).status).toBe(200);
    const bad = paidResult();
    bad.taxVoucherNo = 'DZ-0001';
    (bad.lines as Record<string, unknown>[])[0]!.amount = '38400.5';
    const res = await postEvent(caseId, { type: 'decided', at: at(), result: bad });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GW_RESULT_INVALID');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/result/taxVoucherNo', keyword: 'pattern' }),
        expect.objectContaining({ path: '/result/lines/0/amount', keyword: 'pattern' }),
      ]),
    );
    for (const problem of res.body.errors ?? [])
      expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('leaves the case unmoved, so the same province can then report the corrected result', async () => {
    const caseId = await newCase();
    expect((await postEvent(caseId, { type: 'accepted', at: at() })).status).toBe(200);
    const before = await view(caseId, 'operator-dev');
    const event = { type: 'decided', at: at(), result: { decision: 'approved' } };
    // Twice: a refused event leaves no digest behind, so it is refused again, not "duplicate".
    for (let i = 0; i < 2; i++) {
      const res = await postEvent(caseId, event);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: '/result/outcome' })]),
      );
    }
    const after = await view(caseId, 'operator-dev');
    expect(after.status).toBe('IN_PROGRESS');
    expect(after.history).toEqual(before.history);
    expect(after.result).toBeNull();
    const corrected = await postEvent(caseId, { ...event, result: failedResult() });
    expect(corrected.status).toBe(200);
    expect(corrected.body.status).toBe('DECIDED');
  });

  it('does not even record the delivery of a ROUTED case when the result is refused', async () => {
    const caseId = await newCase();
    const res = await postEvent(caseId, {
      type: 'decided',
      at: at(),
      result: { ...failedResult(), reason: 'bank-offline' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: '/result/reason', keyword: 'enum' }),
    ]);
    const after = await view(caseId, 'operator-dev');
    expect(after.status).toBe('ROUTED');
    expect(after.history.map((h) => h.status)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED']);
  });

  it('shows an accepted payment on GET /v1/cases/{id} with the bank account masked (operators with unmask see it)', async () => {
    const caseId = await newCase();
    const paid = paidResult();
    const res = await postEvent(caseId, { type: 'decided', at: at(), result: paid });
    expect(res.status).toBe(200);
    const account = (paid.account as { accountNo: string }).accountNo;
    const portal = await view(caseId);
    expect(portal.status).toBe('DECIDED');
    expect(portal.result).toEqual({
      ...paid,
      account: { ...(paid.account as object), accountNo: `${'*'.repeat(15)}${account.slice(-4)}` },
    });
    expect(JSON.stringify(portal)).not.toContain(account);
    expect((await view(caseId, 'operator-dev')).result).toEqual(paid);
  });

  it("masks ID and mobile numbers a province wrote into a failed deduction's free text for the portal and an operator without unmask, whole for unmask", async () => {
    const caseId = await newCase();
    const failed = {
      ...failedResult(),
      reasonZh: '余额不足，纳税人 510104198503152311 未续存',
      remedyZh: '请联系经办人 13912345678 或 6222 0202 0011 2233',
    };
    expect((await postEvent(caseId, { type: 'decided', at: at(), result: failed })).status).toBe(
      200,
    );
    for (const reader of ['portal-sc', 'province-yn', 'operator-readonly']) {
      const { result } = await view(caseId, reader);
      expect(result?.reasonZh).toBe('余额不足，纳税人 5101**********2311 未续存');
      expect(result?.remedyZh).toBe('请联系经办人 139****5678 或 **** **** **** 2233');
    }
    expect((await view(caseId, 'operator-dev')).result).toMatchObject({
      reasonZh: failed.reasonZh,
      remedyZh: failed.remedyZh,
    });
  });
});

// The order of the event checks (gateway/README.md#province-events): who (401/403), the event's shape
// (422), the case (404), where the case is (409), then the content against the case (422). A
// state conflict is the same 409 whatever else is wrong with the event.
describe('an event the case is past, with bad content besides', () => {
  async function decidedCase(): Promise<{ caseId: string; decided: Record<string, unknown> }> {
    const caseId = await newCase();
    const decided = { type: 'decided', at: at(), result: paidResult() };
    expect((await postEvent(caseId, decided)).body.status).toBe('DECIDED');
    return { caseId, decided };
  }

  it('is 409 GW_ILLEGAL_TRANSITION for a decided with a bad result, as with a good one', async () => {
    const { caseId } = await decidedCase();
    const good = await postEvent(caseId, { type: 'decided', at: at(), result: failedResult() });
    const bad = await postEvent(caseId, {
      type: 'decided',
      at: at(),
      result: { ...failedResult(), reason: 'bank-offline' },
    });
    for (const res of [good, bad]) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('GW_ILLEGAL_TRANSITION');
    }
    expect(bad.body).toMatchObject({ detail: (good.body as { detail?: string }).detail });
  });

  it('is 409 for an event dated ahead of the clock that the case cannot take', async () => {
    const { caseId } = await decidedCase();
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const res = await postEvent(caseId, { type: 'resumed', at: ahead });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('GW_ILLEGAL_TRANSITION');
  });

  it('still tells a content problem once the state allows the event', async () => {
    const caseId = await newCase();
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const res = await postEvent(caseId, { type: 'accepted', at: ahead });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/at' })]);
  });

  it('answers the very decided event again as a duplicate, not as a conflict', async () => {
    const { caseId, decided } = await decidedCase();
    const again = await postEvent(caseId, decided);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'DECIDED', duplicate: true });
  });
});
