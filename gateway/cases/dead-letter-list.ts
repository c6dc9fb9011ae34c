// The dead letters (gateway/README.md#queues-and-delivery): the cases whose delivery failed for
// good, in each shard's list scored by when, and why each failed, opened for the operators' list
// and page (admin/dead-letters.ts). A part of the case store, built by the CaseStore
// (case-store.ts) from its one context, so the keys, the Redis client and the sealer keep one
// owner; the store delegates deadLettersAfter, deadLettersBefore and failureReason here. The list is written only by a
// move (delivery-failed joins it, replayed leaves it: case-move.ts), never here. A page of one
// adapter or kind reads the dead-letter index instead (dead-letter-index.ts): the same order and
// positions, without passing every other letter.
import type { Sealer } from '../personal-data/sealed-data.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseRecord } from './case-record.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import { positionsOf, type DeadLetterFilter, type DeadLetterIndex } from './dead-letter-index.ts';
import { openFailureReason, type OpenedFailureReason } from './failure-reason.ts';

/** A dead letter's place in the list: when its delivery failed (ms) and its case id. */
export interface DeadLetterPosition {
  failedAtMs: number;
  caseId: string;
}

/** Oldest failure first; within one millisecond, by case id (as Redis orders equal scores). */
export function compareDeadLetters(a: DeadLetterPosition, b: DeadLetterPosition): number {
  if (a.failedAtMs !== b.failedAtMs) return a.failedAtMs - b.failedAtMs;
  return a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0;
}

export class DeadLetterList {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;
  readonly #index: DeadLetterIndex;

  constructor(context: CaseStoreContext, index: DeadLetterIndex) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
    this.#index = index;
  }

  /**
   * The `count` dead letters after `after` (from the first without it), oldest failure first over
   * every shard, ties in case id order: the order a page's cursor names a position in, so a page
   * starts where the last ended whatever was added or removed meanwhile. Each shard is read by
   * score from the position's time on, skipping the members of that same millisecond up to its
   * case id, in chunks until `count` past the position are found or the shard ends. With a
   * filter, each of the shard's indexes that match it is read so instead of its whole list.
   */
  async deadLettersAfter(
    after: DeadLetterPosition | undefined,
    count: number,
    filter: DeadLetterFilter = {},
  ): Promise<DeadLetterPosition[]> {
    const perKey = await this.#eachKey(filter, (key) => this.#shardFrom(key, after, count, 1));
    return perKey.sort(compareDeadLetters).slice(0, count);
  }

  /**
   * The `count` dead letters before `before`, newest failure first — the same order read
   * backwards, so a page back from a position holds what a page forward to it would: the
   * console's previous page, read the same way from each shard by score downwards.
   */
  async deadLettersBefore(
    before: DeadLetterPosition,
    count: number,
    filter: DeadLetterFilter = {},
  ): Promise<DeadLetterPosition[]> {
    const perKey = await this.#eachKey(filter, (key) => this.#shardFrom(key, before, count, -1));
    return perKey.sort((a, b) => compareDeadLetters(b, a)).slice(0, count);
  }

  /** `read` of every shard's list, or with a filter of every shard's matching indexes. */
  async #eachKey(
    filter: DeadLetterFilter,
    read: (key: string) => Promise<DeadLetterPosition[]>,
  ): Promise<DeadLetterPosition[]> {
    const filtered = filter.adapter !== undefined || filter.kind !== undefined;
    const perShard = await Promise.all(
      this.#keys.allShards.map(async (shard) => {
        const keys = filtered
          ? (await this.#index.indexesOf(shard, filter)).map((n) => n.key)
          : [shard.deadLetters];
        return (await Promise.all(keys.map(read))).flat();
      }),
    );
    return perShard.flat();
  }

  /** A shard's `count` letters past `from`: upwards (1) or downwards (-1, ZRANGE … REV). */
  async #shardFrom(
    key: string,
    from: DeadLetterPosition | undefined,
    count: number,
    direction: 1 | -1,
  ): Promise<DeadLetterPosition[]> {
    const out: DeadLetterPosition[] = [];
    const chunk = count + 1;
    // From the position's millisecond (its own members skipped below) to the end that way.
    const [open, end] = direction === 1 ? ['-inf', '+inf'] : ['+inf', '-inf'];
    const byScore = direction === 1 ? ['BYSCORE'] : ['BYSCORE', 'REV'];
    for (let offset = 0; out.length < count; offset += chunk) {
      const raw = (await this.#redis.call(
        'ZRANGE',
        key,
        from ? String(from.failedAtMs) : open,
        end,
        ...byScore,
        'LIMIT',
        offset,
        chunk,
        'WITHSCORES',
      )) as unknown[];
      const read = positionsOf(raw);
      for (const entry of read) {
        if (!from || compareDeadLetters(entry, from) * direction > 0) out.push(entry);
      }
      if (read.length < chunk) break;
    }
    return out.slice(0, count);
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
