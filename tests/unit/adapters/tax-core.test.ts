// The sandboxes' tax core (adapters/README.md#the-tax-core): its documented test data passes the
// gateway's own identifier checks, and each test agreement leads to its outcome — a payment or a
// failed deduction that SW-005's result schema accepts, or a correction the taxpayer can make.
import { describe, expect, it } from 'vitest';
import { decidePayment } from '../../../adapters/kit/tax-core/decide-payment.ts';
import { taxCoreDecision } from '../../../adapters/kit/tax-core/tax-core.ts';
import { TEST_AGREEMENTS, testAgreement } from '../../../adapters/kit/tax-core/test-agreements.ts';
import { TEST_BUREAUS } from '../../../adapters/kit/tax-core/test-bureaus.ts';
import { TEST_TAXPAYERS } from '../../../adapters/kit/tax-core/test-taxpayers.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { checkTaxAuthorityCode } from '../../../gateway/catalogue/keywords/tax-authority-code.ts';
import { checkTaxpayerId } from '../../../gateway/catalogue/keywords/taxpayer-id.ts';
import { resultProblems } from '../../../gateway/catalogue/result-schema.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { validExample } from '../../support/api-gateway.ts';
import { divisions } from '../catalogue/support.ts';

const registry = createSchemaRegistry({
  divisions,
  items: loadCatalogue().filter((i) => i.code === 'SW-005'),
});
const result = registry.resultFor('SW-005')!;
const context = { today: '2026-11-25', sequence: 42 };
const SHIZONG = '15303230000';

type Payload = Record<string, unknown> & { lines: Record<string, unknown>[] };

/** The flagship SW-005 payload (四川蜀道路桥 paying at 师宗县) with another agreement. */
function payload(agreementNo = '5303230001234567', change?: (p: Payload) => void): Payload {
  const p = structuredClone(validExample('SW-005').payload) as Payload;
  p.agreementNo = agreementNo;
  change?.(p);
  return p;
}

function decided(p: Payload): Record<string, unknown> {
  const decision = decidePayment(p, context);
  if (decision.type !== 'decided') throw new Error(`expected a decision, got ${decision.note}`);
  expect(resultProblems(result.validate, decision.result)).toEqual([]);
  return decision.result;
}

describe('test data', () => {
  it('has taxpayer ids of every form that pass the gateway checks (GB 32100 / GB 11643)', () => {
    expect(new Set(TEST_TAXPAYERS.map((t) => t.kind))).toEqual(
      new Set(['organisation', 'person', 'individual-business']),
    );
    for (const t of TEST_TAXPAYERS)
      expect(checkTaxpayerId(t.taxpayerId, '2026-11-25')).toBe(undefined);
  });

  it('has one bureau per sandbox, each a member tax authority, with five agreements each', () => {
    expect(TEST_BUREAUS).toHaveLength(7);
    for (const b of TEST_BUREAUS) {
      expect(checkTaxAuthorityCode(b.code, 'member', divisions), b.code).toBe(undefined);
      expect(checkTaxAuthorityCode(b.otherAuthority, 'member', divisions)).toBe(undefined);
      expect(b.otherAuthority).not.toBe(b.code);
    }
    expect(TEST_AGREEMENTS).toHaveLength(35);
    expect(new Set(TEST_AGREEMENTS.map((a) => a.agreementNo)).size).toBe(35);
    for (const a of TEST_AGREEMENTS) expect(a.agreementNo).toMatch(/^[0-9]{16}$/);
  });

  it("names 师宗县's agreements as the README lists them", () => {
    expect(
      [
        'pays',
        'insufficient-funds',
        'agreement-not-effective',
        'account-abnormal',
        'wrong-authority',
      ].map((b) => testAgreement(SHIZONG, b as never)),
    ).toEqual([
      '5303230001234567',
      '5303230002000001',
      '5303230002000002',
      '5303230002000003',
      '5303230002000004',
    ]);
  });
});

