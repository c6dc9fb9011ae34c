// The tax core every sandbox runs for its province's tax items (adapters/README.md#the-tax-core):
// given what a platform received, it answers how the province decides the case — a correction the
// taxpayer must make, or a decision with its typed result — or nothing for an item it does not
// handle, which then follows the sandbox's default script. The sandboxes call it through their
// progression (sandbox-progression.ts); the logic itself is decide-payment.ts.
import { chinaDate } from '../../../gateway/calendar/working-days.ts';
import { decidePayment, type TaxDecision } from './decide-payment.ts';

/** The items the tax core settles: SW-005 异地电子缴税. */
export const TAX_CORE_ITEMS: ReadonlySet<string> = new Set(['SW-005']);

export interface ReceivedDelivery {
  readonly itemCode: string;
  readonly payload: unknown;
}

/**
 * The running sequence at the end of a province case number, its last six digits as the sandboxes
 * write them (adapters/kit/sandbox-kit.ts caseNumber: YN20261125000001 → 1).
 */
function sequenceOf(provinceCaseNo: string): number {
  return Number(/(\d{1,6})$/.exec(provinceCaseNo)?.[1] ?? '0');
}

export function taxCoreDecision(
  received: ReceivedDelivery,
  provinceCaseNo: string,
  now: Date = new Date(),
): TaxDecision | undefined {
  if (!TAX_CORE_ITEMS.has(received.itemCode)) return undefined;
  return decidePayment(received.payload, {
    today: chinaDate(now),
    sequence: sequenceOf(provinceCaseNo),
  });
}
