// Every Redis key and BullMQ queue name the gateway owns, in one place, all under the configured
// prefix (GW_KEY_PREFIX) so several deployments or test files can share one Redis.
//
// The keys of one case family — a single case, or a joint parent `<id>` and its children
// `<id>-<n>` — carry the Redis Cluster hash tag `{<id>}`, so they hash to one slot: the scripts
// that move a case (record, history, event digests) can then run on Redis Cluster as they are.
// The shared sets (outbox, dead letters, joint parents to check, province silence) and the
// idempotency, nonce and rate-limit keys are not tagged per case; moving to Cluster has to shard
// or tag those too (see gateway/README.md#redis-data-layout). The 督办 board's keys share the tag
// `{supervise}`, the 好差评 keys of one rated province the tag `{rating:<province>}`, the audit
// chain's keys the tag `{audit}` and the catalogue's the tag `{catalogue}`: each of their scripts
// touches one slot.

/** The id a case family shares: a joint child `<parentId>-<n>` belongs to its parent. */
export function caseFamilyId(caseId: string): string {
  const dash = caseId.indexOf('-');
  return dash === -1 ? caseId : caseId.slice(0, dash);
}

/** The BullMQ queue of an adapter: one per province platform, so no province delays another. */
export function routeQueueName(adapter: string): string {
  return `route-${adapter}`;
}

/** Portal status callbacks. */
export const CALLBACK_QUEUE = 'callbacks';

export type SupervisionFlag = 'warning' | 'overdue' | 'escalated';

/** What the 督办 engine supervises: routed cases and rectifications. */
export type SubjectKind = 'case' | 'rectification';

/** The 督办 board (gateway/README.md#supervision-engine), all under the hash tag `{supervise}`. */
export interface SupervisionKeys {
  /** Sorted set `<kind>:<id>` → when the supervisor should look at the subject next (ms). */
  readonly due: string;
  /** Sorted set `<kind>:<id>` → the subject's due time (ms), while it is supervised. */
  readonly deadlines: string;
  /** Hash of one subject: province, item, which flags the board has raised, open, settled. */
  subject(kind: SubjectKind, id: string): string;
  /** Hash `<kind>|<province>|<item>|<open|warning|overdue|escalated>` → subjects now in it. */
  readonly gauges: string;
  /** One notice (预警, 催办, 通报) as JSON. */
  notice(noticeId: string): string;
  /** Sorted set of every notice id (scores 0, ordered by id: ULIDs sort by time). */
  readonly notices: string;
  /** Sorted set of the notice ids addressed to one province. */
  noticesOf(province: string): string;
}

/**
 * 好差评 of one rated province (gateway/README.md#evaluations), all under the hash tag
 * `{rating:<province>}`: an evaluation, the rectification it opens and the counters they move are
 * written by one script.
 */
export interface RatingKeys {
  /** Hash: the evaluation of one case's rated party (handling or collecting). */
  evaluation(caseId: string, rated: string): string;
  /** Sorted set `<caseId>|<rated>` → end of the rating window (ms), for the default rating. */
  readonly windows: string;
  /** Hash: one rectification. */
  rectification(id: string): string;
  /** List of a rectification's history entries (JSON). */
  rectificationHistory(id: string): string;
  /** Set of the digests of events applied to a rectification (idempotent by content). */
  rectificationEvents(id: string): string;
  /** Sorted set of every rectification id of the province (scores 0, ordered by id). */
  readonly rectifications: string;
  /** Sorted set of the rectification ids in one status. */
  rectificationsIn(status: string): string;
  /** Sorted set of the rectification ids of one portal's cases. */
  rectificationsOf(clientId: string): string;
  /** Hash `<item>|<rated>|<counter>` → count, all time. */
  readonly statsTotal: string;
  /** The same counters for evaluations made on one China date. */
  statsDay(date: string): string;
  /** Sorted set of the dates that have counters (score: days since 1970-01-01). */
  readonly statsDays: string;
}

