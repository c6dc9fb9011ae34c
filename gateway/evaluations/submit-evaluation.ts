// POST /v1/cases/{caseId}/evaluations (gateway/README.md#evaluations), top to bottom:
//   idempotency → the case (the submitting portal's own) → evaluable? → store (+ rectification) → 201.
// One evaluation per case per rated party, within the rated province's window after CLOSED; a
// 差评 (1–2) opens a rectification in the same atomic step. The same Idempotency-Key with the same
// body replays the 201; with another body it is 409 GW_IDEMPOTENCY_CONFLICT.
import { ulid } from 'ulid';
import type { Client } from '../auth/client-registry.ts';
import { chinaDate } from '../calendar/working-days.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import type { RoutedCase } from '../cases/case-record.ts';
import type { CaseStore } from '../cases/case-store.ts';
import { loadVisibleCase } from '../cases/read-case.ts';
import { idempotencyKeyHash } from '../cases/idempotency-key.ts';
import type { HandlerResult } from '../http/respond.ts';
import { GatewayError, type FieldProblem } from '../shared/errors.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';
import { isBadLevel, type Evaluation, type EvaluationBody } from './evaluation.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import type { OpenedRectification, RectificationOpener } from './rectification-opener.ts';
import { counterField, levelCounter, type CounterDelta } from './rating-counters.ts';
import { isRoutedCase, ratedParties, ratedProvince } from './rated-party.ts';
import { SLOT } from '../shared/redis-keys.ts';
import type { Replicated } from '../shared/replica-barrier.ts';

const DAY_MS = 86_400_000;

/** The modes' names (schemas/README.md#modes), for the refusal's Chinese message. */
const MODE_ZH: Record<RoutedCase['mode'], string> = {
  online: '全程网办件',
  proxy: '异地代收代办件',
  joint: '多地联办件',
};

export interface EvaluationDeps {
  store: CaseStore;
  evaluations: EvaluationStore;
  /** Opens the rectification of a 差评 (the rectifications feature). */
  opener: RectificationOpener;
  policy: SupervisionPolicy;
  now: () => Date;
  /** GW_REDIS_WAIT_REPLICAS: the 201 waits for the rating on the replicas (README.md#replicas). */
  replicated?: Replicated;
}

export interface EvaluationInput {
  client: Client;
  caseId: string;
  idempotencyKey: string | undefined;
  body: EvaluationBody;
}

function notEvaluable(detail: string, errors?: FieldProblem[]): GatewayError {
  return new GatewayError('GW_NOT_EVALUABLE', { detail, ...(errors ? { errors } : {}) });
}

/** The case, if it can be rated for this party now; else 422 saying why. */
function evaluableCase(
  deps: EvaluationDeps,
  record: Awaited<ReturnType<typeof loadVisibleCase>>,
  body: EvaluationBody,
  now: Date,
): RoutedCase {
  if (!isRoutedCase(record)) {
    throw notEvaluable(
      `Case ${record.id} is a joint case: rate each party's case (${record.children.join(', ')})`,
    );
  }
  if (!ratedParties(record).includes(body.rated)) {
    // The body's own mistake, unlike the case's state below: the pointer names the field.
    throw notEvaluable(
      `Only proxy cases have a collecting window to rate; ${record.id} is ${record.mode}`,
      [
        {
          path: '/rated',
          message: `must be one of ${ratedParties(record).join(', ')} for this ${record.mode} case`,
          messageZh: `只有异地代收代办件有代收窗口可评价，该办件为${MODE_ZH[record.mode]}，可评价 ${ratedParties(record).join('、')}`,
        },
      ],
    );
  }
  if (record.status !== 'CLOSED') {
    throw notEvaluable(`Case ${record.id} is ${record.status}: it can be rated once CLOSED`);
  }
  // A closed case is never written again: its updatedAt is when it closed.
  const rule = deps.policy.forProvince(ratedProvince(record, body.rated));
  const ends = Date.parse(record.updatedAt) + rule.evaluationWindowDays * DAY_MS;
  if (now.getTime() > ends) {
    throw notEvaluable(
      `The rating window of ${rule.evaluationWindowDays} days after closing ended ${new Date(ends).toISOString()}`,
    );
  }
  return record;
}

export function evaluationCounters(e: Evaluation, opens: boolean): CounterDelta[] {
  const field = (c: Parameters<typeof counterField>[2]) => counterField(e.itemCode, e.rated, c);
  return [
    [field(levelCounter(e.level)), 1],
    ...(e.source === 'default' ? [[field('defaults'), 1] as CounterDelta] : []),
    ...(opens ? [[field('rectOpened'), 1] as CounterDelta] : []),
  ];
}

