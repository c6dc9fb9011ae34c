// Every Redis key and BullMQ queue name the gateway owns, in one place, all under the configured
// prefix (GW_KEY_PREFIX) so several deployments or test files can share one Redis.
//
// Submissions are spread over a fixed number of shards (GW_REDIS_SHARDS), each with its own Redis
// Cluster hash tag `{s<n>}` (gateway/README.md#redis-data-layout). A submission's shard is chosen
// from its Idempotency-Key hash, so the look-up before the write knows the slot, and written into
// the case id (its last two characters), so every later reader finds it from the id alone. Under
// the shard's tag live the case family's keys (a case, or a joint parent `<id>` and its children
// `<id>-<n>`), the idempotency record, and the shard's outbox, dead letters, joint parents to
// check, province-silence sets and 督办 board of cases: the submission script and every script that
// moves a case touch one slot. Background loops iterate the shards. The 督办 board of
// rectifications and every notice share the tag `{supervise}`, the 好差评 keys of one rated province
// the tag `{rating:<province>}`, the audit chain's keys the tag `{audit}` and the catalogue's the
// tag `{catalogue}`: each of their scripts touches one slot.

/** Shards when GW_REDIS_SHARDS is not set. */
export const DEFAULT_REDIS_SHARDS = 16;
/** A shard number is two base-32 characters of the case id. */
export const MAX_REDIS_SHARDS = 1024;

// Crockford's base 32, the alphabet of ULIDs (and so of case ids).
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The two characters that end a case id of shard `shard`. */
export function shardSuffix(shard: number): string {
  return BASE32[shard >> 5]! + BASE32[shard & 31]!;
}

/**
 * The shard a case id was created in: the last two characters of its family id. An id that does
 * not carry one (junk a test or a portal sent) still maps to one shard, never to an error.
 */
export function shardOfCase(caseId: string): number {
  const family = caseFamilyId(caseId);
  const hi = BASE32.indexOf(family.charAt(family.length - 2));
  const lo = BASE32.indexOf(family.charAt(family.length - 1));
  return hi < 0 || lo < 0 ? 0 : hi * 32 + lo;
}

/** The shard of a submission: from its Idempotency-Key hash (hex), so a retry finds its record. */
export function shardOfKeyHash(keyHash: string, shards: number): number {
  const n = Number.parseInt(keyHash.slice(0, 8), 16);
  return Number.isNaN(n) ? 0 : n % shards;
}

/**
 * The name an idempotency record carries for an Idempotency-Key hash (SHA-256, 64 hex): its first
 * 128 bits in base64url, 22 characters (gateway/README.md#lean-records). A record's names are per
 * portal, so two keys share one only if two of the same portal's keys collide in 128 bits: about
 * 2^-49 for a portal that used 2^40 keys within one TTL, and a portal that forced a collision
 * would only confuse its own submissions. The shard is still chosen from the hex digest's first
 * 32 bits (shardOfKeyHash), the same bits as before: a record of the legacy name and of this one
 * live in the same slot.
 */
export function compactKeyHash(keyHash: string): string {
  return Buffer.from(keyHash.slice(0, 32), 'hex').toString('base64url');
}

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

/**
 * The prefix of the case hash fields that hold a case's 督办 board record (`sv.open`, `sv.gauge`,
 * `sv.warning`, `sv.overdue`, `sv.escalated`, `sv.settled`): a case's subject lives in its own
 * hash, not in a key of its own (gateway/README.md#lean-records). The board's Lua chunk
 * supervision/scripts/subject-record.lua spells the same prefix (a unit test holds them equal);
 * the case record never has a field that starts with it.
 */
export const CASE_BOARD_FIELDS = 'sv.';

/**
 * A 督办 board (gateway/README.md#supervision-engine): one per shard for cases, one under the tag
 * `{supervise}` for rectifications and every notice.
 */
