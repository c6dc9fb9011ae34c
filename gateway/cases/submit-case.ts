// POST /v1/cases, top to bottom (gateway/README.md#submission, gateway/README.md#thin-handlers):
//   idempotency → validate (envelope → identifiers → payload) → route → related case → store →
//   enqueue → 202.
// The 202 leaves only after the case record and its job are both in Redis; if the process dies
// between the two, the reconciler (or the portal's retry with the same key) queues it.
import type { HandlerResult } from '../http/respond.ts';
import type { Client } from '../auth/client-registry.ts';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import type { CatalogueItem } from '../catalogue/catalogue-item.ts';
import { addWorkingDays, chinaDate, type CalendarSource } from '../calendar/working-days.ts';
import { resolveRoute } from '../routing/resolve-route.ts';
import type { RouteDecision, RoutingContext } from '../routing/route-decision.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { callbackUrlProblem } from '../callbacks/callback-url.ts';
import { idempotencyKeyHash } from './idempotency-key.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import type { HistoryEntry, JointChildCase, JointParentCase, SingleCase } from './case-record.ts';
import { phaseOf } from './case-status.ts';
import type { CaseStore, IdempotencyRecord, NewCase } from './case-store.ts';
import { dispatchCase } from './dispatch-case.ts';

export interface SubmitDeps {
  registry: SchemaRegistry;
  routing: RoutingContext;
  store: CaseStore;
  queues: CaseQueues;
  /** The working-day calendar in force (a year may be published while the gateway runs). */
  calendar: CalendarSource;
  newId: () => string;
  now: () => Date;
  onSubmitted?: (itemCode: string, adapters: string[]) => void;
  /** Production refuses http and private callback hosts (SSRF). */
  production?: boolean;
}

export interface SubmitInput {
  client: Client;
  idempotencyKey: string | undefined;
  body: unknown;
  /** The request's logger: its lines carry the request id. */
  log: Logger;
}

export async function submitCase(deps: SubmitDeps, input: SubmitInput): Promise<HandlerResult> {
  const keyHash = idempotencyKeyHash(input.idempotencyKey);
  const requestHash = sha256Hex(canonicalJson(input.body));
  const idempotency = { clientId: input.client.id, keyHash };
  const earlier = await deps.store.findIdempotent(idempotency.clientId, idempotency.keyHash);
  if (earlier) return replay(deps, earlier, requestHash);

  const { item, envelope } = deps.registry.validateSubmission(input.body);
  const callbackProblem = envelope.callbackUrl
    ? callbackUrlProblem(envelope.callbackUrl, deps.production ?? false)
    : undefined;
  if (callbackProblem) {
    throw new GatewayError('GW_VALIDATION_FAILED', {
      errors: [
        {
          path: '/callbackUrl',
          message: `callbackUrl ${callbackProblem}`,
          messageZh: '回调地址不允许',
        },
      ],
    });
  }
  const now = deps.now();
  const decision = resolveRoute(
    {
      item,
      mode: envelope.mode,
      receivingRegion: envelope.receivingRegion,
      handlingRegion: envelope.handlingRegion,
      parties: envelope.parties,
      portalProvince: input.client.province,
      date: chinaDate(now),
    },
    deps.routing,
  );
  if (decision.decision === 'refused') {
    throw new GatewayError(decision.code, {
      detail: decision.detail,
      errors: [
        {
          path: decision.path,
          message: decision.detail,
          messageZh: decision.detailZh,
          keyword: 'routing',
        },
      ],
    });
  }

  if (envelope.relatedCaseId)
    await checkRelatedCase(deps.store, input.client, envelope.relatedCaseId);

  const built = buildCases(deps, input, item, envelope, decision, now);
  const { parent } = built;
  const response = {
    status: 202,
    headers: { Location: `/v1/cases/${parent.id}` },
    body: acceptedBody(built),
  };
  const history: HistoryEntry = {
    at: now.toISOString(),
    status: 'SUBMITTED',
    actor: input.client.id,
    ...(envelope.relatedCaseId ? { note: `resubmission of ${envelope.relatedCaseId}` } : {}),
  };
  const outcome = await deps.store.create(
    { ...idempotency, record: { caseId: parent.id, requestHash, response } },
    envelope,
    [
      { record: parent, history },
      ...built.children.map((record): NewCase => ({ record, history })),
    ],
  );
  if (!outcome.created) return replay(deps, outcome.existing, requestHash);

  await dispatchCase(deps, parent);
  deps.onSubmitted?.(parent.itemCode, parent.adapters);
  input.log.info(
    { caseId: parent.id, itemCode: parent.itemCode, adapters: parent.adapters },
    'case accepted',
  );
  return response;
}

