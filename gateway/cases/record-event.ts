// POST /v1/cases/{caseId}/events (gateway/README.md#province-events): a province client on the
// case's route reports progress. Legal transitions only (409 GW_ILLEGAL_TRANSITION); the same event
// twice is applied once (its content digest is kept with the case); a joint parent advances with
// its children.
import type { Client } from '../auth/client-registry.ts';
import { GatewayError } from '../shared/errors.ts';
import type { HandlerResult } from '../http/respond.ts';
import {
  addWorkingDays,
  chinaDate,
  nextDay,
  type WorkingCalendar,
} from '../calendar/working-days.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { CaseRecord } from './case-record.ts';
import { phaseOf } from './case-status.ts';
import type { CaseStore } from './case-store.ts';
import type { CaseEvent } from './case-event.ts';
import { LIFECYCLE, PAUSED, type LifecycleMove } from './lifecycle.ts';
import { loadVisibleCase } from './read-case.ts';

export interface EventDeps {
  store: CaseStore;
  calendar: WorkingCalendar;
}

function pauseFields(
  record: CaseRecord,
  event: CaseEvent,
  deps: EventDeps,
): Record<string, string> {
  const to = LIFECYCLE[event.type].to;
  if (PAUSED.has(to) && !PAUSED.has(record.status)) return { pausedAt: event.at };
  if (event.type !== 'resumed' || !record.pausedAt) return {};
  // Paused working days do not count (gateway/README.md#working-days-and-due-times): push the due
  // date back by as many.
  const end = chinaDate(new Date(event.at));
  let paused = 0;
  for (let d = chinaDate(new Date(record.pausedAt)); d < end; d = nextDay(d)) {
    if (deps.calendar.isWorkingDay(d)) paused++;
  }
  const due = addWorkingDays(deps.calendar, chinaDate(new Date(record.dueAt)), paused);
  return { pausedAt: '', dueAt: due.dueAt };
}

/** `event` has passed CASE_EVENT_SCHEMA at the edge (case-event.ts). */
export async function recordEvent(
  deps: EventDeps,
  client: Client,
  caseId: string,
  event: CaseEvent,
): Promise<HandlerResult> {
  const record = await loadVisibleCase(deps.store, client, caseId);
  if (client.kind !== 'province') {
    throw new GatewayError('GW_FORBIDDEN', { detail: 'Events are reported by province clients' });
  }
  if (record.kind === 'joint-parent') {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `Case ${caseId} is a joint case: report events on its children ${record.children.join(', ')}`,
    });
  }
  const row: LifecycleMove = LIFECYCLE[event.type];
  if (record.status === 'ROUTED' && row.from.includes('ROUTED')) {
    // A province reporting on a case still ROUTED has received it: its event overtook the
    // worker's own bookkeeping (a fast province, or a worker that died after its call). Record
    // the delivery first so the history never jumps from ROUTED into handling; the worker then
    // finds the case past ROUTED and leaves it be. Atomic on ROUTED, so it cannot double up
    // with the worker's own DELIVERED entry.
    await deps.store.move(record, 'delivered-reported', {
      actor: client.id,
      at: event.at,
      note: 'reported by the province',
    });
  }
  const fields: Record<string, string> = pauseFields(record, event, deps);
  if (event.provinceCaseNo) fields.provinceCaseNo = event.provinceCaseNo;
  if (event.result) fields.result = JSON.stringify(event.result);
  // Closing starts the retention clock and a new due time reschedules 督办: both follow the move
  // (the store and its transition listeners).
  const outcome = await deps.store.move(record, event.type, {
    actor: client.id,
    at: event.at,
    ...(event.note ? { note: event.note } : {}),
    fields,
    digest: sha256Hex(canonicalJson(event)),
  });
  if (!outcome.ok && outcome.reason === 'illegal') {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `A ${event.type} event is not allowed while the case is ${outcome.current}`,
    });
  }
  if (!outcome.ok && outcome.reason === 'missing') throw new GatewayError('GW_CASE_NOT_FOUND');
  const status = outcome.ok ? outcome.status : outcome.current;
  return {
    status: 200,
    body: { caseId: record.id, status, phase: phaseOf(status), duplicate: !outcome.ok },
  };
}