/**
 * The operators' audit chain (gateway/README.md#audit-chain), under the hash tag `{audit}` so the
 * append script reads the head and writes the entry in one slot. Never expired or trimmed:
 * entries are kept at least 180 days, and nothing in the gateway deletes them.
 */
export interface AuditKeys {
  /** Hash `seq`, `hash`: the last entry's number and hash (absent before the first entry). */
  readonly head: string;
  /** Hash seq → the entry as JSON. */
  readonly entries: string;
}

/**
 * The published catalogue and its drafts (gateway/README.md#catalogue-administration), all under
 * the hash tag `{catalogue}`: the seed import and the publish script each touch one slot.
 */
export interface CatalogueKeys {
  /** Monotonic revision, bumped by every publish (1 after the seed import). */
  readonly revision: string;
  /** Hash `<code>@<version>` → the published version (metadata, schema and examples text) JSON. */
  readonly versions: string;
  /** Hash `<code>@<version>` → digest of what compiles, so a gateway fetches only what changed. */
  readonly digests: string;
  /** Hash `<code>` → latest published version number. */
  readonly latest: string;
  /** List of `<code>@<version>` in catalogue order (seed order, then publish order). */
  readonly order: string;
  /** Hash `<code>@<version>` → sunset (ISO instant) of a version a breaking publish superseded. */
  readonly sunsets: string;
  /** Hash `<year>` → the working-day calendar's text (config/calendars/<year>.json). */
  readonly calendars: string;
  /** Pub/sub channel: the new revision after each publish (a hint; gateways poll as well). */
  readonly channel: string;
  /** Hash of one draft. */
  draft(draftId: string): string;
  /** Sorted set of every draft id (score: created ms). */
  readonly drafts: string;
}

/** The operator console's sign-in state (gateway/console/README.md#security). */
export interface ConsoleKeys {
  /** Hash of one session, named by the SHA-256 of its cookie value (never the value itself). */
  session(idHash: string): string;
  /** Failed sign-ins of one operator id (`operator`) or one client address (`ip`), counted. */
  failures(by: 'operator' | 'ip', subject: string): string;
}

export interface RedisKeys {
  readonly prefix: string;
  /**
   * The BullMQ prefix of one queue, `<p>:bull:{<queue>}`: the hash tag gives each queue its own
   * slot on Redis Cluster (BullMQ's scripts touch several keys of a queue at once), on one Redis
   * too, so one layout serves both. Queue, worker and job handles of a queue must all use it.
   */
  queuePrefix(queue: string): string;
  /** A case's hash (its record). */
  case(caseId: string): string;
  /** A case's history list. */
  history(caseId: string): string;
  /** Digests of the province events applied to a case (an event is applied once). */
  events(caseId: string): string;
  /** Sorted set of case ids stored but not yet queued (score: createdAt ms). */
  readonly outbox: string;
  /** Sorted set of DELIVERY_FAILED case ids (score: when delivery failed, ms). */
  readonly deadLetters: string;
  /** Sorted set of open joint parents (score: when the reconciler last checked them, ms). */
  readonly jointParents: string;
  /**
   * Sorted set of an adapter's delivered, open cases (score: when the province last moved the
   * case, or when we last queried it, ms): the silence watch queries the oldest.
   */
  provinceSilence(adapter: string): string;
  /** A portal's idempotency record for one Idempotency-Key (hashed). */
  idempotency(clientId: string, keyHash: string): string;
  /** A client's used request nonce. */
  nonce(clientId: string, nonce: string): string;
  /** rate-limiter-flexible's key prefix for limits of `points` per second. */
  rateLimit(points: number): string;
  readonly supervision: SupervisionKeys;
  /** The 好差评 keys of one rated province (two-digit code). */
  rating(province: string): RatingKeys;
  /** A portal's idempotency record for one evaluation's Idempotency-Key (hashed). */
  evaluationIdempotency(clientId: string, keyHash: string): string;
  readonly audit: AuditKeys;
  readonly catalogue: CatalogueKeys;
  readonly console: ConsoleKeys;
}