/**
 * relatedCaseId must name a case this portal submitted (gateway/README.md#related-cases). Another
 * portal's case is answered exactly like one that does not exist, so ids cannot be probed.
 */
async function checkRelatedCase(store: CaseStore, client: Client, caseId: string): Promise<void> {
  const related = await store.get(caseId);
  if (related && related.kind !== 'joint-child' && related.clientId === client.id) return;
  throw new GatewayError('GW_RELATED_CASE_UNKNOWN', {
    detail: `relatedCaseId names no case of ${client.id}`,
    errors: [
      {
        path: '/relatedCaseId',
        message: `no case ${caseId} submitted by this portal`,
        messageZh: '关联办件不存在或不属于本门户',
        keyword: 'relatedCaseId',
      },
    ],
  });
}

async function replay(
  deps: SubmitDeps,
  earlier: IdempotencyRecord,
  requestHash: string,
): Promise<HandlerResult> {
  if (earlier.requestHash !== requestHash) {
    throw new GatewayError('GW_IDEMPOTENCY_CONFLICT', {
      detail: `This Idempotency-Key was used for case ${earlier.caseId} with a different body`,
    });
  }
  // The first attempt may have died after storing the case and before queueing it.
  const record = await deps.store.get(earlier.caseId);
  if (record?.status === 'SUBMITTED') await dispatchCase(deps, record);
  return {
    status: earlier.response.status,
    headers: { ...earlier.response.headers, 'Idempotent-Replayed': 'true' },
    body: earlier.response.body,
  };
}

type BuiltCases =
  { parent: SingleCase; children: [] } | { parent: JointParentCase; children: JointChildCase[] };

function buildCases(
  deps: SubmitDeps,
  input: SubmitInput,
  item: CatalogueItem,
  envelope: SubmissionEnvelope,
  decision: Exclude<RouteDecision, { decision: 'refused' }>,
  now: Date,
): BuiltCases {
  const id = deps.newId();
  const at = now.toISOString();
  const due = addWorkingDays(deps.calendar(), chinaDate(now), item.promisedDays);
  if (due.assumed)
    input.log.warn(
      { caseId: id, dueDate: due.date },
      'no working-day calendar for this year: Mon–Fri assumed',
    );
  const base = {
    status: 'SUBMITTED' as const,
    itemCode: item.code,
    itemVersion: item.version,
    mode: envelope.mode,
    clientId: input.client.id,
    receivingRegion: envelope.receivingRegion,
    createdAt: at,
    updatedAt: at,
    dueAt: due.dueAt,
    promisedDays: item.promisedDays,
    // Counted Monday to Friday somewhere: shown on the case, and /readyz warns operators.
    ...(due.assumed ? { calendarAssumed: true } : {}),
    flags: { warning: false, overdue: false, escalated: false },
    // Not personal data: kept in the record (the envelope is sealed) for the link and the view.
    ...(envelope.relatedCaseId ? { relatedCaseId: envelope.relatedCaseId } : {}),
  };
  const callback = envelope.callbackUrl ? { callbackUrl: envelope.callbackUrl } : {};
  if ('route' in decision) {
    const parent: SingleCase = {
      ...base,
      ...callback,
      kind: 'single',
      id,
      route: decision.route,
      adapters: [decision.route.adapter],
    };
    return { parent, children: [] };
  }
  const children = decision.children.map((child, i): JointChildCase => ({
    ...base,
    kind: 'joint-child',
    id: `${id}-${i + 1}`,
    parentId: id,
    role: child.role,
    route: child.route,
    adapters: [child.route.adapter],
  }));
  const parent: JointParentCase = {
    ...base,
    kind: 'joint-parent',
    id,
    children: children.map((c) => c.id),
    adapters: [...new Set(children.map((c) => c.route.adapter))],
    ...callback,
  };
  return { parent, children };
}

function acceptedBody({ parent, children }: BuiltCases) {
  return {
    caseId: parent.id,
    status: 'ROUTED',
    phase: phaseOf('ROUTED'),
    itemCode: parent.itemCode,
    itemVersion: parent.itemVersion,
    route:
      parent.kind === 'single'
        ? parent.route
        : {
            children: children.map((c) => ({
              caseId: c.id,
              role: c.role,
              adapter: c.route.adapter,
              targetRegion: c.route.targetRegion,
              level: c.route.level,
            })),
          },
    dueAt: parent.dueAt,
    links: { self: `/v1/cases/${parent.id}` },
  };
}
