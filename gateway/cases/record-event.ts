// POST /v1/cases/{caseId}/events (gateway/README.md#province-events): a province client on the
// case's route reports progress. A result must match the item version's result schema, if it
// declares one, and its rules (422 GW_RESULT_INVALID, the case unmoved: event-result.ts), and its `at` must lie
// neither in the future nor before the case's submission (422 GW_VALIDATION_FAILED: event-time.ts); legal transitions only (409
// GW_ILLEGAL_TRANSITION, told before either 422); the same event twice is applied once (its content digest is kept with
// the case); a joint parent advances with its children (gateway/README.md#joint-parent-atomicity). The event itself is applied by apply-event.ts, as a
// status query's events are.
import type { Client } from '../auth/client-registry.ts';
import { GatewayError } from '../shared/errors.ts';
import type { HandlerResult } from '../http/respond.ts';
import { applyProvinceEvent, type EventDeps } from './apply-event.ts';
import { phaseOf, type CaseStatus } from './case-status.ts';
import { LIFECYCLE, type EventType, type LifecycleMove } from './lifecycle.ts';
import type { CaseEvent } from './case-event.ts';
import type { RoutedCase } from './case-record.ts';
import { loadVisibleCase, mayRead } from './read-case.ts';
import { eventResultProblems } from './event-result.ts';
import { eventTimeProblems } from './event-time.ts';
import { SLOT } from '../shared/redis-keys.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import { SealedDataError } from '../personal-data/sealed-data.ts';
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
      detail: await jointParentDetail(deps, client, caseId, record.children),
    });
  }
  // Checked in the order a province fixes them: who it is (the edge: 401, 403), the event's
  // shape (the edge: 422), the case it names (404, 409 above), where that case is (409), then the
  // event's content against the case (its time, its result: 422). A content refusal found here is
  // told only once the state allows the event, so an event the case is past is 409 whatever its
  // content. Only a refusal looks at the state before the atomic move: a legal-looking event is
  // left to the move, which alone tells a repeat (answered duplicate: true) from an illegal one,
  // and a repeat always passes the content checks its first delivery passed.
  const refusal = await contentRefusal(deps, record, event);
  if (refusal) {
    const row: LifecycleMove = LIFECYCLE[event.type];
    if (!row.from.includes(record.status)) {
      throw new GatewayError('GW_ILLEGAL_TRANSITION', {
        detail: illegalEventDetail(event.type, record.status),
      });
    }
    throw refusal;
  }
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
 * What is wrong with the event's content for this case: its time against the gateway's clock and
 * the submission (event-time.ts), then its result against the item's result schema
 * (event-result.ts). The event matches its schema (the OpenAPI CaseEvent), so each detail says
 * what else is wrong, and a province checking its event against that schema is not sent looking
 * there.
 */
async function contentRefusal(
  deps: RecordEventDeps,
  record: RoutedCase,
  event: CaseEvent,
): Promise<GatewayError | undefined> {
  const mistimed = eventTimeProblems(event, deps.store.now(), record.createdAt);
  if (mistimed.length > 0)
    return new GatewayError('GW_VALIDATION_FAILED', {
      detail:
        "The event's time (at) matches its schema but lies outside what the gateway accepts for this case: see errors",
      errors: mistimed,
    });
  const problems = await eventResultProblems(deps.registry, record, event, () =>
    openSubmission(deps, record.id),
  );
  if (problems.length > 0)
    return new GatewayError('GW_RESULT_INVALID', {
      detail: `The result does not match the result schema of ${record.itemCode} v${record.itemVersion} or its rules: see errors`,
      errors: problems,
    });
  return undefined;
}

/**
 * The case's submission, for a result rule that relates the result to it (the account debited is
 * the one submitted). One this gateway cannot decrypt is its operators' to fix: a clear 500, as a
 * read of the case answers (read-case.ts), never the province's fault.
 */
async function openSubmission(deps: RecordEventDeps, caseId: string): Promise<SubmissionEnvelope> {
  try {
    return await deps.store.openEnvelope(caseId);
  } catch (error) {
    if (!(error instanceof SealedDataError)) throw error;
    throw new GatewayError('GW_CASE_DATA_UNREADABLE', {
      detail: `The stored submission of case ${caseId}, which the result is checked against, cannot be decrypted by this gateway; its operators must restore the data key it was sealed under`,
      cause: error,
    });
  }
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

/**
 * Names the parties the province reports on. Naming every child sent a province to the other
 * province's party, which then answered 404 as not on its route (found by a 云南 client written
 * from the docs alone); the parent's own reader sees every child, so the rest are named too.
 */
async function jointParentDetail(
  deps: RecordEventDeps,
  client: Client,
  caseId: string,
  children: readonly string[],
): Promise<string> {
  const records = await Promise.all(children.map((id) => deps.store.get(id)));
  const yours = children.filter((_, i) => records[i] && mayRead(client, records[i]));
  const others = children.filter((id) => !yours.includes(id));
  const rest =
    others.length > 0
      ? ` (its other parties, ${others.join(', ')}, are reported by their own provinces)`
      : '';
  return `Case ${caseId} is a joint case: report events on its ${yours.length === 1 ? 'party' : 'parties'} on your route, ${yours.join(', ')}${rest}`;
}
