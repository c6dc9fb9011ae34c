// The gateway's own move of a stored case: SUBMITTED → ACCEPTED → ROUTED once its delivery job is
// queued (the outbox rule, gateway/README.md#outbox-rule). Made by whoever gets there first — the submit path,
// an idempotent replay, the reconciler, or an adapter worker that found its job before the submit
// path had recorded the move; the lifecycle row lets only one of them through.
import { routeQueueName } from '../shared/redis-keys.ts';
import type { CaseRecord } from './case-record.ts';
import type { MoveOutcome } from './case-move.ts';
import type { CaseStore } from './case-store.ts';

export async function recordDispatched(store: CaseStore, record: CaseRecord): Promise<MoveOutcome> {
  const target =
    record.kind === 'joint-parent'
      ? `${record.children.length} parties (joint)`
      : routeQueueName(record.route.adapter);
  return store.move(record, 'dispatched', {
    actor: 'gateway',
    viaNote: `valid for ${record.itemCode} v${record.itemVersion}`,
    note: `queued to ${target}`,
  });
}
