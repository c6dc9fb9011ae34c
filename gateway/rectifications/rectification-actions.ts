// The moves of a rectification after its 差评 opened it (gateway/README.md#rectification-lifecycle):
// the owner province's events, an operator's appeal decision, the portal's re-rating. Each reads
// the rectification, plans its row of the lifecycle table (target, fields, counters), and lets the
// store apply it only if nothing moved it meanwhile — else reads again. The same event twice is
// answered `duplicate: true` and applied once; a move the table does not allow is 409
// GW_ILLEGAL_TRANSITION. Rectified or explained, it waits for the portal's re-rating for the owner
// province's reRatingWindowDays (natural days), then is re-rated 基本满意 by default
// (default-re-ratings.ts).
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import type { Client } from '../auth/client-registry.ts';
import {
  addWorkingDays,
  chinaDate,
  workingDaysBetween,
  type CalendarSource,
} from '../calendar/working-days.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { counterField, levelCounter, type CounterDelta } from '../evaluations/rating-counters.ts';
import { DEFAULT_LEVEL, isGoodLevel } from '../evaluations/evaluation.ts';
import type { HandlerResult } from '../http/respond.ts';
import { GatewayError } from '../shared/errors.ts';
import type { AppealDecisionBody, RectificationEvent, ReRating } from './rectification-bodies.ts';
import { RECTIFICATION_LIFECYCLE, type RectificationMoveName } from './rectification-lifecycle.ts';
import type {
  LoadedRectification,
  RectificationStep,
  RectificationStore,
} from './rectification-store.ts';
import { loadVisibleRectification } from './rectification-view.ts';
import { reRateByDefault } from './default-re-ratings.ts';
import { provinceOfRectification } from './rectification-record.ts';
import { SLOT } from '../shared/redis-keys.ts';
import type { Replicated } from '../shared/replica-barrier.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';

export interface RectificationDeps {
  rectifications: RectificationStore;
  calendar: CalendarSource;
  /** The owner province's re-rating window (reRatingWindowDays). */
  policy: SupervisionPolicy;
  /** GW_REDIS_WAIT_REPLICAS: the answer waits for the move on the replicas (README.md#replicas). */
  replicated?: Replicated;
}

/**
 * Where a move writes: the rectification under its province's tag, and its 督办 board (the
 * supervision listener) under `{supervise}`. A portal's callback is the callback path's.
 */
function rectificationWrites(id: string): [string, ...string[]] {
  const province = provinceOfRectification(id);
  return [SLOT.supervision, ...(province ? [SLOT.rating(province)] : [])];
}

interface Plan {
  name: RectificationMoveName;
  step: RectificationStep;
}

const ATTEMPTS = 3;

/** Reads, plans and applies, reading again when someone moved the rectification in between. */
async function apply(
  deps: RectificationDeps,
  client: Client,
  id: string,
  digestOf: (r: LoadedRectification) => string,
  plan: (r: LoadedRectification, now: Date) => Plan,
): Promise<HandlerResult> {
  const store = deps.rectifications;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await loadVisibleRectification(store, client, id);
    const digest = digestOf(read);
    if (await store.seen(read, digest)) return answer(read.id, read.status, true);
    const { name, step } = plan(read, store.now());
    const row = RECTIFICATION_LIFECYCLE[name];
    if (!(row.from as readonly string[]).includes(read.status)) {
      throw new GatewayError('GW_ILLEGAL_TRANSITION', {
        detail: `The ${name} move is allowed while the rectification is ${row.from.join(', ')}; it is ${read.status}`,
      });
    }
    const outcome = await store.move(read, name, { ...step, digest });
    if (outcome.ok) return answer(read.id, outcome.status, false);
    if (outcome.reason === 'duplicate') return answer(read.id, outcome.current, true);
    if (outcome.reason === 'missing') throw new GatewayError('GW_RECTIFICATION_NOT_FOUND');
  }
  throw new GatewayError('GW_ILLEGAL_TRANSITION', {
    detail: `Rectification ${id} kept changing while being moved: read it and try again`,
  });
}

function answer(id: string, status: string, duplicate: boolean): HandlerResult {
  return { status: 200, body: { rectificationId: id, status, duplicate } };
}

const counter = (r: LoadedRectification, name: Parameters<typeof counterField>[2]) =>
  counterField(r.itemCode, r.rated, name);

/** POST /v1/rectifications/{id}/events: the owner province's progress. */
export async function recordRectificationEvent(
  deps: RectificationDeps,
  client: Client,
  id: string,
  event: RectificationEvent,
): Promise<HandlerResult> {
  const digest = sha256Hex(canonicalJson(event));
  const answer = await apply(
    deps,
    client,
    id,
    () => digest,
    (r, now) => {
      const row = RECTIFICATION_LIFECYCLE[event.type];
      const at = now.toISOString();
      // Rectified or explained: the portal's re-rating is awaited from the move on, so many days.
      const reRatingWindowDays =
        event.type === 'rectified' || event.type === 'explained'
          ? deps.policy.forProvince(r.province).reRatingWindowDays
          : undefined;
      const fields: Record<string, string> =
        event.type === 'visited'
          ? { visitedAt: at }
          : event.type === 'appealed'
            ? { appealedFrom: r.status, appealedAt: at, pausedAt: at }
            : {};
      return {
        name: event.type,
        step: {
          actor: client.id,
          note: event.note,
          sealNote: true,
          fields,
          counters: [[counter(r, row.counter), 1]],
          ...(reRatingWindowDays === undefined ? {} : { reRatingWindowDays }),
        },
      };
    },
  );
  // Once the move is on the replicas, a duplicate's too (its first answer may have been the 503).
  await deps.replicated?.(...rectificationWrites(id));
  return answer;
}

