// A joint parent follows its children in the same atomic step as each child's move
// (gateway/README.md#joint-parent-atomicity): a crash right after a child's move cannot strand it,
// two children moving at once from two processes cannot leave it behind, and a parent left behind
// anyway (by an older gateway, or by hand) is completed by the province's repeated event and by
// the reconciler. Real Redis, real gateway, the RS-006 joint case (重庆 cq + 成都 sc-chengdu).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JointChildCase } from '../../gateway/cases/case-record.ts';
import { createCaseStore, type CaseStore } from '../../gateway/cases/case-store.ts';
import type { MoveName } from '../../gateway/cases/lifecycle.ts';
import { reconcileOnce } from '../../gateway/cases/reconciler.ts';
import { redisKeys, shardOfCase } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { submitJoint as submitFamily } from '../support/case-flow.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { startRedisGate, type RedisGate } from '../support/redis-gate.ts';
import { testRedisUrl, waitFor } from '../support/redis.ts';

let gw: ApiGateway;
const connections: Redis[] = [];
const gates: RedisGate[] = [];
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  for (const c of connections) c.disconnect();
  await Promise.all(gates.map((g) => g.close()));
  await gw.close();
});

const submitJoint = () => submitFamily(gw);

/** A store of its own on a connection of its own: another gateway or worker process. */
function otherProcessStore(
  listeners: Parameters<typeof createCaseStore>[0]['listeners'] = [],
  url = testRedisUrl(),
) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  return createCaseStore({ redis, config: gw.config, listeners, now: () => new Date() });
}

async function child(store: CaseStore, id: string): Promise<JointChildCase> {
  const record = await store.get(id);
  if (record?.kind !== 'joint-child') throw new Error(`${id} is not a joint child`);
  return record;
}

async function moveChild(store: CaseStore, id: string, name: MoveName) {
  const fields: Record<string, string> = name === 'delivered' ? { provinceCaseNo: `P-${id}` } : {};
  return store.move(await child(store, id), name, {
    actor: 'test',
    fields,
    ...(name === 'decided' ? { result: {} } : {}),
  });
}

const statusOf = async (id: string) => (await gw.services.store.get(id))?.status;

function postEvent(adapter: string, caseId: string, event: Record<string, unknown>) {
  return gw
    .client(`province-${adapter}`)
    .request<{ status: string; duplicate: boolean }>('POST', `/v1/cases/${caseId}/events`, {
      json: event,
    });
}

/** Puts the parent back where a pre-atomic gateway could have left it: behind its children. */
async function strandParent(parentId: string, status: string): Promise<void> {
  await gw.services.redis.hset(redisKeys(gw.config.keyPrefix).case(parentId), 'status', status);
}

