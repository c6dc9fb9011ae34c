// What a status query of a silent province brings (gateway/README.md#silence-reconciliation): its
// answer is applied through the same lifecycle rows as posted events (apply-event.ts), so the case
// is brought up to date by normal moves — recorded with actor `adapter:<id>` and a note `status
// query…` — and an event the province had posted too is recognised by its digest and skipped. A
// query that changes nothing is still recorded, at most once a day (note-status-query.lua), so a
// province silent for weeks does not grow the history with every query.
import type { ValidateFunction } from 'ajv';
import { createRequestAjv } from '../catalogue/create-ajv.ts';
import { applyProvinceEvent, type EventDeps } from './apply-event.ts';
import { CASE_EVENT_SCHEMA, type CaseEvent } from './case-event.ts';
import { eventResultProblems } from './event-result.ts';
import { eventTimeProblems } from './event-time.ts';
import { AWAITING_PROVINCE } from './lifecycle.ts';
import type { RoutedCase } from './case-record.ts';
import { SealedDataError } from '../personal-data/sealed-data.ts';

/** The province's answer, as an adapter's queryStatus gives it (adapters/kit/contract.ts). */
export type QueriedStatus =
  { found: true; provinceCaseNo: string; events: readonly unknown[] } | { found: false };

export interface StatusQueryOutcome {
  /** Events applied now, in the province's order. */
  applied: string[];
  /** Events refused: malformed, dated in the future or before the submission, a result its item's result schema or its rules refuse, or not allowed from where the case stands. */
  ignored: number;
}

/** One "no news" entry per case per day at most. */
export const QUERY_NOTE_WINDOW_MS = 24 * 3600_000;

export interface StatusQueryRecorder {
  record(caseId: string, adapterId: string, answer: QueriedStatus): Promise<StatusQueryOutcome>;
}

/**
 * Whether the event's result is refused (event-result.ts). A submission this process cannot
 * decrypt (a data key no longer listed) cannot be checked against: the result is not applied
 * either, like a refused one, rather than stored unchecked.
 */
async function resultRefused(
  deps: EventDeps,
  record: RoutedCase,
  event: CaseEvent,
): Promise<boolean> {
  try {
    const problems = await eventResultProblems(deps.registry, record, event, () =>
      deps.store.openEnvelope(record.id),
    );
    return problems.length > 0;
  } catch (error) {
    if (error instanceof SealedDataError) return true;
    throw error;
  }
}

/** Built once per process: the event schema is compiled here, as the edge compiles it. */
export function createStatusQueryRecorder(deps: EventDeps): StatusQueryRecorder {
  const valid: ValidateFunction<CaseEvent> =
    createRequestAjv().compile<CaseEvent>(CASE_EVENT_SCHEMA);
  return {
    async record(caseId, adapterId, answer) {
      const actor = `adapter:${adapterId}`;
      const outcome: StatusQueryOutcome = { applied: [], ignored: 0 };
      const events = answer.found ? answer.events : [];
      for (const event of events) {
        // Re-read each time: a move changes what the next event's pause and due time start from.
        const record = await deps.store.get(caseId);
        if (!record || record.kind === 'joint-parent') break;
        // A result its item's result schema or its rules refuse, or a time in the future or
        // before the submission, is not applied, as a post of it would be refused
        // (gateway/README.md#province-events): the case stays where it is, and the silence watch
        // asks again.
        if (
          !valid(event) ||
          eventTimeProblems(event, deps.store.now(), record.createdAt).length > 0 ||
          (await resultRefused(deps, record, event))
        ) {
          outcome.ignored++;
          continue;
        }
        const moved = await applyProvinceEvent(deps, record, event, {
          actor,
          source: 'status-query',
        });
        if (moved.ok) outcome.applied.push(event.type);
        else if (moved.reason === 'illegal') outcome.ignored++;
      }
      if (outcome.applied.length === 0) {
        const record = await deps.store.get(caseId);
        if (record && AWAITING_PROVINCE.has(record.status)) {
          const note = answer.found
            ? 'status query: no change'
            : 'status query: the province holds no case under this id';
          await deps.store.noteStatusQuery(caseId, actor, note, QUERY_NOTE_WINDOW_MS);
        }
      }
      return outcome;
    },
  };
}
