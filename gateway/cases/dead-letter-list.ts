// The dead letters (gateway/README.md#queues-and-delivery): the cases whose delivery failed for
// good, in each shard's list scored by when, and why each failed, opened for the operators' list
// and page (admin/dead-letters.ts). A part of the case store, built by the CaseStore
// (case-store.ts) from its one context, so the keys, the Redis client and the sealer keep one
// owner; the store delegates deadLetters and failureReason here. The list is written only by a
// move (delivery-failed joins it, replayed leaves it: case-move.ts), never here.
import type { Sealer } from '../personal-data/sealed-data.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseRecord } from './case-record.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import { openFailureReason, type OpenedFailureReason } from './failure-reason.ts';

export class DeadLetterList {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
  }

  /** Dead letters, oldest failure first, over every shard: case id and when delivery failed (ms). */
  async deadLetters(limit: number): Promise<{ caseId: string; failedAtMs: number }[]> {
    const perShard = await Promise.all(
      this.#keys.allShards.map(
        (shard) =>
          this.#redis.call('ZRANGE', shard.deadLetters, 0, limit - 1, 'WITHSCORES') as Promise<
            unknown[]
          >,
      ),
    );
    const all: { caseId: string; failedAtMs: number }[] = [];
    for (const raw of perShard) {
      // RESP3 answers [member, score] pairs, RESP2 a flat list: flattened, both are the RESP2 list.
      const flat = raw.flat();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        all.push({ caseId: String(flat[i]), failedAtMs: Number(flat[i + 1]) });
      }
    }
    return all.sort((a, b) => a.failedAtMs - b.failedAtMs).slice(0, limit);
  }

  /**
   * Why the case's delivery failed for good, opened (undefined when none is stored): for the
   * dead-letter list and page, which show it masked unless the reader may unmask. One that does not
   * open reads as UNREADABLE_FAILURE_REASON with the problem, for the reader's log line.
   */
  failureReason(
    record: Pick<CaseRecord, 'id' | 'storedFailureReason'>,
  ): OpenedFailureReason | undefined {
    const stored = record.storedFailureReason;
    return stored === undefined ? undefined : openFailureReason(this.#sealer, stored, record.id);
  }
}
