// The results the tax core reports with `decided`, in the shape of SW-005's result schema
// (schemas/README.md#result-schemas): a payment with its 电子税票号码, dates, lines, total and
// 完税证明 number, or a failed deduction with its reason and what the taxpayer can do. Amounts are
// added in whole fen (gateway's sum-equals helpers), never as floats.
import { formatFen, toFen } from '../../../gateway/catalogue/rules/sum-equals.ts';
import { bureauName } from './test-bureaus.ts';
import type { RemotePayment } from './remote-payment.ts';
import type { TestAgreement } from './test-agreements.ts';

export type FailureReason = 'insufficient-funds' | 'agreement-not-effective' | 'account-abnormal';

/** The 扣款失败 texts, as a bank's answer is shown to the taxpayer, and what to do about it. */
export const FAILURE_TEXT: Readonly<Record<FailureReason, { reasonZh: string; remedyZh: string }>> =
  {
    'insufficient-funds': {
      reasonZh: '扣款失败：缴款账户余额不足',
      remedyZh:
        '请向缴款账户存入足额资金，或改用其他已生效的三方协议账户，然后对本办件选择“重新缴款”。',
    },
    'agreement-not-effective': {
      reasonZh: '扣款失败：三方协议未生效',
      remedyZh:
        '三方协议尚未通过银行验证。请在经营地电子税务局完成三方协议验证（或改用已生效的三方协议）后重新缴款。',
    },
    'account-abnormal': {
      reasonZh: '扣款失败：缴款账户状态异常（冻结、止付或已销户）',
      remedyZh: '请联系开户银行核实账户状态，或改用其他已生效的三方协议账户后重新缴款。',
    },
  };

function total(payment: RemotePayment): string {
  const fen = payment.lines.reduce((sum, line) => sum + (toFen(line.amount) ?? 0n), 0n);
  return formatFen(fen);
}

function account(payment: RemotePayment) {
  return { bankCode: payment.bank.bankCode, accountNo: payment.bank.accountNo };
}

/**
 * Voucher numbers a real 金三 system would issue, made from the bureau's division, the date and the
 * province's own case sequence: 电子税票号码 `3` + division (6) + yymmdd (6) + sequence (7) = 20
 * digits; 完税证明 number division (6) + yy (2) + sequence (8).
 */
function voucherNumbers(authority: string, today: string, sequence: number) {
  const division = authority.slice(1, 7);
  const yymmdd = today.slice(2).replaceAll('-', '');
  return {
    taxVoucherNo: `3${division}${yymmdd}${String(sequence % 1e7).padStart(7, '0')}`,
    certificateNo: `${division}${yymmdd.slice(0, 2)}${String(sequence % 1e8).padStart(8, '0')}`,
  };
}

export function paymentResult(
  payment: RemotePayment,
  agreement: TestAgreement,
  today: string,
  sequence: number,
): Record<string, unknown> {
  return {
    outcome: 'paid',
    ...voucherNumbers(agreement.taxAuthorityCode, today, sequence),
    // 实时扣款: the treasury is credited the day the account is debited.
    deductedOn: today,
    creditedOn: today,
    taxAuthorityCode: agreement.taxAuthorityCode,
    taxAuthorityName: bureauName(agreement.taxAuthorityCode),
    agreementNo: agreement.agreementNo,
    account: account(payment),
    lines: payment.lines.map((line) => ({
      collectionItemCode: line.collectionItemCode,
      collectionSubitemCode: line.collectionSubitemCode,
      taxPeriod: { start: line.taxPeriod.start, end: line.taxPeriod.end },
      amount: line.amount,
    })),
    totalAmount: total(payment),
  };
}

export function failureResult(
  payment: RemotePayment,
  agreement: TestAgreement,
  reason: FailureReason,
  today: string,
): Record<string, unknown> {
  return {
    outcome: 'failed',
    reason,
    ...FAILURE_TEXT[reason],
    attemptedOn: today,
    taxAuthorityCode: agreement.taxAuthorityCode,
    agreementNo: agreement.agreementNo,
    account: account(payment),
    totalAmount: total(payment),
  };
}
