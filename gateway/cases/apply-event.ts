// One province event applied to a case (gateway/README.md#province-events), however it reached us:
// posted by the province (record-event.ts) or found by our status query of its platform
// (record-status-query.ts, gateway/README.md#silence-reconciliation). Both apply the same rows of
// the lifecycle table with the same content digest, so an event that arrives both ways is applied
// once; the history's actor and note tell the two sources apart.
import { recountDue } from '../calendar/due-recount.ts';
import {
  addWorkingDays,
  chinaDate,
  workingDaysBetween,
  type CalendarSource,
  type WorkingCalendar,
} from '../calendar/working-days.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import type { CaseEvent } from './case-event.ts';
import type { MoveOutcome } from './case-move.ts';
import type { RoutedCase } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import type { ResultSchemas } from './event-result.ts';
import { LIFECYCLE, PAUSED, type EventSource, type LifecycleMove } from './lifecycle.ts';

export interface EventDeps {
  store: CaseStore;
  /** The working-day calendar in force (a year may be published while the gateway runs). */
  calendar: CalendarSource;
  /** The items' typed results (event-result.ts), checked before an event moves a case. */
  registry: ResultSchemas;
}

/** Who brought the event, for the history. */
export interface EventReporter {
  /** The province client (`province-<adapter>`), or the adapter that queried (`adapter:<id>`). */
  actor: string;
  source: EventSource;
}

/**
 * How many times an event is worked out again from a re-read case: each retry follows a move made
 * by someone else meanwhile, so more than a few means a case moving faster than anyone reports.
 */
const ATTEMPTS = 5;

/**
 * Applies `event` (already checked against CASE_EVENT_SCHEMA) to a single case or joint child:
 * the lifecycle row of its type, its content digest, its fields. Answers the store's outcome.
 *
 * The fields (a pause's start, a resume's new due date) are worked out from the record read, so
 * the move applies only while the case is still in the status read. Two events posted at once
 * each read the case before either moved it: `resumed` and a second `correction-required` both
 * read CORRECTION_REQUIRED, the resume moved it to IN_PROGRESS, and the correction, allowed from
 * there, paused it again without a pausedAt, worked out as it was from a case already paused — so
 * the next resume pushed the due date back by nothing, and 督办 counted the days the clock was
 * stopped. A case moved meanwhile is read again and the event worked out anew.
 */
export async function applyProvinceEvent(
  deps: EventDeps,
  record: RoutedCase,
  event: CaseEvent,
  reporter: EventReporter,
): Promise<MoveOutcome> {
  const row: LifecycleMove = LIFECYCLE[event.type];
  let read = record;
  for (let attempt = 1; ; attempt++) {
    const outcome = await applyToRead(deps, read, event, reporter);
    const movedMeanwhile =
      !outcome.ok &&
      outcome.reason === 'illegal' &&
      outcome.current !== read.status &&
      row.from.includes(outcome.current);
    if (!movedMeanwhile || attempt === ATTEMPTS) return outcome;
    const again = await deps.store.get(read.id);
    if (!again || again.kind === 'joint-parent') return outcome;
    read = again;
  }
}

/** One attempt: the event worked out from `record`, applied only if the case is still as read. */
async function applyToRead(
  deps: EventDeps,
  record: RoutedCase,
  event: CaseEvent,
  reporter: EventReporter,
): Promise<MoveOutcome> {
  const queried = reporter.source === 'status-query';
  const row: LifecycleMove = LIFECYCLE[event.type];
  let from = record.status;
  if (record.status === 'ROUTED' && row.from.includes('ROUTED')) {
    // A province reporting on a case still ROUTED has received it: its event overtook the
    // worker's own bookkeeping (a fast province, or a worker that died after its call). Record
    // the delivery first so the history never jumps from ROUTED into handling; the worker then
    // finds the case past ROUTED and leaves it be. Atomic on ROUTED, so it cannot double up
    // with the worker's own DELIVERED entry.
    await deps.store.move(record, 'delivered-reported', {
      actor: reporter.actor,
      at: event.at,
      note: queried ? 'status query: the province holds the case' : 'reported by the province',
    });
    // DELIVERED by this move or by the worker's: neither is paused, so the fields below hold.
    from = 'DELIVERED';
  }
  const fields: Record<string, string> = pauseFields(record, event, deps.calendar());
  if (event.provinceCaseNo) fields.provinceCaseNo = event.provinceCaseNo;
  const note = queried ? `status query${event.note ? `: ${event.note}` : ''}` : event.note;
  // Closing starts the retention clock and a new due time reschedules 督办: both follow the move
  // (the store and its transition listeners).
  return deps.store.move(record, event.type, {
    actor: reporter.actor,
    at: event.at,
    from,
    // The province's note is free text that may hold personal data: sealed at rest. Without one
    // the note is the gateway's own ('status query') and stays in clear.
    ...(note ? { note, sealNote: event.note !== undefined && event.note !== '' } : {}),
    fields,
    // Sealed by the store (gateway/README.md#encryption-at-rest).
    ...(event.result ? { result: event.result } : {}),
    digest: sha256Hex(canonicalJson(event)),
  });
}

function pauseFields(
  record: RoutedCase,
  event: CaseEvent,
  calendar: WorkingCalendar,
): Record<string, string> {
  const to = LIFECYCLE[event.type].to;
  if (PAUSED.has(to) && !PAUSED.has(record.status)) return { pausedAt: event.at };
  if (event.type !== 'resumed' || !record.pausedAt) return {};
  // Paused working days do not count (gateway/README.md#working-days-and-due-times): push the due
  // date back by as many working days, on the calendar; the total is kept for the 督办 ratio.
  // The days counted are the case's own, from its submission on, whatever time the province gave
  // its pause: one dated the year 1000 pushed the due date back by 260 000 working days
  // (gateway/README.md#province-events).
  const paused = workingDaysBetween(
    calendar,
    chinaDate(new Date(pauseStart(record.pausedAt, record.createdAt))),
    chinaDate(new Date(event.at)),
  );
  const pausedDays = (record.pausedDays ?? 0) + paused;
  // Counted whole from the case's anchor (its submission day) by its promised and paused working
  // days: where counting on from the old due date lands (gateway/calendar/due-recount.ts), and
  // still right when a calendar recount moved the due date after this record was read, or the
  // old one was counted on a year assumed Monday to Friday. A record stored before promisedDays
  // was kept counts on from its due date.
  const due =
    record.promisedDays === undefined
      ? addWorkingDays(calendar, chinaDate(new Date(record.dueAt)), paused)
      : recountDue(calendar, {
          anchorAt: record.createdAt,
          days: record.promisedDays + pausedDays,
        });
  return {
    pausedAt: '',
    dueAt: due.dueAt,
    pausedDays: String(pausedDays),
    // The whole count on known years: no longer assumed (read as false).
    ...(due.assumed
      ? { calendarAssumed: 'true' }
      : record.calendarAssumed && record.promisedDays !== undefined
        ? { calendarAssumed: '' }
        : {}),
  };
}

// A pause stored before event times were checked may not be a time at all (a leap second,
// date-time-format.ts): it then counts from the submission, so the case can still be resumed.
function pauseStart(pausedAt: string, createdAt: string): number {
  const paused = Date.parse(pausedAt);
  const created = Date.parse(createdAt);
  return Number.isNaN(paused) ? created : Math.max(paused, created);
}