/**
 * POST /v1/rectifications/{id}/appeal-decision: an operator's 申诉复核 (the `appeal` right),
 * appended to the audit chain as `rectification.appeal-decision` with the decision's digest.
 */
export function decideAppealAudited(
  deps: RectificationDeps & { audit: AuditLog },
  request: OperatorRequest & {
    operator: Client;
    rectificationId: string;
    body: AppealDecisionBody;
  },
): Promise<HandlerResult> {
  const { operator, rectificationId: id, body } = request;
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'rectification.appeal-decision',
      target: id.slice(0, 64),
      right: 'appeal',
      digest: sha256Hex(canonicalJson(body)),
      writes: rectificationWrites(id),
    },
    () => decideAppeal(deps, operator, id, body),
  );
}

function decideAppeal(
  deps: RectificationDeps,
  client: Client,
  id: string,
  body: AppealDecisionBody,
): Promise<HandlerResult> {
  // One decision per appeal: the appeal's start names it, so a retried decision is a repeat and
  // the decision of a later appeal is not.
  const digestOf = (r: LoadedRectification) =>
    sha256Hex(canonicalJson({ appeal: body, appealedAt: r.appealedAt ?? '' }));
  return apply(deps, client, id, digestOf, (r, now) => {
    const note = body.note;
    if (body.decision === 'upheld') {
      // The 差评 was untrue: it and its rectification leave the statistics.
      const counters: CounterDelta[] = [
        [counter(r, 'rectUpheld'), 1],
        [counter(r, 'rectOpened'), -1],
        [counter(r, levelCounter(r.level)), -1],
        [counter(r, 'voided'), 1],
        ...(r.visitedAt ? [[counter(r, 'rectVisited'), -1] as CounterDelta] : []),
      ];
      return {
        name: 'appeal-upheld',
        step: {
          actor: client.id,
          note,
          sealNote: true,
          counters,
          evaluationFields: { voidedAt: now.toISOString() },
        },
      };
    }
    return {
      name: 'appeal-rejected',
      step: {
        actor: client.id,
        note,
        sealNote: true,
        to: r.appealedFrom ?? 'OPEN',
        fields: resumeFields(deps, r, now),
      },
    };
  });
}

/** The days under review do not count: the deadlines move by as many working days. */
function resumeFields(
  deps: RectificationDeps,
  r: LoadedRectification,
  now: Date,
): Record<string, string> {
  if (!r.pausedAt) return {};
  const calendar = deps.calendar();
  const paused = workingDaysBetween(calendar, chinaDate(new Date(r.pausedAt)), chinaDate(now));
  const due = addWorkingDays(calendar, chinaDate(new Date(r.dueAt)), paused);
  const visit = r.visitedAt
    ? undefined
    : addWorkingDays(calendar, chinaDate(new Date(r.visitDueAt)), paused);
  return {
    pausedAt: '',
    pausedDays: String(r.pausedDays + paused),
    dueAt: due.dueAt,
    ...(visit ? { visitDueAt: visit.dueAt } : {}),
    ...(due.assumed || visit?.assumed ? { calendarAssumed: 'true' } : {}),
  };
}

/**
 * A re-rating that comes after the window ended is too late even when the worker's pass has not
 * yet recorded the default (it looks every GW_SUPERVISION_INTERVAL_MS): the default is recorded
 * now, through the same step as the pass's, and the re-rating is refused as one of a closed
 * rectification — so the answer never depends on when the pass last ran.
 */
async function refuseLateReRating(deps: RectificationDeps, client: Client, id: string) {
  const store = deps.rectifications;
  const read = await loadVisibleRectification(store, client, id);
  const waiting = RECTIFICATION_LIFECYCLE['re-rated-by-default'].from as readonly string[];
  if (!waiting.includes(read.status) || !read.reRatingDueAt) return;
  if (store.now().getTime() < Date.parse(read.reRatingDueAt)) return;
  await reRateByDefault({ rectifications: store, now: () => store.now() }, read.province, read.id);
  throw new GatewayError('GW_ILLEGAL_TRANSITION', {
    detail: `The re-rating window ended at ${read.reRatingDueAt}: the rectification is re-rated ${DEFAULT_LEVEL} (基本满意) by default and CLOSED`,
  });
}

/** POST /v1/rectifications/{id}/re-rating: the applicant rates the rectification; closes it. */
export async function reRate(
  deps: RectificationDeps,
  client: Client,
  id: string,
  body: ReRating,
): Promise<HandlerResult> {
  await refuseLateReRating(deps, client, id);
  const digest = sha256Hex(canonicalJson({ reRating: body }));
  const answer = await apply(
    deps,
    client,
    id,
    () => digest,
    (r, now) => ({
      name: 're-rated',
      step: {
        actor: client.id,
        note: `re-rated ${body.level}`,
        fields: {
          reRating: JSON.stringify({
            level: body.level,
            at: now.toISOString(),
            source: 'applicant',
            ...(body.comment
              ? { comment: deps.rectifications.sealComment(r.id, body.comment) }
              : {}),
          }),
        },
        counters: [
          [counter(r, 'rectReRated'), 1],
          ...(isGoodLevel(body.level) ? [[counter(r, 'rectReRatedGood'), 1] as CounterDelta] : []),
        ],
      },
    }),
  );
  await deps.replicated?.(...rectificationWrites(id));
  return answer;
}
