// The dead-letter index (gateway/README.md#dead-letters): per shard, adapter and failure kind, kept
// by the same script step that adds a letter to the list or removes it, so the summary's counts,
// oldest failure and target region, the filtered pages (forwards and the console's backwards) and
// the bulk replay's pick read it instead of every letter. Held against the slow full scan the
// gateway did before (tests/support/dead-letter-scan.ts) after failures, single and bulk replays,
// a second failure of another kind, an outage's 2 100 letters; and the reconciler's repair of what
// a gateway of the previous version wrote without the index (letters stored before it, a rolling
// upgrade's replays and failures, a case deleted by hand). Real gateway and Redis, 16 shards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseDeadLetters } from '../../gateway/admin/dead-letter-summary.ts';
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import { SEALED_FAILURE_REASON_FIELD } from '../../gateway/cases/failure-reason.ts';
import { reconcileOnce, startReconciler } from '../../gateway/cases/reconciler.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { redisKeys, type RedisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import {
  expectAgreesWithFullScan,
  fullScan,
  indexContents,
  walkForward,
} from '../support/dead-letter-scan.ts';
import { storeDeadLetters, submitDeadLetter } from '../support/dead-letters.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { waitFor } from '../support/redis.ts';

const GAVE_UP = 'gave up after 5 attempts: province unreachable (ECONNREFUSED)';
const REFUSED = 'refused: RETCODE -102 字段校验不通过';
const UNREADABLE = 'stored submission unreadable: data key k0 is not listed';
const OTHER = 'socket hang up';

let gw: ApiGateway;
let keys: RedisKeys;
const agree = (pageLimit?: number) =>
  expectAgreesWithFullScan(gw.services.store, gw.services.redis, keys, pageLimit);
const tally = async (adapter: string, kind: string) =>
  (await summariseDeadLetters(gw.services.store)).tallies.find(
    (t) => t.adapter === adapter && t.kind === kind,
  );
const settings = { intervalMs: 1000, ageMs: 60_000 };
const reconcile = (full: boolean) =>
  reconcileOnce(gw.services, settings, gw.services.logger, undefined, full ? 'full' : 'counts');

/** `gw_reconciler_dead_letters_reindexed_total{change}` on the gateway's /metrics. */
const reindexedMetric = async (change: 'indexed' | 'removed') =>
  (await seriesValue(
    `${gw.url}/metrics`,
    'gw_reconciler_dead_letters_reindexed_total',
    `{change="${change}"}`,
  )) ?? Number.NaN;

/** Every index key and name set of every shard, gone: the Redis of a gateway before the index. */
async function dropIndex(): Promise<void> {
  for (const shard of keys.allShards) {
    const names = await gw.services.redis.smembers(shard.deadLetterIndexes);
    for (const key of [...names, shard.deadLetterIndexes]) await gw.services.redis.del(key);
  }
}

