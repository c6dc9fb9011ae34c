// The silent cases (gateway/README.md#silence-reconciliation): each shard's set, per province, of
// delivered, open cases stamped when the province last moved them, which the silence watch
// (silence-watch.ts) claims for a status query, and the note a query that brought no news leaves
// in the case's history (record-status-query.ts). The sets are written by the moves themselves
// (case-move.ts), never here. A part of the case store, built by the CaseStore (case-store.ts)
// from its one context, so the keys, the Redis client and the clock keep one owner; the store
// delegates claimSilentCases and noteStatusQuery here.
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import { CASE_SCRIPTS, claimDue } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';

export class SilentCases {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #now: () => Date;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#now = context.now;
  }

  /**
   * Claims up to `limit` of an adapter's delivered, open cases the province has not moved since
   * `silentSinceMs`, for a status query; a claimed case is not claimed again (by any process)
   * until it has been silent for another period (gateway/README.md#silence-reconciliation).
   */
  async claimSilentCases(adapter: string, silentSinceMs: number, limit: number): Promise<string[]> {
    const now = this.#now().getTime();
    const claimed: string[] = [];
    // Shard after shard (each set is one slot) until the batch is full.
    for (const shard of this.#keys.allShards) {
      if (claimed.length >= limit) break;
      claimed.push(
        ...(await claimDue(
          this.#redis,
          shard.provinceSilence(adapter),
          silentSinceMs,
          now,
          limit - claimed.length,
        )),
      );
    }
    return claimed;
  }

  /**
   * A status query that brought no news: a history entry at most once per `windowMs`, the
   * queries in between counted in the next one. True when an entry was written.
   */
  async noteStatusQuery(
    id: string,
    actor: string,
    note: string,
    windowMs: number,
  ): Promise<boolean> {
    const now = this.#now();
    const noted = await runScript(
      this.#redis,
      CASE_SCRIPTS.noteStatusQuery,
      [this.#keys.case(id), this.#keys.history(id)],
      [now.toISOString(), now.getTime(), windowMs, actor, note],
    );
    return noted === 1;
  }
}