export interface SupervisionKeys {
  /** Sorted set `<kind>:<id>` → when the supervisor should look at the subject next (ms). */
  readonly due: string;
  /** Sorted set `<kind>:<id>` → the subject's due time (ms), while it is supervised. */
  readonly deadlines: string;
  /**
   * Hash of one subject: its gauge prefix (kind, province, item), open, raised flags, settled. A
   * rectification's; a case keeps these in its case hash (fields CASE_BOARD_FIELDS), and has this key
   * only when stored before it did (read while it exists).
   */
  subject(kind: SubjectKind, id: string): string;
  /** Hash `<kind>|<province>|<item>|<open|warning|overdue|escalated>` → subjects now in it. */
  readonly gauges: string;
  /** One notice (预警, 催办, 通报) as JSON. */
  notice(noticeId: string): string;
  /** Sorted set of every notice id (scores 0, ordered by id: ULIDs sort by time). */
  readonly notices: string;
  /** Sorted set of the notice ids addressed to one province. */
  noticesOf(province: string): string;
  /** The id a subject's flag was sent as: the guard that keeps each notice single. */
  notified(kind: SubjectKind, id: string, flag: SupervisionFlag): string;
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
  /**
   * Sorted set of rectification ids → end of the re-rating window (ms): RECTIFIED or EXPLAINED
   * ones waiting for their portal's re-rating, for the default re-rating.
   */
  readonly reRatingWindows: string;
  /**
   * String: set once the rectifications rectified or explained before the default re-rating
   * existed have had their windows opened (rectifications/re-rating-backfill.ts).
   */
  readonly reRatingBackfilled: string;
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
  /**
   * Sorted set `<id>|<sequence>|<move>` → when written (ms) or a claim's end: the rectification
   * moves (and openings) whose listeners have not all finished (gateway/README.md#outbox-rule).
   */
  readonly rectificationOutbox: string;
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
  /**
   * Hash: how far the gateway verified the chain itself, and its last whole-chain verification,
   * under an HMAC (audit/audit-checkpoint.ts).
   */
  readonly checkpoint: string;
  /**
   * Hash intent id → JSON: the operator actions under way, each written before its action runs
   * and removed once its outcome is in the chain (audit/action-intents.ts).
   */
  readonly intents: string;
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
  /**
   * Hash `<year>` → the recount of the due times counted on that year, JSON
   * `{ state: 'pending' | 'done', reason, revision, publishedAt, previous?, … }`: set pending by
   * every publish of the year (publish-draft.lua: reason published or corrected, with the version
   * replaced) and by an operator's rerun (request-recount.lua), done by the recount
   * (gateway/supervision/calendar-recount.ts).
   */
  readonly calendarRecounts: string;
  /** The lease of the one gateway running a year's recount (a token, with an expiry). */
  calendarRecountLease(year: number): string;
  /** Pub/sub channel: the new revision after each publish (a hint; gateways poll as well). */
  readonly channel: string;
  /** Hash of one draft. */
  draft(draftId: string): string;
  /** Sorted set of every draft id (score: created ms). */
  readonly drafts: string;
  /**
   * An operator's Idempotency-Key record for a draft creation, `<draftId> <requestHash>`, named by
   * the key's SHA-256 (hex) in its compact form (compactKeyHash), written with the draft.
   */
  draftIdempotency(operatorId: string, keyHash: string): string;
}

/** The operator console's sign-in state (gateway/console/README.md#security). */
export interface ConsoleKeys {
  /** Hash of one session, named by the SHA-256 of its cookie value (never the value itself). */
  session(idHash: string): string;
  /**
   * Failed sign-ins of one operator id or one client address, counted, named by the HMAC of what
   * it counts (console/sign-in-lockout.ts), never the id or the address.
   */
  failures(subjectDigest: string): string;
  /**
   * One bulk replay asked from the console, named by the random id its confirmation page gave
   * the form: claimed before it runs, then its result (console/bulk-replay-batches.ts), so the
   * same form sent again shows that result instead of replaying the next letters.
   */
  bulkReplay(batchId: string): string;
  /**
   * One unmasked reading asked from the console, named by the random token its redirect carries:
   * the reason, kept until the page it redirects to shows it once (console/unmask-once.ts).
   */
  unmaskOnce(token: string): string;
}