describe('the decision on an SW-005 payment', () => {
  it('pays with the agreement that pays: a 20-digit 电子税票号码, the lines and their total in fen', () => {
    const paid = decided(
      payload('5303230001234567', (p) => {
        p.lines[0]!.amount = '0.10';
        p.lines[1]!.amount = '0.20';
        p.totalAmount = '0.30';
      }),
    );
    expect(paid).toMatchObject({
      outcome: 'paid',
      deductedOn: '2026-11-25',
      creditedOn: '2026-11-25',
      taxAuthorityCode: SHIZONG,
      taxAuthorityName: '国家税务总局师宗县税务局',
      agreementNo: '5303230001234567',
      account: { bankCode: '102731000019', accountNo: '6222020200112233445' },
      totalAmount: '0.30',
    });
    expect(paid.taxVoucherNo).toBe('35303232611250000042');
    expect(paid.certificateNo).toBe('5303232600000042');
    expect((paid.lines as unknown[]).length).toBe(2);
  });

  it.each([
    ['5303230002000001', 'insufficient-funds', /余额不足/],
    ['5303230002000002', 'agreement-not-effective', /三方协议未生效/],
    ['5303230002000003', 'account-abnormal', /账户状态异常/],
  ])(
    'fails the deduction with agreement %s: %s, saying what to do',
    (agreementNo, reason, text) => {
      const failed = decided(payload(agreementNo));
      expect(failed).toMatchObject({ outcome: 'failed', reason, attemptedOn: '2026-11-25' });
      expect(failed.reasonZh).toMatch(text);
      expect(failed.remedyZh).toMatch(/重新缴款/);
      expect(failed.totalAmount).toBe('40320.00');
    },
  );

  it('asks for a correction when the agreement was signed with another authority than the lines', () => {
    const decision = decidePayment(payload('5303230002000004'), context);
    expect(decision).toMatchObject({ type: 'correction-required', reason: 'authority-mismatch' });
    expect(decision.type === 'correction-required' && decision.note).toMatch(
      /^所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致：三方协议 5303230002000004 签订于国家税务总局成都市锦江区税务局（15101040000）/,
    );
  });

  it.each([
    ['an agreement not on record', payload('5303230009999999'), 'agreement-unknown'],
    [
      'a taxpayer never checked in here',
      payload(undefined, (p) => (p.taxpayerId = '91350200MA2YJ1XR9G')),
      'taxpayer-not-checked-in',
    ],
    [
      'a report number not on record',
      payload(undefined, (p) => (p.crossRegionReportNo = '51010426009999')),
      'report-mismatch',
    ],
    ['a payload without lines', payload(undefined, (p) => (p.lines = [])), 'incomplete'],
  ])('asks for a correction for %s', (_, p, reason) => {
    const decision = decidePayment(p, context);
    expect(decision).toMatchObject({ type: 'correction-required', reason });
    expect(decision.type === 'correction-required' && decision.note.length).toBeLessThanOrEqual(
      500,
    );
  });

  it('pays a natural person and a 个体工商户 (ID number + 2 digits) with the same test agreement', () => {
    for (const index of [1, 2])
      expect(decided(validExample('SW-005', index).payload as Payload).outcome).toBe('paid');
  });
});

describe('taxCoreDecision', () => {
  it('handles SW-005 only, on the China date of the clock', () => {
    expect(taxCoreDecision({ itemCode: 'GA-009', payload: {} }, 'YN1')).toBeUndefined();
    const decision = taxCoreDecision(
      { itemCode: 'SW-005', payload: payload() },
      'YN20261125000007',
      new Date('2026-11-24T16:30:00Z'),
    );
    expect(decision).toMatchObject({ type: 'decided', result: { deductedOn: '2026-11-25' } });
    expect(decision?.type === 'decided' && decision.result.taxVoucherNo).toBe(
      '35303232611250000007',
    );
  });
});
