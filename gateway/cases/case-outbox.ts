// The case outbox (gateway/README.md#outbox-rule): each shard's entries of cases stored but not
// yet queued, which a submission's one write (create-case.lua) leaves and the outbox relay
// (queues/outbox-relay.ts) claims, queues and removes. The part of the case store the relay
// needs and nothing more: the relay's dependency names this file, not the whole store. Built by
// the CaseStore (case-store.ts) from its one context, so the keys and the Redis client keep one
// owner; the store delegates claimOutbox and outboxDone here.
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import { CorruptCaseError } from './case-record.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';

/** A claimed outbox entry: what the relay needs to queue the case (outbox-relay.ts). */
export interface OutboxEntry {
  caseId: string;
  /** Undefined when the case is gone (expired, deleted): the relay drops the entry. */
  queue?:
    | { kind: 'single'; adapter: string }
    | { kind: 'joint'; children: { caseId: string; adapter: string }[] };
  clientId: string;
  callbackUrl?: string;
  relatedCaseId?: string;
  createdAt: string;
}

export class CaseOutbox {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
  }

  /**
   * Claims up to `limit` of one shard's outbox entries scored at most `cutoffMs` until
   * `claimUntilMs` (claim-outbox.lua), with what queueing each needs. A case the script did not
   * find, or a child route it did not, is read again here before anything is dropped: on a Redis
   * Cluster mid-resharding it may be on the slot's other node (gateway/README.md#redis-cluster).
   * One round trip when every case was found, as it is but for a case gone or a slot migrating.
   * `done`: entries removed first, in the same step (outboxDone's work, for a running relay whose
   * earlier batch finished since its last claim of the shard).
   */
  async claimOutbox(
    shard: number,
    cutoffMs: number,
    claimUntilMs: number,
    limit: number,
    done: readonly string[] = [],
  ): Promise<OutboxEntry[]> {
    const prefix = `${this.#keys.prefix}:{s${shard}}:case:`;
    const flat = (await runScript(
      this.#redis,
      CASE_SCRIPTS.claimOutbox,
      [this.#keys.shard(shard).outbox],
      [cutoffMs, claimUntilMs, limit, prefix, ...done],
    )) as string[];
    const rows: ClaimedRow[] = [];
    for (let i = 0; i + 8 <= flat.length; i += 8) rows.push(flat.slice(i, i + 8) as ClaimedRow);
    // Read again only what the script did not find: the common batch waits for nothing more.
    const again = rows.flatMap((row, i) => (unsure(row) ? [i] : []));
    if (again.length > 0) {
      const read = await Promise.all(again.map((i) => this.#readClaimed(prefix, rows[i]!)));
      again.forEach((i, n) => (rows[i] = read[n]!));
    }
    return rows.map(
      ([caseId, route, children, routes, clientId, callbackUrl, related, createdAt]) => ({
        caseId,
        ...outboxQueue(caseId, route, children, routes),
        clientId,
        ...(callbackUrl ? { callbackUrl } : {}),
        ...(related ? { relatedCaseId: related } : {}),
        createdAt,
      }),
    );
  }

  /**
   * A claimed case as claim-outbox.lua answers it, read with ordinary commands: each one key, so a
   * Redis Cluster client follows an ASK to the node a migrating slot's key has moved to, and a
   * hash not found is gone from both.
   */
  async #readClaimed(prefix: string, row: ClaimedRow): Promise<ClaimedRow> {
    const [caseId] = row;
    const [status, route, children, clientId, callbackUrl, related, createdAt] =
      await this.#redis.hmget(
        prefix + caseId,
        'status',
        'route',
        'children',
        'clientId',
        'callbackUrl',
        'relatedCaseId',
        'createdAt',
      );
    if (status === null) return [caseId, '', '', '', '', '', '', ''];
    const routes = children
      ? JSON.stringify(
          await Promise.all(
            (JSON.parse(children) as string[]).map(
              async (child) => (await this.#redis.hget(prefix + child, 'route')) ?? '',
            ),
          ),
        )
      : '';
    return [
      caseId,
      route ?? '',
      children ?? '',
      routes,
      clientId ?? '',
      callbackUrl ?? '',
      related ?? '',
      createdAt ?? '',
    ];
  }

  /** The relay queued these cases: their entries leave the shard's outbox. */
  async outboxDone(shard: number, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#redis.zrem(this.#keys.shard(shard).outbox, ...ids);
  }
}

/**
 * One claimed case as claim-outbox.lua answers it: id, route, children, children's routes,
 * clientId, callbackUrl, relatedCaseId, createdAt ('' for none).
 */
type ClaimedRow = [string, string, string, string, string, string, string, string];

/**
 * Whether claim-outbox.lua may have missed part of a case: its hash (no route, no children: it
 * would be dropped) or a child's route (the batch would fail). Found by the script, it is so.
 */
function unsure([, route, children, routes]: ClaimedRow): boolean {
  if (!route && !children) return true;
  return routes !== '' && (JSON.parse(routes) as string[]).includes('');
}

/** Where a claimed case goes: its adapter's queue, or a joint flow of its children. */
function outboxQueue(
  caseId: string,
  route: string,
  children: string,
  routes: string,
): Pick<OutboxEntry, 'queue'> {
  const adapterOf = (json: string) => (JSON.parse(json) as { adapter: string }).adapter;
  if (route) return { queue: { kind: 'single', adapter: adapterOf(route) } };
  if (!children) return {};
  const ids = JSON.parse(children) as string[];
  const childRoutes = JSON.parse(routes) as string[];
  if (childRoutes.some((r) => r === '')) {
    throw new CorruptCaseError(`joint case ${caseId}: a child has no route`);
  }
  return {
    queue: {
      kind: 'joint',
      children: ids.map((id, i) => ({ caseId: id, adapter: adapterOf(childRoutes[i]!) })),
    },
  };
}
