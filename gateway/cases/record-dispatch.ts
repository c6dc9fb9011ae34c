// The gateway's own move of a stored case: SUBMITTED → ACCEPTED → ROUTED once its delivery job is
// guaranteed (the outbox rule, gateway/README.md#outbox-rule). A submission is stored ROUTED in its
// one write, beside the outbox entry that guarantees the job, with its history derived from the
// record (submission-history.ts). A case a gateway before the outbox relay left SUBMITTED is moved
// by the worker that finds its job (recordDispatched): the lifecycle row lets only one mover
// through.
import type { MoveOutcome } from './case-move.ts';
import type { CaseRecord } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import { dispatchStep } from './submission-history.ts';

export async function recordDispatched(store: CaseStore, record: CaseRecord): Promise<MoveOutcome> {
  return store.move(record, 'dispatched', dispatchStep(record));
}