/** The keys one shard holds besides its cases: all under its hash tag `{s<n>}`. */
export interface ShardKeys {
  readonly shard: number;
  /** Sorted set of case ids stored but not yet queued (score: when stored, or a relay's claim end, ms). */
  readonly outbox: string;
  /** Sorted set of DELIVERY_FAILED case ids (score: when delivery failed, ms). */
  readonly deadLetters: string;
  /**
   * The dead letters of one adapter and failure kind (cases/dead-letter-index.ts): a sorted set
   * scored as `deadLetters`, written by the same script step, so counts, the oldest and a filtered
   * page never open a failure reason. Named `<deadLetters>:by:<adapter>:<kind>`.
   */
  deadLetterIndex(adapter: string, kind: string): string;
  /** Set of the shard's `deadLetterIndex` key names that hold a letter: what a summary reads. */
  readonly deadLetterIndexes: string;
  /**
   * Sorted set `<case id>|<stored history length>|<move>|<previous status>|<at>` → when written
   * (ms) or a claim's end: the applied moves whose transition listeners have not all finished
   * (gateway/README.md#outbox-rule).
   */
  readonly moveOutbox: string;
  /** Sorted set of open joint parents (score: when the reconciler last checked them, ms). */
  readonly jointParents: string;
  /**
   * Sorted set of an adapter's delivered, open cases (score: when the province last moved the
   * case, or when we last queried it, ms): the silence watch queries the oldest.
   */
  provinceSilence(adapter: string): string;
  /**
   * The case id that holds a province's case number (受理编号), for an operator who has only that
   * number: set by each move of a case whose number is known, expiring with the closed case.
   */
  provinceCase(provinceCaseNo: string): string;
  /** The 督办 board of the shard's cases. */
  readonly supervision: SupervisionKeys;
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
  /** A case's history list: the entries of its moves (its submission's are derived). */
  history(caseId: string): string;
  /**
   * A single case's or joint parent's sealed envelope (bytes): a string of its own, so the case
   * hash keeps only short values and stays a compact listpack.
   */
  envelope(caseId: string): string;
  /** Digests of the province events applied to a case (an event is applied once). */
  events(caseId: string): string;
  /** How many shards submissions are spread over (GW_REDIS_SHARDS). */
  readonly shards: number;
  /** A shard's own keys. */
  shard(shard: number): ShardKeys;
  /** The shard keys of the shard a case id was created in. */
  shardOf(caseId: string): ShardKeys;
  /** Every shard's keys, shard 0 first: what background loops iterate. */
  readonly allShards: readonly ShardKeys[];
  /** The shard a portal's submission with this Idempotency-Key hash goes to. */
  submissionShard(keyHash: string): number;
  /**
   * A portal's idempotency record for one Idempotency-Key (its SHA-256 as hex), in its submission
   * shard, named by the key's compact hash (compactKeyHash).
   */
  idempotency(clientId: string, keyHash: string): string;
  /**
   * The record's name before the compact one, the whole hex hash: same shard. Only looked up, for
   * records stored before the compact name; drop it one GW_IDEMPOTENCY_TTL_SECONDS after every
   * gateway writes the compact name (gateway/README.md#idempotency).
   */
  legacyIdempotency(clientId: string, keyHash: string): string;
  /** Pub/sub channel: a shard's outbox has new entries (the message is the shard number). */
  readonly outboxNudge: string;
  /**
   * Hash of an adapter's circuit breaker (adapters/kit/circuit-breaker.ts): its latest change of
   * state (`state`, `since` ms, `probeAt` ms while open), written only when the state changes.
   */
  breaker(adapter: string): string;
  /** A client's used request nonce. */
  nonce(clientId: string, nonce: string): string;
  /**
   * Sorted set `<current|previous>|<gateway>` → when that gateway last accepted a rotating client's
   * secret (ms), under the tag `{clients}` so the listing reads every client's in one slot
   * (auth/secret-use.ts).
   */
  secretUse(clientId: string): string;
  /** The rate-limit counters' key prefix for limits of `points` per second (`<prefix>:<clientId>`). */
  rateLimit(points: number): string;
  /** The 督办 board of rectifications, and every notice. */
  readonly supervision: SupervisionKeys;
  /** The 好差评 keys of one rated province (two-digit code). */
  rating(province: string): RatingKeys;
  /** A portal's idempotency record for one evaluation's Idempotency-Key (hashed). */
  evaluationIdempotency(clientId: string, keyHash: string): string;
  readonly audit: AuditKeys;
  readonly catalogue: CatalogueKeys;
  readonly console: ConsoleKeys;
  /** A random mark each gateway adopts at start: gone or changed, Redis lost its data. */
  readonly redisEpoch: string;
  /** When a gateway found the mark gone (ISO time, a day's TTL): /readyz's `redis-data-lost`. */
  readonly redisDataLost: string;
  /**
   * The string the replica wait writes before its WAIT (shared/replica-barrier.ts): in the slot of
   * `writtenKey` (a key a write touched, or a slot's name from SLOT), so on a Cluster the wait is
   * for the node that holds that write; without one, a name of its own (one Redis).
   */
  replicaMark(writtenKey?: string): string;
}

