// POST /v1/cases, top to bottom (gateway/README.md#submission, gateway/README.md#thin-handlers):
//   idempotency look-up (sharing its Redis round trip with the nonce and rate-limit checks) →
//   validate (envelope → identifiers → payload) → route → related case → one write → (with
//   GW_REDIS_WAIT_REPLICAS, on the replicas) → 202.
// The one write (create-case.lua) stores the case ROUTED (its history's first entries are derived
// from it), its 督办 schedule, the idempotency record and the outbox entry; the outbox relay turns the entry into the job
// (gateway/README.md#outbox-relay). Two Redis round trips, none of them BullMQ's.
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
import { callbackUrlRefusal } from '../callbacks/callback-url.ts';
import { idempotencyKeyHash } from './idempotency-key.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import {
  hashRequest,
  sameRequest,
  type IdempotencyRecord,
  type RequestHash,
} from './idempotency-record.ts';
import type {
  CaseRecord,
  JointChildCase,
  JointParentCase,
  RoutedCase,
  SingleCase,
} from './case-record.ts';
import { phaseOf } from './case-status.ts';
import type { NewCase } from './case-submissions.ts';
import type { CaseStore } from './case-store.ts';
import { SLOT } from '../shared/redis-keys.ts';
import type { Replicated } from '../shared/replica-barrier.ts';

/** A routed case's 督办 schedule, written with it (supervision/case-supervision.ts). */
export type SubmissionSchedule = (record: RoutedCase) => readonly string[];

export interface SubmitDeps {
  registry: SchemaRegistry;
  routing: RoutingContext;
  store: CaseStore;
  /** The working-day calendar in force (a year may be published while the gateway runs). */
  calendar: CalendarSource;
  schedule: SubmissionSchedule;
  /** A new case id in the given Redis shard. */
  newId: (shard: number) => string;
  now: () => Date;
  onSubmitted?: (itemCode: string, adapters: string[]) => void;
  /** Production refuses http and private callback hosts (SSRF). */
  production?: boolean;
  /**
   * GW_REDIS_WAIT_REPLICAS: resolves once the submission shard's writes so far are on enough
   * replicas (shared/replica-barrier.ts), else GW_UNAVAILABLE. Without it the 202 follows the
   * master.
   */
  replicated?: Replicated;
}

export interface SubmitInput {
  client: Client;
  idempotencyKey: string | undefined;
  body: unknown;
  /** The request's logger: its lines carry the request id. */
  log: Logger;
  /** Settles the request's nonce and rate-limit checks: awaited before anything is written. */
  checked: () => Promise<void>;
}

export async function submitCase(deps: SubmitDeps, input: SubmitInput): Promise<HandlerResult> {
  let keyHash: string;
  try {
    keyHash = idempotencyKeyHash(input.idempotencyKey);
  } catch (error) {
    // A replayed nonce or a client over its rate is told so first, as before the key is read.
    await input.checked();
    throw error;
  }
  const requestHash = hashRequest(canonicalJson(input.body));
  const idempotency = { clientId: input.client.id, keyHash };
  // One round trip: the look-up goes out beside the nonce and rate-limit checks.
  const [earlier] = await Promise.all([
    deps.store.findIdempotent(idempotency.clientId, idempotency.keyHash),
    input.checked(),
  ]);
  if (earlier) return replay(deps, earlier, requestHash, keyHash);

  const { item, envelope } = deps.registry.validateSubmission(input.body);
  const callbackProblem = envelope.callbackUrl
    ? callbackUrlRefusal(envelope.callbackUrl, deps.production ?? false)
    : undefined;
  if (callbackProblem) {
    // The envelope matched its schema: the URL is refused by where it points (callback-url.ts).
    throw new GatewayError('GW_VALIDATION_FAILED', {
      detail: `The envelope matches its schema but its callbackUrl is refused: it ${callbackProblem.message}`,
      errors: [
        {
          path: '/callbackUrl',
          message: `callbackUrl ${callbackProblem.message}`,
          messageZh: callbackProblem.messageZh,
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
    // The 202 and a refusal name the route or the failed rule, never the reasons list.
    { reasons: false },
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

  const shard = deps.store.submissionShard(keyHash);
  const built = buildCases(deps, input, item, envelope, decision, now, shard);
  const { parent } = built;
  const newCase = (record: CaseRecord): NewCase => ({
    record,
    ...(record.kind === 'joint-parent' ? {} : { supervision: deps.schedule(record) }),
  });
  const outcome = await deps.store.create(
    {
      ...idempotency,
      record: { id: parent.id, requestHash: requestHash.compact },
      legacyRequestHash: requestHash.hex,
    },
    envelope,
    [newCase(parent), ...built.children.map(newCase)],
  );
  if (!outcome.created) return replay(deps, outcome.existing, requestHash, keyHash);

  await deps.replicated?.(SLOT.shard(shard));
  deps.onSubmitted?.(parent.itemCode, parent.adapters);
  input.log.info(
    { caseId: parent.id, itemCode: parent.itemCode, adapters: parent.adapters },
    'case accepted',
  );
  return accepted(built);
}

/** The 202: built from the stored cases, so a replay rebuilds it byte for byte. */
function accepted(built: BuiltCases): HandlerResult {
  return {
    status: 202,
    headers: { Location: `/v1/cases/${built.parent.id}` },
    body: acceptedBody(built),
  };
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
  requestHash: RequestHash,
  keyHash: string,
): Promise<HandlerResult> {
  if (!sameRequest(earlier, requestHash)) {
    throw new GatewayError('GW_IDEMPOTENCY_CONFLICT', {
      detail: `This Idempotency-Key was used for case ${earlier.id} with a different body`,
    });
  }
  const built = await storedCases(deps.store, earlier.id);
  // The first answer may have been a 503 because the case had not reached the replicas yet.
  await deps.replicated?.(SLOT.shard(deps.store.submissionShard(keyHash)));
  const response = accepted(built);
  return { ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } };
}

/**
 * The cases a replayed key made, read back for its 202. A key can outlive its case (a closed case
 * past GW_CASE_RETENTION_DAYS, a key kept longer): then there is no 202 to give again.
 */
async function storedCases(store: CaseStore, caseId: string): Promise<BuiltCases> {
  const parent = await store.get(caseId);
  if (parent?.kind === 'single') return { parent, children: [] };
  const children =
    parent?.kind === 'joint-parent'
      ? await Promise.all(parent.children.map((id) => store.get(id)))
      : [];
  if (parent?.kind === 'joint-parent' && children.every((c) => c?.kind === 'joint-child')) {
    return { parent, children };
  }
  throw new GatewayError('GW_IDEMPOTENCY_CONFLICT', {
    detail: `This Idempotency-Key was used for case ${caseId}, which is no longer kept`,
  });
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
  shard: number,
): BuiltCases {
  const id = deps.newId(shard);
  const at = now.toISOString();
  const due = addWorkingDays(deps.calendar(), chinaDate(now), item.promisedDays);
  if (due.assumed)
    input.log.warn(
      { caseId: id, dueDate: due.date },
      'no working-day calendar for this year: Mon–Fri assumed',
    );
  const base = {
    // Stored ROUTED: the outbox entry written with it guarantees the job (gateway/README.md#outbox-rule).
    status: 'ROUTED' as const,
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