beforeAll(async () => {
  gw = await startApiGateway({}, { relay: false });
  keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('the dead-letter index', () => {
  it('counts each adapter and kind with its oldest failure and target region, and pages each, as a full scan does, after failures of two adapters and four kinds', async () => {
    const { store } = gw.services;
    // One through a signed submission (SW-005 routes to yn), the rest straight through the store.
    await submitDeadLetter(gw, 'SW-005', GAVE_UP, `dl-index-${Date.now()}`);
    await storeDeadLetters(store, 2, { adapter: 'yn', reason: GAVE_UP });
    await storeDeadLetters(store, 2, { adapter: 'yn', reason: REFUSED, targetRegion: '530302' });
    await storeDeadLetters(store, 2, { adapter: 'gx', reason: GAVE_UP, targetRegion: '450102' });
    await storeDeadLetters(store, 2, { adapter: 'gx', reason: UNREADABLE, targetRegion: '450103' });
    await storeDeadLetters(store, 1, { adapter: 'gx', reason: OTHER, targetRegion: '450104' });
    const letters = await agree();
    expect(letters).toHaveLength(10);
    expect((await tally('yn', 'gave-up'))?.count).toBe(3);
    expect((await tally('yn', 'refused'))?.targetRegion).toBe('530302');
    expect((await tally('gx', 'other'))?.count).toBe(1);
  });

  it('follows a single replay and a bulk replay: the replayed letters leave their counts and the oldest moves on', async () => {
    const before = await fullScan(gw.services.store, gw.services.redis, keys);
    const ynGaveUp = before.filter((l) => l.adapter === 'yn' && l.kind === 'gave-up');
    const gxGaveUp = before.filter((l) => l.adapter === 'gx' && l.kind === 'gave-up');
    const single = await gw
      .client('operator-dev')
      .request('POST', `/v1/admin/dead-letters/${ynGaveUp[0]!.caseId}/replay`);
    expect(single.status).toBe(200);
    const bulk = await gw
      .client('operator-dev')
      .request<{ replayed: string[]; remaining: number }>('POST', '/v1/admin/dead-letters/replay', {
        json: { adapter: 'gx', kind: 'gave-up', limit: 1 },
      });
    expect(bulk.status).toBe(200);
    expect(bulk.body.replayed).toEqual([gxGaveUp[0]!.caseId]);
    expect(bulk.body.remaining).toBe(1);
    await agree();
    expect(await tally('yn', 'gave-up')).toMatchObject({
      count: 2,
      oldestFailedAtMs: ynGaveUp[1]!.failedAtMs,
    });
    expect(await tally('gx', 'gave-up')).toMatchObject({
      count: 1,
      oldestFailedAtMs: gxGaveUp[1]!.failedAtMs,
    });
  });

  it('moves a replayed letter that fails again, refused this time, from its old kind to its new one', async () => {
    const ids = (await indexContents(gw.services.redis, keys))['gx|unreadable']!;
    const record = (await gw.services.store.get(ids[0]!)) as RoutedCase;
    const replayed = await gw
      .client('operator-dev')
      .request('POST', `/v1/admin/dead-letters/${record.id}/replay`);
    expect(replayed.status).toBe(200);
    const routed = (await gw.services.store.get(record.id)) as RoutedCase;
    expect(
      (await recordDeliveryFailed(gw.services.store, routed, { adapterId: 'gx', reason: REFUSED }))
        .ok,
    ).toBe(true);
    const index = await indexContents(gw.services.redis, keys);
    expect(index['gx|unreadable']).toEqual([ids[1]]);
    expect(index['gx|refused']).toEqual([record.id]);
    await agree();
  });

  it('counts a letter under the kind it failed with without opening its reason, also once the reason no longer opens', async () => {
    const [id] = (await indexContents(gw.services.redis, keys))['yn|refused']!;
    const key = keys.case(id!);
    const sealed = await gw.services.redis.hget(key, SEALED_FAILURE_REASON_FIELD);
    // A seal of a retired data key, or changed bytes: opening it would read as 'other'.
    await gw.services.redis.hset(key, SEALED_FAILURE_REASON_FIELD, 'AAAA');
    try {
      expect((await tally('yn', 'refused'))?.count).toBe(2);
      expect(await walkForward(gw.services.store, { adapter: 'yn', kind: 'refused' }, 5)).toContain(
        id,
      );
    } finally {
      await gw.services.redis.hset(key, SEALED_FAILURE_REASON_FIELD, sealed!);
    }
  });

  it('holds on its first filtered page the letters of one adapter behind 2 100 older letters of another, and bulk-replays the oldest of them', async () => {
    await storeDeadLetters(gw.services.store, 2100, { adapter: 'gx', reason: GAVE_UP });
    const yn = await storeDeadLetters(gw.services.store, 3, { adapter: 'yn', reason: OTHER });
    const ordered = (await fullScan(gw.services.store, gw.services.redis, keys))
      .filter((l) => yn.includes(l.caseId))
      .map((l) => l.caseId);
    const res = await gw.client('operator-readonly').request<{
      items: { caseId: string }[];
      nextCursor: string | null;
    }>('GET', '/v1/admin/dead-letters?adapter=yn&kind=other&limit=10');
    expect(res.status).toBe(200);
    expect(res.body.items.map((d) => d.caseId)).toEqual(ordered);
    expect(res.body.nextCursor).toBeNull();
    const bulk = await gw
      .client('operator-dev')
      .request<{ replayed: string[]; remaining: number }>('POST', '/v1/admin/dead-letters/replay', {
        json: { adapter: 'yn', kind: 'other', limit: 2 },
      });
    expect(bulk.body).toMatchObject({ replayed: ordered.slice(0, 2), remaining: 1 });
    await agree(200);
    // A bound, not a measure: 2.3 s alone, 20 s beside four other engineers' tests (load 12).
  }, 60_000);
});

describe('the dead-letter index repaired by the reconciler', () => {
  it('indexes letters stored before the index once, resuming where an interrupted run stopped: until then the summary says its counts are a lower bound', async () => {
    const letters = await fullScan(gw.services.store, gw.services.redis, keys);
    await dropIndex();
    const bare = await summariseDeadLetters(gw.services.store);
    expect(bare).toMatchObject({ total: 0, complete: false });
    // An interrupted run: two shards done.
    let done = 0;
    for (const shard of [0, 1])
      done += (await gw.services.store.repairDeadLetterIndex(shard, false)).indexed;
    expect(done).toBeGreaterThan(0);
    const before = await reindexedMetric('indexed');
    expect((await reconcile(false)).deadLettersReindexed).toBe(letters.length - done);
    expect((await reconcile(true)).deadLettersReindexed).toBe(0);
    expect((await reindexedMetric('indexed')) - before).toBe(letters.length - done);
    await agree(200);
  });

  it('indexes each letter stored before the index once when the running reconciler’s passes overlap the backfill', async () => {
    const letters = await fullScan(gw.services.store, gw.services.redis, keys);
    await dropIndex();
    const seen = gw.logLines().length;
    const reconciler = startReconciler(
      gw.services,
      { intervalMs: 20, ageMs: 60_000 },
      gw.services.logger,
    );
    try {
      await waitFor(
        async () => (await summariseDeadLetters(gw.services.store)).complete || undefined,
        { what: 'the backfill' },
      );
    } finally {
      await reconciler.stop();
    }
    const indexed = gw
      .logLines()
      .slice(seen)
      .filter((l) => l.msg === 'reconciler put the dead-letter index right')
      .reduce((n, l) => n + Number(l.indexed), 0);
    expect(indexed).toBe(letters.length);
    await agree(200);
  });

  it('puts right in a full check what equal counts hide: a replay and a failure by a gateway of the previous version, the first pass after a start', async () => {
    const { redis, store } = gw.services;
    const index = await indexContents(redis, keys);
    // The old script's replay: status and list, not the index.
    const replayedId = index['gx|refused']![0]!;
    await redis.hset(keys.case(replayedId), 'status', 'ROUTED');
    await redis.zrem(keys.shardOf(replayedId).deadLetters, replayedId);
    // The old script's failure, in the same shard: the list, not the index.
    const shard = keys.shardOf(replayedId);
    const failedId = index['gx|gave-up']!.find((id) => keys.shardOf(id) === shard)!;
    const routed = (await store.get(failedId)) as RoutedCase;
    await redis.zrem(shard.deadLetterIndex('gx', 'gave-up'), failedId);
    expect(routed.status).toBe('DELIVERY_FAILED');
    // The shard's counts agree, so a pass of counts finds nothing to do.
    expect((await reconcile(false)).deadLettersReindexed).toBe(0);
    expect((await indexContents(redis, keys))['gx|refused']).toContain(replayedId);

    const reconciler = startReconciler(
      gw.services,
      { intervalMs: 20, ageMs: 60_000 },
      gw.services.logger,
    );
    try {
      await waitFor(
        async () =>
          !(await indexContents(redis, keys))['gx|refused']?.includes(replayedId) || undefined,
        { what: 'the first pass repairing the index' },
      );
    } finally {
      await reconciler.stop();
    }
    const repaired = await indexContents(redis, keys);
    expect(repaired['gx|gave-up']).toContain(failedId);
    await agree(200);
  });

  it('takes out of the list a letter stored before the index whose case was deleted by hand', async () => {
    const { redis } = gw.services;
    const [gone] = (await indexContents(redis, keys))['gx|other']!;
    const total = (await summariseDeadLetters(gw.services.store)).total;
    await dropIndex();
    await redis.del(keys.case(gone!));
    const before = await reindexedMetric('removed');
    expect((await reconcile(false)).deadLettersReindexed).toBe(total);
    expect((await reindexedMetric('removed')) - before).toBe(1);
    expect(await redis.zscore(keys.shardOf(gone!).deadLetters, gone!)).toBeNull();
    expect((await summariseDeadLetters(gw.services.store)).total).toBe(total - 1);
    await agree(200);
  });
});
