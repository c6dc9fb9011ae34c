// A resharding never loses a case (gateway/README.md#redis-cluster): on a private 3-master cluster
// (tests/support/redis-cluster.ts) a shard's slot is put halfway through a migration by hand —
// target IMPORTING, source MIGRATING, and only some of the slot's keys MIGRATEd — and the outbox
// relay's claim runs then. A key the claim script reads without declaring it is, during the
// migration, either refused (Redis 7: "non local key") or read as missing on the node the script
// runs on; the relay must still queue the case and keep its entry until its job exists, and drop
// only an entry whose case is gone from both nodes. A submission to that shard cannot run while
// its keys are split between the nodes: it is refused (503), never half-stored, and its retry with
// the same key is one case. A submission or province event refused so stays refused: nothing of it
// is stored once the move ends right after its 503 (the http connection gives up on the refusals
// before its command timeout, so ioredis re-sends nothing after the 503). Real gateway and BullMQ
// queues on the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { CASE_SCRIPTS } from '../../gateway/cases/case-scripts.ts';
import type { LuaScript } from '../../gateway/shared/lua-script.ts';
import { idempotencyKeyHash } from '../../gateway/cases/idempotency-key.ts';
import { relayBatch } from '../../gateway/queues/outbox-relay.ts';
import { redisKeys, shardOfCase, shardOfKeyHash } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { readCase, submit } from '../support/case-flow.ts';
import {
  startRedisCluster,
  startSlotMigration,
  type RedisClusterHandle,
  type SlotMigration,
} from '../support/redis-cluster.ts';

let cluster: RedisClusterHandle;
let gw: ApiGateway;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  // No relay beside it: each test relays its shard itself, mid-migration.
  gw = await startApiGateway({}, { redisUrl: cluster.url, relay: false });
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await cluster?.stop();
});

const keys = () => redisKeys(gw.config.keyPrefix, gw.config.redisShards);
const jobOf = async (adapter: string, caseId: string) =>
  gw.services.queues.queue(adapter).getJob(caseId);
const inOutbox = async (caseId: string) =>
  (await gw.services.redis.zscore(keys().shardOf(caseId).outbox, caseId)) !== null;

/** Runs `during` with the slot of `caseId`'s shard halfway migrated, then completes the move. */
async function midMigration(
  caseId: string,
  during: (migration: SlotMigration) => Promise<void>,
): Promise<void> {
  const migration = await startSlotMigration(cluster, keys().shardOf(caseId).outbox);
  try {
    await during(migration);
  } finally {
    await migration.finish();
  }
}

describe('the outbox relay while a shard slot is migrating', () => {
  it('queues a case whose hash was migrated to the target while its outbox stayed on the source, and removes its entry', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    await midMigration(caseId, async (migration) => {
      await migration.move(keys().case(caseId));
      expect(await relayBatch(gw.services, shardOfCase(caseId), Date.now())).toBe(1);
      expect((await jobOf('sc-chengdu', caseId))?.data).toEqual({ caseId });
      expect(await inOutbox(caseId)).toBe(false);
    });
  });

  it('queues a case whose outbox was migrated to the target while its hash stayed on the source, and removes its entry', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    await midMigration(caseId, async (migration) => {
      await migration.move(keys().shardOf(caseId).outbox);
      expect(await relayBatch(gw.services, shardOfCase(caseId), Date.now())).toBe(1);
      expect((await jobOf('sc-chengdu', caseId))?.data).toEqual({ caseId });
      expect(await inOutbox(caseId)).toBe(false);
    });
  });

  it('queues both children of a joint case whose first child was migrated ahead of its parent and sibling', async () => {
    const { caseId } = await submit(gw, 'RS-006', {}, 'portal-sc');
    const parent = await gw.services.store.get(caseId);
    const children = parent?.kind === 'joint-parent' ? parent.children : [];
    expect(children).toHaveLength(2);
    const adapters = await Promise.all(
      children.map(async (id) => {
        const child = await gw.services.store.get(id);
        return child?.kind === 'joint-child' ? child.route.adapter : '';
      }),
    );
    await midMigration(caseId, async (migration) => {
      await migration.move(keys().case(children[0]!));
      expect(await relayBatch(gw.services, shardOfCase(caseId), Date.now())).toBe(1);
      for (const [i, id] of children.entries()) {
        expect((await jobOf(adapters[i]!, id))?.data).toEqual({ caseId: id });
      }
      expect(await inOutbox(caseId)).toBe(false);
    });
  });

  it('drops the outbox entry of a case deleted from both nodes during the migration, queueing no job', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    await midMigration(caseId, async (migration) => {
      await migration.move(keys().case(caseId));
      // Gone from the target (where it moved) and so from both: a case retention removed.
      await gw.services.redis.del(keys().case(caseId));
      expect(await relayBatch(gw.services, shardOfCase(caseId), Date.now())).toBe(1);
      expect(await jobOf('sc-chengdu', caseId)).toBeUndefined();
      expect(await inOutbox(caseId)).toBe(false);
    });
  });
});

/** An Idempotency-Key of `shard`: create-case.lua's keys are then that shard's slot's. */
function keyOfShard(shard: number): string {
  for (let i = 0; ; i++) {
    const candidate = `split-slot-${i}-${Date.now()}`;
    if (shardOfKeyHash(idempotencyKeyHash(candidate), gw.config.redisShards) === shard) {
      return candidate;
    }
  }
}

/**
 * How long ioredis's Cluster, with its defaults, goes on re-sending a command it was refused
 * with TRYAGAIN (maxRedirections 16 × retryDelayOnTryAgain 100 ms) from its first send, with a
 * margin: a write still under way in the background lands within it.
 */
const DEFAULT_TRYAGAIN_WINDOW_MS = 16 * 100 + 400;

