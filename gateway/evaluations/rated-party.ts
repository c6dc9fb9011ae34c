// Who can be rated on a case (schemas/README.md#service-evaluation): the handling authority of a
// routed case (a single case, or one party of a joint case), and in a proxy case also the
// collecting window (收件地). Each rated party's evaluation lives in its own province's slot and
// counts in its province's statistics.
import type { CaseRecord, RoutedCase } from '../cases/case-record.ts';
import type { RatedParty } from './evaluation.ts';

export function ratedParties(record: RoutedCase): RatedParty[] {
  return record.mode === 'proxy' ? ['handling', 'collecting'] : ['handling'];
}

/** The province (two-digit code) of a case's rated party. */
export function ratedProvince(record: RoutedCase, rated: RatedParty): string {
  return rated === 'handling'
    ? record.route.targetRegion.slice(0, 2)
    : record.receivingRegion.slice(0, 2);
}

export function isRoutedCase(record: CaseRecord): record is RoutedCase {
  return record.kind !== 'joint-parent';
}
