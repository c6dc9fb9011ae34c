// Every Redis key and BullMQ queue name the gateway owns, in one place, all under the configured
// prefix (GW_KEY_PREFIX) so several deployments or test files can share one Redis.
//
// The keys of one case family — a single case, or a joint parent `<id>` and its children
// `<id>-<n>` — carry the Redis Cluster hash tag `{<id>}`, so they hash to one slot: the scripts
// that move a case (record, history, event digests) can then run on Redis Cluster as they are.
// The shared sets (outbox, dead letters, joint parents to check, province silence, supervision
// schedule) and the idempotency, nonce and rate-limit keys are not tagged per case; moving to
// Cluster has to shard or tag those too (see gateway/README.md#redis-data-layout).

/** The id a case family shares: a joint child `<parentId>-<n>` belongs to its parent. */
export function caseFamilyId(caseId: string): string {
  const dash = caseId.indexOf('-');
  return dash === -1 ? caseId : caseId.slice(0, dash);
}

/** The BullMQ queue of an adapter: one per province platform, so no province delays another. */
export function routeQueueName(adapter: string): string {
  return `route-${adapter}`;
}

/** Joint cases are a BullMQ flow whose parent job waits here until every child is delivered. */
export const JOINT_QUEUE = 'joint-cases';

/** Portal status callbacks. */
export const CALLBACK_QUEUE = 'callbacks';

export type SupervisionFlag = 'warning' | 'overdue' | 'escalated';

export interface RedisKeys {
  readonly prefix: string;
  /** BullMQ's prefix: every queue above lives under it. */
  readonly bull: string;
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
  /** Sorted set of case ids whose 督办 flag falls due (score: when, ms). */
  supervision(flag: SupervisionFlag): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const caseBase = (caseId: string) => {
    const family = caseFamilyId(caseId);
    return `${prefix}:case:{${family}}${caseId.slice(family.length)}`;
  };
  return Object.freeze({
    prefix,
    bull: `${prefix}:bull`,
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
    supervision: (flag: SupervisionFlag) => `${prefix}:supervise:${flag}`,
  });
}
