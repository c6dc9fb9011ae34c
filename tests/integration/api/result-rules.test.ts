// A result's cross-field rules at the events endpoint (schemas/README.md#result-rules): SW-005's
// `decided` result must match its result schema and also what the case submitted and today's
// date — a total that is the sum of its lines and the total submitted, the case's own 三方协议号,
// tax authority and account, deduction and crediting dates not in the future nor in the wrong
// order. A result that breaks one is refused with 422 GW_RESULT_INVALID, one problem per broken
// rule at its /result pointer, and the case does not move. A draft whose result rule names no
// field is refused when checked, as the console's live check asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../../gateway/calendar/working-days.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftItem } from '../../support/catalogue.ts';
import { failedResult, paidResult } from '../../support/payment-results.ts';

interface Problem {
  path: string;
  message: string;
  messageZh: string;
  keyword?: string;
}
interface Answer {
  code?: string;
  status?: string;
  errors?: Problem[];
}
interface View {
  status: string;
  result: Record<string, unknown> | null;
  history: { status: string }[];
}

let gw: ApiGateway;
let n = 0;
beforeAll(async () => {
  gw = await startApiGateway({}, { liveCatalogue: true });
});
afterAll(async () => gw?.close());

const at = () => new Date().toISOString();
/** Two days ahead on the China calendar: after the gateway's today even across a midnight. */
const future = () => chinaDate(new Date(Date.now() + 2 * 86_400_000));

/** A fresh SW-005 case (validExample's: 40320.00, 三方协议 5303230001234567), accepted by yn. */
async function acceptedCase(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `result-rules-${Date.now()}-${n++}`);
  expect(res.status).toBe(202);
  const caseId = res.body.caseId;
  expect((await postEvent(caseId, { type: 'accepted', at: at() })).status).toBe(200);
  return caseId;
}

function postEvent(caseId: string, body: unknown) {
  return gw
    .client('province-yn')
    .request<Answer>('POST', `/v1/cases/${caseId}/events`, { json: body });
}

async function view(caseId: string): Promise<View> {
  return (await gw.client('operator-dev').getCase<View>(caseId)).body;
}

/** Posts `result` as `decided`; answers the refusal after checking the case did not move. */
async function refused(result: Record<string, unknown>): Promise<Problem[]> {
  const caseId = await acceptedCase();
  const before = await view(caseId);
  const res = await postEvent(caseId, { type: 'decided', at: at(), result });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('GW_RESULT_INVALID');
  const after = await view(caseId);
  expect(after.status).toBe('IN_PROGRESS');
  expect(after.history).toHaveLength(before.history.length);
  expect(after.result).toBeNull();
  for (const problem of res.body.errors ?? []) expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/);
  return res.body.errors ?? [];
}

/** A problem at `path` from the rule `keyword`. */
function problemAt(path: string, keyword: string): unknown {
  return expect.objectContaining({ path, keyword }) as unknown;
}

describe("a decided SW-005 result against its rules and the case's submission", () => {
  it('refuses a paid total that is not the sum of its lines (1.00 against 40320.00) at /result/totalAmount', async () => {
    const errors = await refused({ ...paidResult(), totalAmount: '1.00' });
    expect(errors).toEqual(
      expect.arrayContaining([
        problemAt('/result/totalAmount', 'sum-equals'),
        problemAt('/result/totalAmount', 'equals'),
      ]),
    );
    expect(errors.find((e) => e.keyword === 'sum-equals')!.messageZh).toContain('40320.00');
  });

  it('refuses a deduction and crediting date after today (China time), each at its pointer', async () => {
    const errors = await refused({ ...paidResult(), deductedOn: future(), creditedOn: future() });
    expect(errors).toEqual([
      problemAt('/result/deductedOn', 'not-after-today'),
      problemAt('/result/creditedOn', 'not-after-today'),
    ]);
  });

  it('refuses a crediting date before the deduction date at /result/creditedOn', async () => {
    const errors = await refused({
      ...paidResult(),
      deductedOn: '2026-11-25',
      creditedOn: '2026-11-24',
    });
    expect(errors).toEqual([problemAt('/result/creditedOn', 'date-order')]);
  });

  it('refuses a failed deduction attempted after today at /result/attemptedOn', async () => {
    const errors = await refused({ ...failedResult(), attemptedOn: future() });
    expect(errors).toEqual([problemAt('/result/attemptedOn', 'not-after-today')]);
  });

  it("refuses an agreementNo other than the case's at /result/agreementNo", async () => {
    const errors = await refused({ ...paidResult(), agreementNo: '5303230002000001' });
    expect(errors).toEqual([problemAt('/result/agreementNo', 'equals')]);
    expect(errors[0]!.message).toContain('5303230001234567');
  });

  it("refuses a taxAuthorityCode other than the case's agreement authority at /result/taxAuthorityCode", async () => {
    const errors = await refused({ ...failedResult(), taxAuthorityCode: '14501030000' });
    expect(errors).toEqual([problemAt('/result/taxAuthorityCode', 'equals')]);
  });

  it("refuses an account other than the case's without repeating the case's account number", async () => {
    const errors = await refused({
      ...paidResult(),
      account: { bankCode: '102731000019', accountNo: '6222020200998877665' },
    });
    expect(errors).toEqual([problemAt('/result/account/accountNo', 'equals')]);
    expect(JSON.stringify(errors)).not.toContain('6222020200112233445');
  });

  it('accepts a valid payment and a valid failed deduction, the case DECIDED with the result', async () => {
    for (const result of [paidResult(), failedResult()]) {
      const caseId = await acceptedCase();
      const res = await postEvent(caseId, { type: 'decided', at: at(), result });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('DECIDED');
      const after = await view(caseId);
      expect(after.status).toBe('DECIDED');
      expect(after.result).toEqual(result);
    }
  });
});

describe('a draft whose result rule names an unknown field', () => {
  it('is refused by the check (422 GW_DRAFT_INVALID) at the rule', async () => {
    const item = seedDraftItem('SW-005');
    const result = (item.schema as { resultSchema: { crossFieldRules?: unknown[] } }).resultSchema;
    result.crossFieldRules = [
      ...(result.crossFieldRules ?? []),
      { rule: 'equals', value: '/result/voucherNumber', other: '/payload/agreementNo' },
    ];
    const res = await gw
      .client('operator-dev')
      .request<Answer>('POST', '/v1/admin/catalogue/checks', {
        json: { itemCode: 'SW-005', item },
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_DRAFT_INVALID');
    const index = result.crossFieldRules.length - 1;
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: `/item/schema/resultSchema/crossFieldRules/${index}/value`,
        message: expect.stringContaining('/result/voucherNumber names no field'),
        messageZh: expect.stringMatching(/[\u4e00-\u9fa5]/),
      }),
    ]);
  });
});
