// An operator's replay of a dead letter: DELIVERY_FAILED → ROUTED, audited in the history with the
// operator's id, and the case leaves the dead-letter list in the same step. Queuing the delivery
// again is the caller's (gateway/admin/dead-letters.ts).
import type { RoutedCase } from './case-record.ts';
import type { MoveOutcome } from './case-move.ts';
import type { CaseStore } from './case-store.ts';

export async function recordReplayed(
  store: CaseStore,
  record: RoutedCase,
  operatorId: string,
): Promise<MoveOutcome> {
  return store.move(record, 'replayed', {
    actor: operatorId,
    note: `dead letter replayed by ${operatorId}`,
  });
}
