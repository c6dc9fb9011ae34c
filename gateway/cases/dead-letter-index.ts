// The dead-letter index (gateway/README.md#dead-letters): per shard, one sorted set per adapter and
// failure kind, scored as the shard's dead-letter list (when delivery failed, ms), and a set naming
// those that hold a letter. It is written by the same script step as the list (transition-case.lua
// with the dead-letter-index.lua chunk: delivery-failed joins it, replayed leaves it), with the
// kind the store classified as it sealed the reason (case-mover.ts), so the summary's counts and
// oldest letters, a filtered page and the bulk replay's pick read it without opening a reason, at
// the same cost for 50 letters as for 50 000.
//
// Nothing else moves a case out of DELIVERY_FAILED (lifecycle.ts: only `replayed` starts there);
// retention expires only closed cases; a joint parent that shows DELIVERY_FAILED is never in the
// list (its failed child is); re-sealing a reason under a new data key keeps its text, so its kind.
// What the index can miss is what a gateway of the previous version wrote: the letters stored
// before it, and those added or replayed by an old instance during a rolling upgrade. repairShard
// puts those right — run by the reconciler (reconciler.ts) in every pass whose counts disagree,
// and over every letter once after each start and every FULL_CHECK_MS — idempotent, and resumable
// since it works from the difference between the list and the index, never from a marker.
import type { RedisClient } from '../shared/redis.ts';
import type { ShardKeys } from '../shared/redis-keys.ts';
import { runScript } from '../shared/lua-script.ts';
import type { CaseReader } from './case-reader.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import type { DeadLetterPosition } from './dead-letter-list.ts';
import { openFailureReason } from './failure-reason.ts';
import { FAILURE_KINDS, failureKindOf, type FailureKindKey } from './failure-kind.ts';

/** Which dead letters a page, a summary or a bulk replay wants: one adapter, one kind, or both. */
export interface DeadLetterFilter {
  adapter?: string;
  kind?: FailureKindKey;
}

/** One index of one shard: its key, and the adapter and kind it holds. */
export interface DeadLetterIndexName {
  key: string;
  adapter: string;
  kind: FailureKindKey;
}

/** The letters of one adapter and kind over every shard. */
export interface IndexedTally {
  adapter: string;
  kind: FailureKindKey;
  count: number;
  oldest: DeadLetterPosition;
}

export interface IndexedTallies {
  tallies: IndexedTally[];
  /** Letters in the dead-letter lists (every adapter and kind, whatever the filter). */
  listed: number;
  /** Letters in the index (likewise): equal to `listed` unless a repair is due. */
  indexed: number;
}

export interface IndexRepair {
  /** Letters of the list that were not (or not rightly) indexed, now indexed. */
  indexed: number;
  /** Index entries of letters no longer in the list (and list entries of cases gone), removed. */
  removed: number;
}

/** How often the reconciler compares the whole list with the index, whatever the counts say. */
export const FULL_CHECK_MS = 10 * 60_000;

/** The shard's set of index names, then the adapter's index of each kind, in FAILURE_KINDS order. */
function indexKeys(shard: ShardKeys, adapter: string): string[] {
  return [shard.deadLetterIndexes, ...FAILURE_KINDS.map((k) => shard.deadLetterIndex(adapter, k))];
}

/**
 * transition-case.lua's part for a move that adds a routed case to the dead letters or removes it:
 * the index keys, and the place of the index it joins ('0': it joins none).
 */
export function indexCall(
  shard: ShardKeys,
  adapter: string,
  change: 'add' | 'remove',
  kind: FailureKindKey = 'other',
): { keys: string[]; kind: string } {
  const place = change === 'add' ? FAILURE_KINDS.indexOf(kind) + 1 : 0;
  return { keys: indexKeys(shard, adapter), kind: String(place) };
}

/** The adapter and kind an index key of `shard` holds; undefined for a name it never wrote. */
export function parseIndexName(shard: ShardKeys, key: string): DeadLetterIndexName | undefined {
  const head = shard.deadLetterIndex('', '').slice(0, -1);
  if (!key.startsWith(head)) return undefined;
  const rest = key.slice(head.length);
  const colon = rest.lastIndexOf(':');
  const kind = rest.slice(colon + 1) as FailureKindKey;
  if (colon < 1 || !FAILURE_KINDS.includes(kind)) return undefined;
  return { key, adapter: rest.slice(0, colon), kind };
}

function matches(name: DeadLetterIndexName, filter: DeadLetterFilter): boolean {
  return (
    (filter.adapter === undefined || name.adapter === filter.adapter) &&
    (filter.kind === undefined || name.kind === filter.kind)
  );
}

/**
 * Members and scores of a WITHSCORES answer: RESP3 answers [member, score] pairs, RESP2 a flat
 * list; flattened, both are the RESP2 list.
 */
export function positionsOf(raw: unknown[]): DeadLetterPosition[] {
  const flat = raw.flat();
  const out: DeadLetterPosition[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push({ caseId: String(flat[i]), failedAtMs: Number(flat[i + 1]) });
  }
  return out;
}

export class DeadLetterIndex {
  readonly #redis: RedisClient;
  readonly #context: CaseStoreContext;
  readonly #reader: CaseReader;

