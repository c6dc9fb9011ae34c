// The flagship story end to end (README.md#paying-tax-remotely): a 四川 company pays tax for its
// project in 师宗县 through the real gateway, the yn worker and the yn sandbox, whose tax core
// (adapters/README.md#the-tax-core) settles each test agreement its own way — a payment, three
// failed deductions, and a correction for an agreement signed with another tax authority — and a
// failed payment retried as a new submission linked to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validExample } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';
import {
  startE2eSystem,
  submit,
  waitForStatus,
  type CaseView,
  type E2eSystem,
} from './support/system.ts';

let sys: E2eSystem;
beforeAll(async () => {
  sys = await startE2eSystem('tax-payment');
}, 60_000);
afterAll(async () => sys?.stop());

type Result = Record<string, unknown> & { account: { accountNo: string } };
type View = CaseView & {
  result: Result | null;
  relatedCases: { caseId: string; relation: string }[];
};

const ACCOUNT = '6222020200112233445';

/** Pays the flagship SW-005 example with `agreementNo`, as portal-sc; returns the case id. */
async function pay(agreementNo: string, extra: Record<string, unknown> = {}): Promise<string> {
  const envelope = validExample('SW-005');
  (envelope.payload as Record<string, unknown>).agreementNo = agreementNo;
  const accepted = await submit(sys, { ...envelope, ...extra }, 'portal-sc');
  expect(accepted.route.adapter).toBe('yn');
  return accepted.caseId;
}

/** The case as the submitting portal reads it (personal fields masked). */
async function portalView(caseId: string): Promise<View> {
  const res = await sys.client('portal-sc').getCase<View>(caseId);
  expect(res.status).toBe(200);
  return res.body;
}

function postedSteps(caseId: string): string[] {
  return sys.sandboxes
    .get('yn')!
    .events()
    .filter((e) => e.caseId === caseId)
    .map((e) => `${e.type} ${e.status}`);
}

describe('the 师宗县 tax core through the yn sandbox', () => {
  it('pays with 5303230001234567: CLOSED with a payment result, the account masked for the portal', async () => {
    const caseId = await pay('5303230001234567');
    await waitForStatus(sys, caseId, 'CLOSED');
    const view = await portalView(caseId);
    expect(view.result).toMatchObject({
      outcome: 'paid',
      taxVoucherNo: expect.stringMatching(/^3530323\d{13}$/),
      certificateNo: expect.stringMatching(/^530323\d{10}$/),
      taxAuthorityCode: '15303230000',
      totalAmount: '40320.00',
      account: { accountNo: `${'*'.repeat(15)}3445` },
    });
    expect(JSON.stringify(view)).not.toContain(ACCOUNT);
    expect(view.history.map((h) => h.status)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'ROUTED',
      'DELIVERED',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'DECIDED',
      'RESULT_DELIVERED',
      'CLOSED',
    ]);
  });

  it.each([
    ['5303230002000001', 'insufficient-funds', '余额不足'],
    ['5303230002000002', 'agreement-not-effective', '三方协议未生效'],
    ['5303230002000003', 'account-abnormal', '账户状态异常'],
  ])(
    'fails the deduction with %s: CLOSED with a %s failure saying what to do',
    async (agreementNo, reason, text) => {
      const caseId = await pay(agreementNo);
      await waitForStatus(sys, caseId, 'CLOSED');
      const { result } = await portalView(caseId);
      expect(result).toMatchObject({ outcome: 'failed', reason, agreementNo });
      expect(result?.reasonZh).toContain(text);
      expect(result?.remedyZh).toMatch(/重新缴款/);
      expect(result).not.toHaveProperty('taxVoucherNo');
    },
  );

  it('asks for a correction with 5303230002000004, signed with 成都市锦江区: CORRECTION_REQUIRED, nothing decided', async () => {
    const caseId = await pay('5303230002000004');
    const view = await waitForStatus(sys, caseId, 'CORRECTION_REQUIRED');
    expect(view.history.at(-1)).toMatchObject({
      status: 'CORRECTION_REQUIRED',
      actor: 'province-yn',
      note: expect.stringMatching(
        /^所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致.*成都市锦江区/,
      ),
    });
    expect(view.result).toBeNull();
    await waitFor(() => postedSteps(caseId).length === 2, {
      what: 'the two posts of a correction',
    });
    expect(postedSteps(caseId)).toEqual(['accepted 200', 'correction-required 200']);
  });
});

describe('retrying a failed payment', () => {
  it('links the retry and the failed case both ways, and the retry pays', async () => {
    const failed = await pay('5303230002000001');
    await waitForStatus(sys, failed, 'CLOSED');
    const retry = await pay('5303230001234567', { relatedCaseId: failed });
    await waitForStatus(sys, retry, 'CLOSED');

    const retried = await portalView(retry);
    expect(retried.result).toMatchObject({ outcome: 'paid' });
    expect(retried.relatedCases).toEqual([{ caseId: failed, relation: 'resubmission-of' }]);
    expect(retried.history[0]?.note).toBe(`resubmission of ${failed}`);

    const original = await portalView(failed);
    expect(original.status).toBe('CLOSED');
    expect(original.result).toMatchObject({ outcome: 'failed', reason: 'insufficient-funds' });
    expect(original.relatedCases).toEqual([{ caseId: retry, relation: 'resubmitted-as' }]);
    expect(original.history.at(-1)).toMatchObject({
      status: 'CLOSED',
      actor: 'portal-sc',
      note: `resubmitted as ${retry}`,
    });
  });
});
