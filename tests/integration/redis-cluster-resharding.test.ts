// A resharding never loses a case (gateway/README.md#redis-cluster): on a private 3-master cluster
// (tests/support/redis-cluster.ts) a shard's slot is put halfway through a migration by hand —
// target IMPORTING, source MIGRATING, and only some of the slot's keys MIGRATEd — and the outbox
// relay's claim runs then. A key the claim script reads without declaring it is, during the
// migration, either refused (Redis 7: "non local key") or read as missing on the node the script
// runs on; the relay must still queue the case and keep its entry until its job exists, and drop
// only an entry whose case is gone from both nodes. A submission to that shard cannot run while
// its keys are split between the nodes: it is refused (503), never half-stored, and its retry with
// the same key is one case. Real gateway and BullMQ queues on the cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyHash } from '../../gateway/cases/idempotency-key.ts';
import { relayBatch } from '../../gateway/queues/outbox-relay.ts';
import { redisKeys, shardOfCase, shardOfKeyHash } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { submit } from '../support/case-flow.ts';
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

describe('a submission while its shard slot is migrating', () => {
  it('is answered 503 while the slot is split between two nodes, and its retry with the same key is one case once the slot has moved', async () => {
    const { caseId: earlier } = await submit(gw, 'SW-001', {}, 'portal-yn');
    const shard = shardOfCase(earlier);
    // An Idempotency-Key of the same shard: create-case.lua's keys are then that slot's.
    let key = '';
    for (let i = 0; !key; i++) {
      const candidate = `split-slot-${i}-${Date.now()}`;
      if (shardOfKeyHash(idempotencyKeyHash(candidate), gw.config.redisShards) === shard) {
        key = candidate;
      }
    }
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
});