describe('a joint parent and its children', () => {
  it('moves with the child that completes a status, even when the process dies right after that move', async () => {
    const family = await submitJoint();
    // The listeners run after the move is stored: throwing there is the process dying between
    // the child's write and anything that would follow it.
    const dying = otherProcessStore([
      async ({ record }) => {
        if (record.kind === 'joint-child') throw new Error('process killed');
      },
    ]);
    await expect(moveChild(dying, family.cq, 'delivered')).rejects.toThrow('process killed');
    expect(await statusOf(family.parentId)).toBe('ROUTED');
    await expect(moveChild(dying, family.chengdu, 'delivered')).rejects.toThrow('process killed');
    expect(await statusOf(family.chengdu)).toBe('DELIVERED');
    expect(await statusOf(family.parentId)).toBe('DELIVERED');
    const history = await gw.services.store.history(family.parentId);
    expect(history.at(-1)).toMatchObject({
      status: 'DELIVERED',
      actor: 'gateway',
      note: 'every party reached DELIVERED',
    });
  });

  it('ends at the right status when its two children move at the same moment from two processes', async () => {
    // The order in which a read-then-write follower loses an update: 重庆 decides and its process
    // reads the children (成都 still IN_PROGRESS: the parent is due IN_PROGRESS) but has not
    // written yet; 成都 decides and its process reads both DECIDED (the parent is due DECIDED);
    // then the first write lands, and the second — made from the parent status both had read —
    // is refused. Each process talks to Redis through a gate that holds its next script call
    // after its child's move, which forces exactly that order.
    const family = await submitJoint();
    const store = gw.services.store;
    await moveChild(store, family.cq, 'delivered');
    await moveChild(store, family.chengdu, 'delivered');
    await moveChild(store, family.chengdu, 'accepted');
    expect(await statusOf(family.parentId)).toBe('DELIVERED');

    const [gateA, gateB] = [
      await startRedisGate(testRedisUrl()),
      await startRedisGate(testRedisUrl()),
    ];
    gates.push(gateA, gateB);
    const holdAfterChildMove = (gate: RedisGate) => [
      async ({ record }: { record: { kind: string } }) => {
        if (record.kind === 'joint-child') gate.holdNext('evalsha');
      },
    ];
    const a = otherProcessStore(holdAfterChildMove(gateA), gateA.url);
    const b = otherProcessStore(holdAfterChildMove(gateB), gateB.url);
    const settled = (p: Promise<unknown>) => {
      let done = false;
      void p.finally(() => (done = true)).catch(() => undefined);
      return () => done;
    };

    const movedA = moveChild(a, family.cq, 'decided');
    const aDone = settled(movedA);
    await waitFor(() => gateA.holding() || aDone(), { what: '重庆’s process to stop' });
    const movedB = moveChild(b, family.chengdu, 'decided');
    const bDone = settled(movedB);
    await waitFor(() => gateB.holding() || bDone(), { what: '成都’s process to stop' });
    gateA.release();
    await movedA;
    gateB.release();
    await movedB;

    expect(await statusOf(family.cq)).toBe('DECIDED');
    expect(await statusOf(family.chengdu)).toBe('DECIDED');
    expect(await statusOf(family.parentId)).toBe('DECIDED');
  });

  it('follows many families whose children move at once from two processes to the end, where its record and sealed envelope start their retention', async () => {
    const families = await Promise.all(Array.from({ length: 30 }, () => submitJoint()));
    const [a, b] = [otherProcessStore(), otherProcessStore()];
    const parents = () => Promise.all(families.map((f) => statusOf(f.parentId)));
    for (const [move, status] of [
      ['delivered', 'DELIVERED'],
      ['accepted', 'IN_PROGRESS'],
      ['decided', 'DECIDED'],
      ['result-delivered', 'CLOSED'],
    ] as const) {
      await Promise.all(
        families.flatMap((f) => [moveChild(a, f.cq, move), moveChild(b, f.chengdu, move)]),
      );
      expect(await parents()).toEqual(families.map(() => status));
    }
    // The family's one sealed envelope is the parent's: it expires with the closed parent.
    const keys = redisKeys(gw.config.keyPrefix);
    for (const f of families) {
      expect(await gw.services.redis.ttl(keys.case(f.parentId))).toBeGreaterThan(0);
      expect(await gw.services.redis.ttl(keys.envelope(f.parentId))).toBeGreaterThan(0);
    }
  });

  it('is completed by the province repeating the event whose first delivery left it behind', async () => {
    const family = await submitJoint();
    const accepted = () => ({ type: 'accepted', at: new Date().toISOString() });
    const cqEvent = accepted();
    expect((await postEvent('cq', family.cq, cqEvent)).status).toBe(200);
    expect((await postEvent('sc-chengdu', family.chengdu, accepted())).status).toBe(200);
    expect(await statusOf(family.parentId)).toBe('IN_PROGRESS');
    await strandParent(family.parentId, 'DELIVERED');

    const repeat = await postEvent('cq', family.cq, cqEvent);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ status: 'IN_PROGRESS', duplicate: true });
    expect(await statusOf(family.parentId)).toBe('IN_PROGRESS');
    expect((await gw.services.store.history(family.parentId)).at(-1)).toMatchObject({
      status: 'IN_PROGRESS',
      actor: 'gateway',
      note: 'every party reached IN_PROGRESS (completed late)',
    });
  });

  it('is repaired by the reconciler when it is behind its children, and leaves its checks once closed', async () => {
    const family = await submitJoint();
    const store = gw.services.store;
    for (const move of ['delivered', 'accepted'] as const) {
      await moveChild(store, family.cq, move);
      await moveChild(store, family.chengdu, move);
    }
    await strandParent(family.parentId, 'ROUTED');
    const settings = { intervalMs: 1000, ageMs: 0 };
    // What operators alert on (README.md#operations): this gateway's repairs, on its /metrics.
    const repaired = () => seriesValue(`${gw.url}/metrics`, 'gw_reconciler_parents_repaired_total');
    const repairedBefore = await repaired();

    expect((await reconcileOnce(gw.services, settings, gw.services.logger)).parentsRepaired).toBe(
      1,
    );
    expect(await statusOf(family.parentId)).toBe('IN_PROGRESS');
    expect((await store.history(family.parentId)).at(-1)).toMatchObject({
      status: 'IN_PROGRESS',
      note: 'every party reached IN_PROGRESS (completed late)',
    });
    expect(await repaired()).toBe(repairedBefore! + 1);
    const before = (await store.history(family.parentId)).length;
    await reconcileOnce(gw.services, settings, gw.services.logger);
    expect(await store.history(family.parentId)).toHaveLength(before);
    expect(await repaired()).toBe(repairedBefore! + 1);

    for (const move of ['decided', 'result-delivered'] as const) {
      await moveChild(store, family.cq, move);
      await moveChild(store, family.chengdu, move);
    }
    expect(await statusOf(family.parentId)).toBe('CLOSED');
    await reconcileOnce(gw.services, settings, gw.services.logger);
    const shard = shardOfCase(family.parentId);
    expect(await store.jointParentsToCheck(shard, Date.now(), 1000)).not.toContain(family.parentId);
  });
});