function catalogueKeys(prefix: string): CatalogueKeys {
  const base = `${prefix}:{catalogue}`;
  return Object.freeze({
    revision: `${base}:revision`,
    versions: `${base}:versions`,
    digests: `${base}:digests`,
    latest: `${base}:latest`,
    order: `${base}:order`,
    sunsets: `${base}:sunsets`,
    calendars: `${base}:calendars`,
    channel: `${base}:published`,
    draft: (draftId: string) => `${base}:draft:${draftId}`,
    drafts: `${base}:drafts`,
  });
}

function supervisionKeys(prefix: string): SupervisionKeys {
  const base = `${prefix}:{supervise}`;
  return Object.freeze({
    due: `${base}:due`,
    deadlines: `${base}:deadlines`,
    subject: (kind: SubjectKind, id: string) => `${base}:subject:${kind}:${id}`,
    gauges: `${base}:gauges`,
    notice: (noticeId: string) => `${base}:notice:${noticeId}`,
    notices: `${base}:notices`,
    noticesOf: (province: string) => `${base}:notices:${province}`,
  });
}

function ratingKeys(prefix: string, province: string): RatingKeys {
  const base = `${prefix}:{rating:${province}}`;
  const rect = (id: string) => `${base}:rect:${id}`;
  return Object.freeze({
    evaluation: (caseId: string, rated: string) => `${base}:evaluation:${caseId}:${rated}`,
    windows: `${base}:windows`,
    rectification: rect,
    rectificationHistory: (id: string) => `${rect(id)}:history`,
    rectificationEvents: (id: string) => `${rect(id)}:events`,
    rectifications: `${base}:rects`,
    rectificationsIn: (status: string) => `${base}:rects:status:${status}`,
    rectificationsOf: (clientId: string) => `${base}:rects:client:${clientId}`,
    statsTotal: `${base}:stats:total`,
    statsDay: (date: string) => `${base}:stats:day:${date}`,
    statsDays: `${base}:stats:days`,
  });
}

export function redisKeys(prefix: string): RedisKeys {
  const caseBase = (caseId: string) => {
    const family = caseFamilyId(caseId);
    return `${prefix}:case:{${family}}${caseId.slice(family.length)}`;
  };
  return Object.freeze({
    prefix,
    queuePrefix: (queue: string) => `${prefix}:bull:{${queue}}`,
    case: caseBase,
    history: (caseId: string) => `${caseBase(caseId)}:history`,
    events: (caseId: string) => `${caseBase(caseId)}:events`,
    outbox: `${prefix}:outbox`,
    deadLetters: `${prefix}:dead-letters`,
    jointParents: `${prefix}:joint-parents`,
    provinceSilence: (adapter: string) => `${prefix}:silence:${adapter}`,
    idempotency: (clientId: string, keyHash: string) => `${prefix}:idem:${clientId}:${keyHash}`,
    nonce: (clientId: string, nonce: string) => `${prefix}:nonce:${clientId}:${nonce}`,
    rateLimit: (points: number) => `${prefix}:rate:${points}`,
    supervision: supervisionKeys(prefix),
    rating: (province: string) => ratingKeys(prefix, province),
    evaluationIdempotency: (clientId: string, keyHash: string) =>
      `${prefix}:idem-evaluation:${clientId}:${keyHash}`,
    audit: Object.freeze({
      head: `${prefix}:{audit}:head`,
      entries: `${prefix}:{audit}:entries`,
    }),
    catalogue: catalogueKeys(prefix),
    console: Object.freeze({
      session: (idHash: string) => `${prefix}:console:session:${idHash}`,
      failures: (by: 'operator' | 'ip', subject: string) =>
        `${prefix}:console:failures:${by}:${subject}`,
    }),
  });
}