  constructor(context: CaseStoreContext, reader: CaseReader) {
    this.#redis = context.redis;
    this.#context = context;
    this.#reader = reader;
  }

  /** The shard's indexes that hold a letter and match `filter`. */
  async indexesOf(shard: ShardKeys, filter: DeadLetterFilter = {}): Promise<DeadLetterIndexName[]> {
    const names = await this.#redis.smembers(shard.deadLetterIndexes);
    return names
      .map((key) => parseIndexName(shard, key))
      .filter((n): n is DeadLetterIndexName => n !== undefined && matches(n, filter));
  }

  /**
   * The letters per adapter and kind matching `filter` over every shard — counts and the oldest —
   * read from the index alone: per shard its names, then each index's size and first member.
   */
  async tallies(filter: DeadLetterFilter = {}): Promise<IndexedTallies> {
    const byName = new Map<string, IndexedTally>();
    let listed = 0;
    let indexed = 0;
    await Promise.all(
      this.#context.keys.allShards.map(async (shard) => {
        const [names, inList] = await Promise.all([
          this.indexesOf(shard),
          this.#redis.zcard(shard.deadLetters),
        ]);
        listed += inList;
        const read = await Promise.all(
          names.map(async (name) => {
            const [count, first] = await Promise.all([
              this.#redis.zcard(name.key),
              this.#redis.call('ZRANGE', name.key, 0, 0, 'WITHSCORES') as Promise<unknown[]>,
            ]);
            return { name, count, oldest: positionsOf(first)[0] };
          }),
        );
        for (const { name, count, oldest } of read) {
          indexed += count;
          if (!oldest || !matches(name, filter)) continue;
          const id = `${name.adapter}\u0000${name.kind}`;
          const tally = byName.get(id);
          if (!tally) byName.set(id, { adapter: name.adapter, kind: name.kind, count, oldest });
          else {
            tally.count += count;
            // The list's order: oldest failure first, ties by case id (compareDeadLetters).
            const { failedAtMs, caseId } = tally.oldest;
            if (
              oldest.failedAtMs < failedAtMs ||
              (oldest.failedAtMs === failedAtMs && oldest.caseId < caseId)
            )
              tally.oldest = oldest;
          }
        }
      }),
    );
    return { tallies: [...byName.values()], listed, indexed };
  }

  /**
   * Puts the shard's index right after a gateway of the previous version wrote the list without
   * it: unless `full`, only when the list's and the index's counts differ. Letters of the list
   * missing from the index are classified from their opened reason (as the summary did before the
   * index) and indexed; index entries whose letter left the list are removed, as are list entries
   * of cases gone or no longer DELIVERY_FAILED (deleted or edited by hand). Each letter is one
   * script that checks the list in the same step, so a move made meanwhile wins.
   */
  async repairShard(shardNumber: number, full: boolean): Promise<IndexRepair> {
    const shard = this.#context.keys.shard(shardNumber);
    const repair: IndexRepair = { indexed: 0, removed: 0 };
    const names = await this.indexesOf(shard);
    if (!full) {
      const [listed, ...counts] = await Promise.all([
        this.#redis.zcard(shard.deadLetters),
        ...names.map((n) => this.#redis.zcard(n.key)),
      ]);
      if (listed === counts.reduce((a, b) => a + b, 0)) return repair;
    }
    const keys = names.map((n) => n.key);
    const unindexed = positionsOf(
      (await this.#redis.call(
        'ZDIFF',
        1 + keys.length,
        shard.deadLetters,
        ...keys,
        'WITHSCORES',
      )) as unknown[],
    );
    for (const letter of unindexed) {
      const record = await this.#reader.get(letter.caseId);
      const routed = record && record.kind !== 'joint-parent' ? record : undefined;
      if (routed?.status === 'DELIVERY_FAILED') {
        const stored = routed.storedFailureReason;
        const reason = stored && openFailureReason(this.#context.sealer, stored, routed.id).reason;
        const kind = failureKindOf(reason);
        const done = await this.#reindex(shard, routed.route.adapter, letter, kind);
        if (done === 'indexed') repair.indexed += 1;
      } else if ((await this.#reindex(shard, '', letter, undefined)) === 'removed') {
        repair.removed += 1;
      }
    }
    for (const name of names) {
      const orphans = (await this.#redis.call('ZDIFF', 2, name.key, shard.deadLetters)) as string[];
      for (const caseId of orphans.flat().map(String)) {
        const done = await this.#reindex(shard, name.adapter, { caseId, failedAtMs: 0 }, undefined);
        if (done === 'removed') repair.removed += 1;
      }
    }
    return repair;
  }

  /** reindex-dead-letter.lua for one letter: into the index of `kind`, or out (undefined). */
  #reindex(
    shard: ShardKeys,
    adapter: string,
    letter: DeadLetterPosition,
    kind: FailureKindKey | undefined,
  ): Promise<string> {
    const place = kind === undefined ? 0 : FAILURE_KINDS.indexOf(kind) + 1;
    return runScript(
      this.#redis,
      CASE_SCRIPTS.reindexDeadLetter,
      [this.#context.keys.case(letter.caseId), shard.deadLetters, ...indexKeys(shard, adapter)],
      [letter.caseId, place, kind === undefined ? '' : letter.failedAtMs],
    ) as Promise<string>;
  }
}