/**
 * Loads `script` on every master, as a gateway that has run a while has: a command re-sent after
 * the move would otherwise be refused NOSCRIPT by the target and store nothing for that reason.
 */
async function loadEverywhere(script: LuaScript): Promise<void> {
  const redis = gw.services.redis;
  if (!(redis instanceof Cluster)) throw new Error('the gateway is not on the cluster');
  await Promise.all(redis.nodes('master').map(async (node) => node.script('LOAD', script.lua)));
}

/** Fails as soon as `stored()` is true, checking every 50 ms until `windowMs` has passed. */
async function staysAbsent(windowMs: number, stored: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + windowMs;
  for (;;) {
    expect(await stored()).toBe(false);
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a submission while its shard slot is migrating', () => {
  it('is answered 503 while the slot is split between two nodes, and its retry with the same key is one case once the slot has moved', async () => {
    const { caseId: earlier } = await submit(gw, 'SW-001', {}, 'portal-yn');
    const shard = shardOfCase(earlier);
    const key = keyOfShard(shard);
    const client = gw.client('portal-yn');
    const envelope = validExample('SW-001');
    await midMigration(earlier, async (migration) => {
      await migration.move(keys().case(earlier));
      const refused = await client.submitCase(envelope, key);
      expect(refused.status).toBe(503);
      // Not half-stored: no outbox entry (the one write adds it with the case).
      expect(await gw.services.redis.zrange(keys().shard(shard).outbox, '0', '-1')).toEqual([
        earlier,
      ]);
    });
    const taken = await client.submitCase<{ caseId: string }>(envelope, key);
    expect(taken.status).toBe(202);
    const again = await client.submitCase<{ caseId: string }>(envelope, key);
    expect(again.body.caseId).toBe(taken.body.caseId);
    expect(shardOfCase(taken.body.caseId)).toBe(shard);
    expect((await gw.services.redis.zrange(keys().shard(shard).outbox, '0', '-1')).sort()).toEqual(
      [earlier, taken.body.caseId].sort(),
    );
  });

  // The command refused here is the Idempotency-Key's look-up (MGET of the record's two names,
  // absent on both nodes: TRYAGAIN), before create-case.lua: nothing could be stored late. Kept
  // so it stays so; the province event below is a write refused and re-sent.
  it('stores nothing of a submission answered 503 while the slot was split when the move ends right after the 503, and its retry with the same key is one case', async () => {
    const { caseId: earlier } = await submit(gw, 'SW-001', {}, 'portal-yn');
    const shard = shardOfCase(earlier);
    const key = keyOfShard(shard);
    const record = keys().idempotency('portal-yn', idempotencyKeyHash(key));
    const outbox = async () => gw.services.redis.zrange(keys().shard(shard).outbox, '0', '-1');
    const client = gw.client('portal-yn');
    const envelope = validExample('SW-001');
    const before = (await outbox()).sort();
    await loadEverywhere(CASE_SCRIPTS.createCase);
    const migration = await startSlotMigration(cluster, keys().shardOf(earlier).outbox);
    try {
      await migration.move(keys().case(earlier));
      const refused = await client.submitCase(envelope, key);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
    } finally {
      // At once: a command ioredis still re-sent after the 503 would now run, on the target.
      await migration.finish();
    }
    // Neither the idempotency record nor a case in the outbox, for as long as ioredis's own
    // retries could have gone on.
    await staysAbsent(DEFAULT_TRYAGAIN_WINDOW_MS, async () => {
      const [exists, queued] = await Promise.all([gw.services.redis.exists(record), outbox()]);
      return exists !== 0 || queued.length !== before.length;
    });
    expect((await outbox()).sort()).toEqual(before);
    const taken = await client.submitCase<{ caseId: string }>(envelope, key);
    expect(taken.status).toBe(202);
    const again = await client.submitCase<{ caseId: string }>(envelope, key);
    expect(again.body.caseId).toBe(taken.body.caseId);
    expect((await outbox()).sort()).toEqual([...before, taken.body.caseId].sort());
  });
});

describe('a province event while its case slot is split', () => {
  it('records nothing of an event answered 503 while the case envelope was on another node than its hash when the move ends right after the 503, and its retry is recorded once', async () => {
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    const at = new Date().toISOString();
    const report = () =>
      gw
        .client('province-sc-chengdu')
        .request('POST', `/v1/cases/${caseId}/events`, { json: { type: 'accepted', at } });
    const history = async () => gw.services.redis.llen(keys().history(caseId));
    const before = await history();
    await loadEverywhere(CASE_SCRIPTS.transitionCase);
    const migration = await startSlotMigration(cluster, keys().case(caseId));
    try {
      // transition-case.lua's keys are then on two nodes: TRYAGAIN until the move ends.
      expect(await gw.services.redis.exists(keys().envelope(caseId))).toBe(1);
      await migration.move(keys().envelope(caseId));
      const refused = await report();
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
    } finally {
      // At once: a command ioredis still re-sent after the 503 would now run, on the target.
      await migration.finish();
    }
    await staysAbsent(DEFAULT_TRYAGAIN_WINDOW_MS, async () => {
      const [length, record] = await Promise.all([history(), gw.services.store.get(caseId)]);
      return length !== before || record?.status !== 'ROUTED';
    });
    expect((await report()).status).toBe(200);
    expect((await report()).status).toBe(200);
    const view = await readCase<{ status: string; history: { status: string }[] }>(gw, caseId);
    expect(view.status).toBe('IN_PROGRESS');
    expect(view.history.filter((entry) => entry.status === 'DELIVERED')).toHaveLength(1);
    expect(view.history.filter((entry) => entry.status === 'IN_PROGRESS')).toHaveLength(1);
  });
});
