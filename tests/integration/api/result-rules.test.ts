// A result's cross-field rules at the events endpoint (schemas/README.md#result-rules): SW-005's
// `decided` result must match its result schema and also what the case submitted and today's
// date — a total that is the sum of its lines and the total submitted, each line paid one line
// submitted at its amount (none missing, none invented), the case's own 三方协议号, tax authority
// and account, deduction and crediting dates not in the future, not before the case's submission
// day nor in the wrong order. A result that breaks one is refused with 422 GW_RESULT_INVALID, one
// problem per broken rule at its /result pointer, and the case does not move; found by a status
// query, it is not applied. A draft whose result rule names no
// field is refused when checked, as the console's live check asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chinaDate,
  fixedCalendarSource,
  loadCalendar,
} from '../../../gateway/calendar/working-days.ts';
import { createStatusQueryRecorder } from '../../../gateway/cases/record-status-query.ts';
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
/** Two days back on the China calendar: before the day of a case submitted now. */
const before = () => chinaDate(new Date(Date.now() - 2 * 86_400_000));

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

  it('refuses a crediting date before the deduction date at /result/creditedOn (and before the case)', async () => {
    // The case is submitted today: a crediting date before today's deduction precedes the case too.
    const errors = await refused({ ...paidResult(), creditedOn: before() });
    expect(errors).toEqual([
      problemAt('/result/creditedOn', 'not-before-submission'),
      problemAt('/result/creditedOn', 'date-order'),
    ]);
  });

  it("refuses a deduction dated before the case's submission day at /result/deductedOn, naming 扣款日期", async () => {
    const day = before();
    const errors = await refused({ ...paidResult(day), creditedOn: paidResult().creditedOn });
    expect(errors).toEqual([problemAt('/result/deductedOn', 'not-before-submission')]);
    expect(errors[0]!.message).toMatch(
      new RegExp(
        `^${day} is before the day the case was submitted \\(\\d{4}-\\d{2}-\\d{2}, China time\\)$`,
      ),
    );
    expect(errors[0]!.messageZh).toMatch(new RegExp(`^扣款日期 ${day} 早于办件提交日期`));
  });

  it("refuses a failed deduction attempted before the case's submission day at /result/attemptedOn", async () => {
    const errors = await refused(failedResult(before()));
    expect(errors).toEqual([problemAt('/result/attemptedOn', 'not-before-submission')]);
  });

  it('refuses a line paid at another amount than submitted at /result/lines/1/amount', async () => {
    const paid = paidResult();
    const lines = structuredClone(paid.lines) as { amount: string }[];
    lines[0]!.amount = '38420.00';
    lines[1]!.amount = '1900.00';
    const errors = await refused({ ...paid, lines });
    expect(errors).toEqual([
      problemAt('/result/lines/0/amount', 'lines-match'),
      problemAt('/result/lines/1/amount', 'lines-match'),
    ]);
  });

  it('refuses a line that was not submitted at /result/lines/1, and the submitted line it displaced at /result/lines', async () => {
    const paid = paidResult();
    const lines = structuredClone(paid.lines) as { collectionItemCode: string }[];
    lines[1]!.collectionItemCode = '30203';
    const errors = await refused({ ...paid, lines });
    expect(errors).toEqual([
      problemAt('/result/lines/1', 'lines-match'),
      problemAt('/result/lines', 'lines-match'),
    ]);
    expect(errors[1]!.message).toContain('/payload/lines/1');
  });

  it('refuses a payment missing a submitted line at /result/lines', async () => {
    const paid = paidResult();
    const lines = (paid.lines as unknown[]).slice(0, 1);
    const errors = await refused({ ...paid, lines, totalAmount: '38400.00' });
    expect(errors).toEqual([
      problemAt('/result/lines', 'lines-match'),
      problemAt('/result/totalAmount', 'equals'),
    ]);
  });

  it("names the account but never repeats the case's account number beside line and date problems", async () => {
    const paid = paidResult(before());
    const lines = structuredClone(paid.lines) as { amount: string }[];
    lines[1]!.amount = '1920.01';
    const errors = await refused({
      ...paid,
      lines,
      totalAmount: '40320.01',
      account: { bankCode: '102731000019', accountNo: '6222020200998877665' },
    });
    expect(errors.map((e) => e.keyword)).toEqual(
      expect.arrayContaining(['lines-match', 'equals', 'not-before-submission']),
    );
    expect(JSON.stringify(errors)).not.toContain('6222020200112233445');
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

  it('accepts a valid payment, one listing its lines in another order, and a valid failed deduction, the case DECIDED with the result', async () => {
    const reordered = paidResult();
    reordered.lines = (reordered.lines as unknown[]).reverse();
    for (const result of [paidResult(), reordered, failedResult()]) {
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

describe('a status-queried SW-005 result that contradicts its case', () => {
  it('is not applied (counted ignored) for a date before the submission, a line not submitted or a line missing; the case stays IN_PROGRESS and the correct one is applied', async () => {
    const caseId = await acceptedCase();
    const recorder = createStatusQueryRecorder({
      store: gw.services.store,
      calendar: fixedCalendarSource(loadCalendar()),
      registry: gw.services.registry,
    });
    const paid = paidResult();
    const invented = structuredClone(paid.lines) as { collectionSubitemCode: string }[];
    invented[0]!.collectionSubitemCode = '101014099';
    const missing = (paid.lines as unknown[]).slice(1);
    const bad = [
      { ...paid, deductedOn: before(), creditedOn: before() },
      { ...paid, lines: invented },
      { ...paid, lines: missing, totalAmount: '1920.00' },
      failedResult(before()),
    ];
    const answer = (results: Record<string, unknown>[]) => ({
      found: true as const,
      provinceCaseNo: 'YN-RR-1',
      events: results.map((result) => ({ type: 'decided', at: at(), result })),
    });
    expect(await recorder.record(caseId, 'yn', answer(bad))).toEqual({ applied: [], ignored: 4 });
    const held = (await gw.services.store.get(caseId))!;
    expect(held.status).toBe('IN_PROGRESS');
    expect(held.storedResult).toBeUndefined();
    expect((await view(caseId)).result).toBeNull();

    const reordered = { ...paid, lines: (structuredClone(paid.lines) as unknown[]).reverse() };
    expect(await recorder.record(caseId, 'yn', answer([reordered]))).toEqual({
      applied: ['decided'],
      ignored: 0,
    });
    const decided = (await gw.services.store.get(caseId))!;
    expect(decided.status).toBe('DECIDED');
    expect(gw.services.store.openResult(decided)).toEqual(reordered);
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
