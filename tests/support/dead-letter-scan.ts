// The dead letters as the gateway read them before the dead-letter index (gateway/README.md#dead-letters):
// every shard's list read whole, each case read and its reason opened to classify it. The slow
// full scan the index's tests hold the summary, the filtered pages and the index itself against.
import { expect } from 'vitest';
import {
  deadLetterPage,
  deadLetterPageBefore,
  type DeadLetterPageBefore,
} from '../../gateway/admin/dead-letter-page.ts';
import { summariseDeadLetters } from '../../gateway/admin/dead-letter-summary.ts';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import { parseIndexName, type DeadLetterFilter } from '../../gateway/cases/dead-letter-index.ts';
import {
  compareDeadLetters,
  type DeadLetterPosition,
} from '../../gateway/cases/dead-letter-list.ts';
import { failureKindOf, type FailureKindKey } from '../../gateway/cases/failure-kind.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { RedisKeys } from '../../gateway/shared/redis-keys.ts';

export interface ScannedLetter extends DeadLetterPosition {
  adapter: string;
  kind: FailureKindKey;
  targetRegion: string;
}

/** Every dead letter whose case is DELIVERY_FAILED, oldest first, classified from its opened reason. */
export async function fullScan(
  store: CaseStore,
  redis: RedisClient,
  keys: RedisKeys,
): Promise<ScannedLetter[]> {
  const out: ScannedLetter[] = [];
  for (const shard of keys.allShards) {
    const raw = (await redis.call('ZRANGE', shard.deadLetters, 0, -1, 'WITHSCORES')) as unknown[];
    const flat = raw.flat();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const record = await store.get(String(flat[i]));
      if (!record || record.kind === 'joint-parent' || record.status !== 'DELIVERY_FAILED')
        continue;
      out.push({
        caseId: record.id,
        failedAtMs: Number(flat[i + 1]),
        adapter: record.route.adapter,
        kind: failureKindOf(store.failureReason(record)?.reason),
        targetRegion: record.route.targetRegion,
      });
    }
  }
  return out.sort(compareDeadLetters);
}

/** The index as Redis holds it: `<adapter>|<kind>` → its case ids, oldest first, over every shard. */
export async function indexContents(
  redis: RedisClient,
  keys: RedisKeys,
): Promise<Record<string, string[]>> {
  const found: Record<string, DeadLetterPosition[]> = {};
  for (const shard of keys.allShards) {
    for (const key of await redis.smembers(shard.deadLetterIndexes)) {
      const name = parseIndexName(shard, key);
      if (!name) throw new Error(`${key} is not an index name`);
      const raw = (await redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')) as unknown[];
      const flat = raw.flat();
      expect(flat.length, `${key} is named but empty`).toBeGreaterThan(0);
      for (let i = 0; i + 1 < flat.length; i += 2) {
        (found[`${name.adapter}|${name.kind}`] ??= []).push({
          caseId: String(flat[i]),
          failedAtMs: Number(flat[i + 1]),
        });
      }
    }
  }
  return Object.fromEntries(
    Object.entries(found).map(([k, v]) => [k, v.sort(compareDeadLetters).map((p) => p.caseId)]),
  );
}

/** The full scan grouped as the index groups it. */
export function grouped(letters: ScannedLetter[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of letters) (out[`${l.adapter}|${l.kind}`] ??= []).push(l.caseId);
  return out;
}

const reader = { unmasked: false, log: createLogger({ level: 'silent', env: 'test' }) };

/** Every page of `filter` from the oldest, `limit` a page: the case ids in order. */
export async function walkForward(
  store: CaseStore,
  filter: DeadLetterFilter,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let after: DeadLetterPosition | undefined;
  do {
    const page = await deadLetterPage(store, reader, { ...filter, after, limit });
    ids.push(...page.items.map((d) => d.caseId));
    after = page.next;
  } while (after);
  return ids;
}

/** Every page of `filter` backwards from past the newest (the console's Older links): in order. */
export async function walkBackward(
  store: CaseStore,
  filter: DeadLetterFilter,
  limit: number,
): Promise<string[]> {
  const pages: string[][] = [];
  let before: DeadLetterPosition | undefined = { failedAtMs: Number.MAX_SAFE_INTEGER, caseId: '' };
  while (before) {
    const page: DeadLetterPageBefore = await deadLetterPageBefore(store, reader, {
      ...filter,
      before,
      limit,
    });
    pages.unshift(page.items.map((d) => d.caseId));
    before = page.previous;
  }
  return pages.flat();
}

/**
 * The summary, the index, and forward and backward walks of every adapter and kind (and of each
 * adapter alone and each kind alone) agree with the full scan.
 */
export async function expectAgreesWithFullScan(
  store: CaseStore,
  redis: RedisClient,
  keys: RedisKeys,
  pageLimit = 2,
): Promise<ScannedLetter[]> {
  const letters = await fullScan(store, redis, keys);
  expect(await indexContents(redis, keys)).toEqual(grouped(letters));

  const summary = await summariseDeadLetters(store);
  expect(summary.complete).toBe(true);
  expect(summary.total).toBe(letters.length);
  const expected = Object.entries(grouped(letters)).map(([name, ids]) => {
    const oldest = letters.find((l) => l.caseId === ids[0])!;
    return {
      adapter: oldest.adapter,
      kind: oldest.kind,
      count: ids.length,
      oldestFailedAtMs: oldest.failedAtMs,
      targetRegion: oldest.targetRegion,
      name,
    };
  });
  expect(
    summary.tallies
      .map((t) => ({ ...t, name: `${t.adapter}|${t.kind}` }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  ).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));

  const adapters = [...new Set(letters.map((l) => l.adapter))];
  const kinds = [...new Set(letters.map((l) => l.kind))];
  const filters: DeadLetterFilter[] = [
    ...adapters.flatMap((adapter) => kinds.map((kind) => ({ adapter, kind }))),
    ...adapters.map((adapter) => ({ adapter })),
    ...kinds.map((kind) => ({ kind })),
  ];
  for (const filter of filters) {
    const want = letters
      .filter(
        (l) =>
          (filter.adapter === undefined || l.adapter === filter.adapter) &&
          (filter.kind === undefined || l.kind === filter.kind),
      )
      .map((l) => l.caseId);
    expect(await walkForward(store, filter, pageLimit), JSON.stringify(filter)).toEqual(want);
    expect(await walkBackward(store, filter, pageLimit), JSON.stringify(filter)).toEqual(want);
  }
  return letters;
}
