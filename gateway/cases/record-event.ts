// POST /v1/cases/{caseId}/events (gateway/README.md#province-events): a province client on the
// case's route reports progress. A result must match the item version's result schema, if it
// declares one (422 GW_RESULT_INVALID, the case unmoved: event-result.ts), and its `at` must lie
// neither in the future nor before the case's submission (422 GW_VALIDATION_FAILED: event-time.ts); legal transitions only (409
// GW_ILLEGAL_TRANSITION); the same event twice is applied once (its content digest is kept with
// the case); a joint parent advances with its children (gateway/README.md#joint-parent-atomicity). The event itself is applied by apply-event.ts, as a
// status query's events are.
import type { Client } from '../auth/client-registry.ts';
import { GatewayError } from '../shared/errors.ts';
import type { HandlerResult } from '../http/respond.ts';
import { applyProvinceEvent, type EventDeps } from './apply-event.ts';
import { phaseOf, type CaseStatus } from './case-status.ts';
import { LIFECYCLE, type EventType } from './lifecycle.ts';
import type { CaseEvent } from './case-event.ts';
import { loadVisibleCase } from './read-case.ts';
import { eventResultProblems } from './event-result.ts';
import { eventTimeProblems } from './event-time.ts';
import { SLOT } from '../shared/redis-keys.ts';
import type { Replicated } from '../shared/replica-barrier.ts';

export interface RecordEventDeps extends EventDeps {
  /**
   * GW_REDIS_WAIT_REPLICAS: the 200 waits for the move on the replicas, a duplicate's too (its
   * first answer may have been the 503). Not the worker's status queries: it answers nobody.
   */
  replicated?: Replicated;
}

/** `event` has passed CASE_EVENT_SCHEMA at the edge (case-event.ts). */
export async function recordEvent(
  deps: RecordEventDeps,
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
  // The edge checked the event's grammar; its time against the clock and the submission is
  // checked here, with the gateway's clock the store keeps (event-time.ts).
  const mistimed = eventTimeProblems(event, deps.store.now(), record.createdAt);
  // The event matches its schema (the OpenAPI CaseEvent); the detail says what else is wrong, so a
  // province checking its event against that schema is not sent looking there.
  if (mistimed.length > 0)
    throw new GatewayError('GW_VALIDATION_FAILED', {
      detail:
        "The event's time (at) matches its schema but lies outside what the gateway accepts for this case: see errors",
      errors: mistimed,
    });
  const problems = eventResultProblems(deps.registry, record, event);
  if (problems.length > 0)
    throw new GatewayError('GW_RESULT_INVALID', {
      detail: `The result does not match the result schema of ${record.itemCode} v${record.itemVersion}`,
      errors: problems,
    });
  const outcome = await applyProvinceEvent(deps, record, event, {
    actor: client.id,
    source: 'province-post',
  });
  if (!outcome.ok && outcome.reason === 'illegal') {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: illegalEventDetail(event.type, outcome.current),
    });
  }
  if (!outcome.ok && outcome.reason === 'missing') throw new GatewayError('GW_CASE_NOT_FOUND');
  // A child's move moves its joint parent in the same step, in the same slot.
  await deps.replicated?.(SLOT.case(record.id));
  const status = outcome.ok ? outcome.status : outcome.current;
  return {
    status: 200,
    body: { caseId: record.id, status, phase: phaseOf(status), duplicate: !outcome.ok },
  };
}

/**
 * Where the event may start and where the case is, so the province knows whether to drop the
 * event (the case is past it) or wait: a case the gateway gave up delivering is still the
 * province's to report on once an operator's replay has delivered it again.
 */
function illegalEventDetail(type: EventType, current: CaseStatus): string {
  const allowed = `The ${type} event is allowed while the case is ${LIFECYCLE[type].from.join(', ')}; it is ${current}`;
  return current === 'DELIVERY_FAILED'
    ? `${allowed}: the gateway gave up delivering it. Once an operator replays it and it is delivered again, report it`
    : allowed;
}