export async function submitEvaluation(
  deps: EvaluationDeps,
  input: EvaluationInput,
): Promise<HandlerResult> {
  const { client, body } = input;
  const keyHash = idempotencyKeyHash(input.idempotencyKey);
  const requestHash = sha256Hex(canonicalJson({ caseId: input.caseId, body }));
  const earlier = await deps.evaluations.findIdempotent(client.id, keyHash);
  if (earlier) {
    const answer = replay(earlier.requestHash === requestHash, earlier.response);
    // The first answer may have been a 503 because the rating had not reached the replicas yet
    // (whether it opened a rectification the stored answer does not say in a type: both waited).
    if (deps.replicated) {
      const rated = await deps.store.get(input.caseId);
      if (rated && isRoutedCase(rated))
        await replicated(deps, ratedProvince(rated, body.rated), true);
    }
    return answer;
  }

  const record = await loadVisibleCase(deps.store, client, input.caseId);
  const now = deps.now();
  const routed = evaluableCase(deps, record, body, now);
  const evaluation: Evaluation = {
    evaluationId: `EV${ulid(now.getTime())}`,
    caseId: routed.id,
    rated: body.rated,
    province: ratedProvince(routed, body.rated),
    itemCode: routed.itemCode,
    clientId: routed.clientId,
    level: body.level,
    ...(body.indicators ? { indicators: body.indicators } : {}),
    ...(body.comment ? { comment: body.comment } : {}),
    source: 'applicant',
    at: now.toISOString(),
    date: chinaDate(now),
    keyHash,
    requestHash,
  };
  const opening = isBadLevel(body.level)
    ? deps.opener.open(evaluation, await callbackUrlOf(deps.store, routed), now)
    : undefined;
  const response = {
    status: 201,
    body: {
      evaluationId: evaluation.evaluationId,
      caseId: routed.id,
      rated: evaluation.rated,
      level: evaluation.level,
      at: evaluation.at,
      ...(opening ? { rectification: rectificationSummary(opening) } : {}),
    },
  };
  const stored: Evaluation = {
    ...evaluation,
    ...(opening ? { rectificationId: opening.id } : {}),
    response: JSON.stringify(response),
  };
  const outcome = await deps.evaluations.create(
    stored,
    evaluationCounters(stored, !!opening),
    opening?.stored,
  );
  if (!outcome.created) {
    const { existing } = outcome;
    // The same request raced itself (two tries with one key): the first one's answer.
    if (existing.clientId === client.id && existing.keyHash === keyHash && existing.response) {
      const answer = replay(
        existing.requestHash === requestHash,
        JSON.parse(existing.response) as typeof response,
      );
      // The first try may have died before its rectification was tracked: tracking is idempotent.
      if (existing.rectificationId) await deps.opener.opened(existing.rectificationId);
      await replicated(deps, existing.province, !!existing.rectificationId);
      return answer;
    }
    throw new GatewayError('GW_ALREADY_EVALUATED', {
      detail: `The ${body.rated} party of case ${routed.id} was rated ${existing.source === 'default' ? 'by default' : 'before'} (${existing.evaluationId})`,
    });
  }
  await deps.evaluations.rememberIdempotent(client.id, keyHash, { requestHash, response });
  if (opening) await deps.opener.opened(opening.id);
  await replicated(deps, evaluation.province, !!opening);
  return response;
}

/**
 * With GW_REDIS_WAIT_REPLICAS, waits for the rating on the replicas: its province's slot, and the
 * 督办 board of the rectification it opened. Not the idempotency record (no slot of its own to
 * share): a retry that finds none finds the stored rating and its first answer.
 */
async function replicated(deps: EvaluationDeps, province: string, opened: boolean): Promise<void> {
  await deps.replicated?.(SLOT.rating(province), ...(opened ? [SLOT.supervision] : []));
}

function replay(sameBody: boolean, response: { status: number; body: unknown }): HandlerResult {
  if (!sameBody) {
    throw new GatewayError('GW_IDEMPOTENCY_CONFLICT', {
      detail: 'This Idempotency-Key was used for another evaluation',
    });
  }
  return { ...response, headers: { 'Idempotent-Replayed': 'true' } };
}

function rectificationSummary(r: OpenedRectification) {
  return {
    id: r.id,
    status: r.status,
    visitDueAt: r.visitDueAt,
    dueAt: r.dueAt,
    links: { self: `/v1/rectifications/${r.id}` },
  };
}

/** Where the portal follows the case: its own callbackUrl, or a joint party's parent's. */
export async function callbackUrlOf(
  store: CaseStore,
  record: RoutedCase,
): Promise<string | undefined> {
  if (record.kind === 'single') return record.callbackUrl;
  const parent = await store.get(record.parentId);
  return parent?.kind === 'joint-parent' ? parent.callbackUrl : undefined;
}