/**
 * The part of a key Redis Cluster hashes to choose its slot: the text between the first `{` and
 * the first `}` after it when not empty, else the whole key.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * A name in the slot of every key under one hash tag, for a writer that holds no key of its own
 * to tell the replica wait where it wrote (shared/replica-barrier.ts). The keys below are built
 * with the same tags (a unit test holds each beside a key of its family).
 */
export const SLOT = Object.freeze({
  /** A case family's keys, its shard's outbox, board and idempotency records. */
  case: (caseId: string) => `{s${shardOfCase(caseId)}}`,
  shard: (shard: number) => `{s${shard}}`,
  /** 好差评 of one rated province: evaluations, rectifications, their counters. */
  rating: (province: string) => `{rating:${province}}`,
  /** The 督办 board of rectifications, and every notice. */
  supervision: '{supervise}',
  audit: '{audit}',
  catalogue: '{catalogue}',
  /** A BullMQ queue (RedisKeys.queuePrefix). */
  queue: (queue: string) => `{${queue}}`,
});

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
    calendarRecounts: `${base}:calendar-recounts`,
    calendarRecountLease: (year: number) => `${base}:calendar-recount-lease:${year}`,
    channel: `${base}:published`,
    draft: (draftId: string) => `${base}:draft:${draftId}`,
    drafts: `${base}:drafts`,
    draftIdempotency: (operatorId: string, keyHash: string) =>
      `${base}:idem-draft:${operatorId}:${compactKeyHash(keyHash)}`,
  });
}

function supervisionKeys(base: string): SupervisionKeys {
  return Object.freeze({
    due: `${base}:due`,
    deadlines: `${base}:deadlines`,
    subject: (kind: SubjectKind, id: string) => `${base}:subject:${kind}:${id}`,
    gauges: `${base}:gauges`,
    notice: (noticeId: string) => `${base}:notice:${noticeId}`,
    notices: `${base}:notices`,
    noticesOf: (province: string) => `${base}:notices:${province}`,
    notified: (kind: SubjectKind, id: string, flag: SupervisionFlag) =>
      `${base}:notified:${kind}:${id}:${flag}`,
  });
}

function ratingKeys(prefix: string, province: string): RatingKeys {
  const base = `${prefix}:{rating:${province}}`;
  const rect = (id: string) => `${base}:rect:${id}`;
  return Object.freeze({
    evaluation: (caseId: string, rated: string) => `${base}:evaluation:${caseId}:${rated}`,
    windows: `${base}:windows`,
    reRatingWindows: `${base}:rects:re-rating-windows`,
    // When the awaiting rectifications were last walked for missing windows (daily; the name is
    // from when the walk ran once, kept so an upgraded gateway reads the time its walk was done).
    reRatingBackfilled: `${base}:rects:re-rating-backfilled`,
    rectification: rect,
    rectificationHistory: (id: string) => `${rect(id)}:history`,
    rectificationEvents: (id: string) => `${rect(id)}:events`,
    rectifications: `${base}:rects`,
    rectificationsIn: (status: string) => `${base}:rects:status:${status}`,
    rectificationsOf: (clientId: string) => `${base}:rects:client:${clientId}`,
    rectificationOutbox: `${base}:rects:outbox`,
    statsTotal: `${base}:stats:total`,
    statsDay: (date: string) => `${base}:stats:day:${date}`,
    statsDays: `${base}:stats:days`,
  });
}

