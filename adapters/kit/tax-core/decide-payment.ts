// What the 经营地 tax core does with an SW-005 payment (adapters/README.md#the-tax-core), in the
// order a real 税库银 system checks: is the taxpayer checked in here (报验, with its 跨区域涉税事项
// 报告 number on record), is the agreement on record, was it signed with the authority every line
// belongs to (the 电子税务局 refuses 所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致),
// then the bank's answer to the deduction. What the taxpayer can fix by resubmitting is a
// correction (补正, `correction-required` with a note); a deduction the bank refused is a decided
// failure, retried as a new submission. Pure: the date and the sequence are given.
import { failureResult, paymentResult } from './payment-outcome.ts';
import { readRemotePayment } from './remote-payment.ts';
import { findAgreement } from './test-agreements.ts';
import { bureauName } from './test-bureaus.ts';
import { findTaxpayer } from './test-taxpayers.ts';

export type CorrectionReason =
  | 'incomplete'
  | 'taxpayer-not-checked-in'
  | 'report-mismatch'
  | 'agreement-unknown'
  | 'authority-mismatch';

export type TaxDecision =
  | {
      readonly type: 'correction-required';
      readonly reason: CorrectionReason;
      readonly note: string;
    }
  | { readonly type: 'decided'; readonly result: Record<string, unknown> };

export interface DecisionContext {
  /** Today on the China calendar, YYYY-MM-DD. */
  readonly today: string;
  /** The province's running case number, for voucher numbers. */
  readonly sequence: number;
}

function correction(reason: CorrectionReason, note: string): TaxDecision {
  return { type: 'correction-required', reason, note };
}

export function decidePayment(payload: unknown, context: DecisionContext): TaxDecision {
  const read = readRemotePayment(payload);
  if (!read.ok)
    return correction('incomplete', `缴款信息不完整：缺少 ${read.field}，请补正后重新提交。`);
  const { payment } = read;

  const taxpayer = findTaxpayer(payment.taxpayerId);
  if (!taxpayer)
    return correction(
      'taxpayer-not-checked-in',
      '经营地未查询到该纳税人的跨区域涉税事项报验记录：请先在机构所在地办理跨区域涉税事项报告（SW-001）并在经营地报验（SW-002），然后重新提交。',
    );
  if (taxpayer.reportNo !== payment.crossRegionReportNo)
    return correction(
      'report-mismatch',
      `跨区域涉税事项报告编号 ${payment.crossRegionReportNo} 与经营地报验记录不符：请核对报告编号后重新提交。`,
    );

  const agreement = findAgreement(payment.agreementNo);
  if (!agreement)
    return correction(
      'agreement-unknown',
      `三方协议号 ${payment.agreementNo} 未在经营地税务机关登记：请核对三方协议号，或先签订三方协议（SW-009）后重新提交。`,
    );
  const other = payment.lines.find((l) => l.taxAuthorityCode !== agreement.taxAuthorityCode);
  if (other)
    return correction(
      'authority-mismatch',
      `所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致：三方协议 ${agreement.agreementNo} 签订于${bureauName(agreement.taxAuthorityCode)}（${agreement.taxAuthorityCode}），缴款项目属于${bureauName(other.taxAuthorityCode)}（${other.taxAuthorityCode}）。请与经营地税务机关签订三方协议（SW-009）后重新提交。`,
    );

  const { today, sequence } = context;
  switch (agreement.behaviour) {
    // An agreement on record with another bureau pays when every line belongs to that bureau.
    case 'pays':
    case 'wrong-authority':
      return { type: 'decided', result: paymentResult(payment, agreement, today, sequence) };
    case 'insufficient-funds':
    case 'agreement-not-effective':
    case 'account-abnormal':
      return {
        type: 'decided',
        result: failureResult(payment, agreement, agreement.behaviour, today),
      };
  }
}