function shardKeys(prefix: string, shard: number): ShardKeys {
  const base = `${prefix}:{s${shard}}`;
  return Object.freeze({
    shard,
    outbox: `${base}:outbox`,
    deadLetters: `${base}:dead-letters`,
    deadLetterIndex: (adapter: string, kind: string) =>
      `${base}:dead-letters:by:${adapter}:${kind}`,
    deadLetterIndexes: `${base}:dead-letters:indexes`,
    moveOutbox: `${base}:move-outbox`,
    jointParents: `${base}:joint-parents`,
    provinceSilence: (adapter: string) => `${base}:silence:${adapter}`,
    provinceCase: (provinceCaseNo: string) => `${base}:province-case:${provinceCaseNo}`,
    supervision: supervisionKeys(`${base}:supervise`),
  });
}

export function redisKeys(prefix: string, shards: number = DEFAULT_REDIS_SHARDS): RedisKeys {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_REDIS_SHARDS) {
    throw new Error(`GW_REDIS_SHARDS must be an integer from 1 to ${MAX_REDIS_SHARDS}`);
  }
  const allShards = Object.freeze(Array.from({ length: shards }, (_, n) => shardKeys(prefix, n)));
  // A case id may name a shard past the configured count (set lower later): its keys still have one.
  const shard = (n: number) => allShards[n] ?? shardKeys(prefix, n);
  const caseBase = (caseId: string) => `${prefix}:{s${shardOfCase(caseId)}}:case:${caseId}`;
  const submissionShard = (keyHash: string) => shardOfKeyHash(keyHash, shards);
  return Object.freeze({
    prefix,
    queuePrefix: (queue: string) => `${prefix}:bull:{${queue}}`,
    shards,
    shard,
    shardOf: (caseId: string) => shard(shardOfCase(caseId)),
    allShards,
    case: caseBase,
    history: (caseId: string) => `${caseBase(caseId)}:history`,
    envelope: (caseId: string) => `${caseBase(caseId)}:envelope`,
    events: (caseId: string) => `${caseBase(caseId)}:events`,
    submissionShard,
    idempotency: (clientId: string, keyHash: string) =>
      `${prefix}:{s${submissionShard(keyHash)}}:idem:${clientId}:${compactKeyHash(keyHash)}`,
    legacyIdempotency: (clientId: string, keyHash: string) =>
      `${prefix}:{s${submissionShard(keyHash)}}:idem:${clientId}:${keyHash}`,
    outboxNudge: `${prefix}:outbox-nudge`,
    breaker: (adapter: string) => `${prefix}:breaker:${adapter}`,
    nonce: (clientId: string, nonce: string) => `${prefix}:nonce:${clientId}:${nonce}`,
    secretUse: (clientId: string) => `${prefix}:{clients}:secret-use:${clientId}`,
    rateLimit: (points: number) => `${prefix}:rate:${points}`,
    supervision: supervisionKeys(`${prefix}:{supervise}`),
    rating: (province: string) => ratingKeys(prefix, province),
    evaluationIdempotency: (clientId: string, keyHash: string) =>
      `${prefix}:idem-evaluation:${clientId}:${keyHash}`,
    audit: Object.freeze({
      head: `${prefix}:{audit}:head`,
      entries: `${prefix}:{audit}:entries`,
      checkpoint: `${prefix}:{audit}:checkpoint`,
      intents: `${prefix}:{audit}:intents`,
    }),
    catalogue: catalogueKeys(prefix),
    console: Object.freeze({
      session: (idHash: string) => `${prefix}:console:session:${idHash}`,
      failures: (subjectDigest: string) => `${prefix}:console:failures:${subjectDigest}`,
      bulkReplay: (batchId: string) => `${prefix}:console:bulk-replay:${batchId}`,
      unmaskOnce: (token: string) => `${prefix}:console:unmask-once:${token}`,
    }),
    // A mark every gateway knows and the time one found it gone (shared/redis-data-loss.ts).
    redisEpoch: `${prefix}:redis-epoch`,
    redisDataLost: `${prefix}:redis-data-lost`,
    replicaMark: (writtenKey?: string) => {
      if (writtenKey === undefined) return `${prefix}:replica-mark`;
      const tag = hashTagOf(writtenKey);
      // An untagged key is its own tag: a `}` in it would end the mark's tag early.
      if (tag === writtenKey && writtenKey.includes('}'))
        throw new Error(`no replica mark can share the slot of ${writtenKey}`);
      return `${prefix}:{${tag}}:replica-mark`;
    },
  });
}
