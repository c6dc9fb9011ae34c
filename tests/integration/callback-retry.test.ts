// A portal callback whose add to the callbacks queue Redis answered with an error
// (gateway/README.md#outbox-rule): the move's request answers as it always did, the move stays in
// its outbox, and the reconciler queues the callback, once. A callback that can never be made (its
// sealed result does not open) is dropped after one telling, with an error line. Redis refuses the
// add for real: the callbacks queue's job counter, which BullMQ's add script INCRs before anything
// else, is made a list for the move under test (WRONGTYPE), and restored after it.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackJobData } from '../../gateway/callbacks/callback-queue.ts';
import { reconcileOnce } from '../../gateway/cases/reconciler.ts';
import { relayShard } from '../../gateway/queues/outbox-relay.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { event, submit } from '../support/case-flow.ts';
import { evaluate, rectificationEvent } from '../support/evaluation-flow.ts';
import { uniquePrefix } from '../support/redis.ts';

const HOOK = 'http://127.0.0.1:9/hooks/swgw';
/** SF-009's handling province: 云南. */
const PROVINCE = '53';
const prefix = uniquePrefix('callback-retry');
let gw: ApiGateway;
let queue: Queue<CallbackJobData>;

beforeAll(async () => {
  // No relay of its own: the test relays (reconcileOnce, relayShard), so no add runs but its own.
  gw = await startApiGateway({ GW_KEY_PREFIX: prefix }, { relay: false });
  queue = new Queue(CALLBACK_QUEUE, {
    connection: gw.services.redis,
    prefix: redisKeys(prefix).queuePrefix(CALLBACK_QUEUE),
  });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await gw?.close();
});

const keys = () => redisKeys(prefix, gw.config.redisShards);
const reconcile = () =>
  reconcileOnce(gw.services, { intervalMs: 1000, ageMs: 0 }, gw.services.logger);

/** Every add to the callbacks queue fails (WRONGTYPE on its job counter) until `mend`. */
async function refuseCallbackAdds(): Promise<void> {
  await gw.services.redis.del(queue.toKey('id'));
  await gw.services.redis.rpush(queue.toKey('id'), 'not a counter');
}
async function mend(): Promise<void> {
  await gw.services.redis.del(queue.toKey('id'));
}

async function jobIds(start: string): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs.flatMap((j) => (j.id?.startsWith(start) ? [j.id] : [])).sort();
}

async function moveOutbox(caseId: string): Promise<string[]> {
  const entries = await gw.services.redis.zrange(keys().shardOf(caseId).moveOutbox, '0', '-1');
  return entries.filter((e) => e.startsWith(`${caseId}|`));
}

async function rectificationOutbox(): Promise<string[]> {
  return gw.services.redis.zrange(keys().rating(PROVINCE).rectificationOutbox, '0', '-1');
}

/** A submitted SF-009 case with a callback URL, relayed: its job and ROUTED callback exist. */
async function routedCase(): Promise<string> {
  const { caseId } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
  await reconcile();
  expect(await jobIds(`status-${caseId}-`)).toEqual([`status-${caseId}-ROUTED`]);
  return caseId;
}

const lines = (msg: string, caseId: string) =>
  gw.logLines().filter((l) => l.msg === msg && l.caseId === caseId);

describe('a case move whose callback Redis refused to queue', () => {
  it('answers as before, keeps the move in its outbox, and the reconciler queues the one callback', async () => {
    const caseId = await routedCase();
    await refuseCallbackAdds();
    try {
      // The request answers 200 as it did, the move stored.
      await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
    } finally {
      await mend();
    }
    expect((await gw.services.store.get(caseId))?.status).toBe('IN_PROGRESS');
    expect(await jobIds(`status-${caseId}-`)).toEqual([`status-${caseId}-ROUTED`]);
    // A province's first event after ROUTED also reports the delivery: two moves, both untold.
    expect((await moveOutbox(caseId)).map((e) => e.split('|')[2])).toEqual([
      'delivered-reported',
      'accepted',
    ]);
    expect(lines('callback not queued; the reconciler will queue it', caseId)).toHaveLength(2);

    expect((await reconcile()).retold).toBe(2);
    expect(await jobIds(`status-${caseId}-`)).toEqual([
      `status-${caseId}-4`,
      `status-${caseId}-5`,
      `status-${caseId}-ROUTED`,
    ]);
    expect(await moveOutbox(caseId)).toEqual([]);
    // A second pass adds nothing.
    expect((await reconcile()).retold).toBe(0);
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(3);
  });

  it('refused again when told again: still kept, and queued once Redis takes it', async () => {
    const caseId = await routedCase();
    await refuseCallbackAdds();
    try {
      await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
      // Told again, deferred again: nothing was queued, so nothing counts as told.
      expect((await reconcile()).retold).toBe(0);
      expect(await moveOutbox(caseId)).toHaveLength(2);
    } finally {
      await mend();
    }
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(1);
    // The reconciler's claim hid the entries for a second: the next pass that finds them queues.
    const shard = keys().shardOf(caseId).shard;
    for (const entry of await moveOutbox(caseId)) {
      expect(await gw.services.store.retellMove(shard, entry)).toBe('told');
    }
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(3);
    expect(await moveOutbox(caseId)).toEqual([]);
  });

  it('whose result no longer opens when told again: dropped for good with an error line, not retried', async () => {
    const caseId = await routedCase();
    const at = new Date().toISOString();
    await event(gw, 'province-yn', caseId, 'accepted', at);
    await event(gw, 'province-yn', caseId, 'decided', at, { result: { decision: 'approved' } });
    await refuseCallbackAdds();
    try {
      await event(gw, 'province-yn', caseId, 'result-delivered', at);
    } finally {
      await mend();
    }
    expect(await moveOutbox(caseId)).toHaveLength(1);
    // Its sealed result spoilt (as under a data key no longer listed): it cannot be opened.
    await gw.services.redis.hset(keys().case(caseId), 'sealedResult', 'AAAAAAAAAAAAAAAA');

    await reconcile();
    expect(await moveOutbox(caseId)).toEqual([]);
    const dropped = lines(
      'callback dropped for good: its result does not open; the portal can still poll',
      caseId,
    );
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.level).toBe(50);
    expect(await jobIds(`status-${caseId}-`)).toEqual([
      `status-${caseId}-4`,
      `status-${caseId}-5`,
      `status-${caseId}-6`,
      `status-${caseId}-ROUTED`,
    ]);
    await reconcile();
    expect(lines(dropped[0]!.msg as string, caseId)).toHaveLength(1);
  });
});

describe('a rectification move whose callback Redis refused to queue', () => {
  it('answers as before, keeps the move in its outbox, and the reconciler queues the one callback', async () => {
    const caseId = await routedCase();
    const at = new Date().toISOString();
    await event(gw, 'province-yn', caseId, 'accepted', at);
    await event(gw, 'province-yn', caseId, 'decided', at, { result: { decision: 'approved' } });
    await event(gw, 'province-yn', caseId, 'result-delivered', at);
    const res = await evaluate(gw, caseId, { level: 2, rated: 'handling' });
    const id = res.body.rectification!.id;
    expect(await rectificationOutbox()).toEqual([]);

    await refuseCallbackAdds();
    try {
      const moved = await rectificationEvent(gw, id, 'visited');
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ status: 'VISITED', duplicate: false });
    } finally {
      await mend();
    }
    expect(await jobIds(`rectification-${id}-`)).toEqual([]);
    expect(await rectificationOutbox()).toEqual([`${id}|2|visited`]);

    expect((await reconcile()).retold).toBe(1);
    expect(await jobIds(`rectification-${id}-`)).toEqual([`rectification-${id}-2`]);
    expect(await rectificationOutbox()).toEqual([]);
    expect((await reconcile()).retold).toBe(0);
    expect(await jobIds(`rectification-${id}-`)).toHaveLength(1);
  });
});

describe("the relay's ROUTED callback refused by Redis", () => {
  it("keeps the submission's outbox entry until the callback is queued", async () => {
    const { caseId } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
    const shard = keys().shardOf(caseId).shard;
    const outbox = () => gw.services.redis.zscore(keys().shard(shard).outbox, caseId);
    expect(await outbox()).not.toBeNull();
    await refuseCallbackAdds();
    try {
      await expect(reconcile()).rejects.toThrow(/WRONGTYPE/);
    } finally {
      await mend();
    }
    expect(await jobIds(`status-${caseId}-`)).toEqual([]);
    expect(await outbox()).not.toBeNull();
    // Claimed for a second by the failed pass: a relay whose cutoff is past its claim takes it.
    await relayShard(gw.services, shard, Date.now() + 60_000, { batch: 100, claimMs: 1000 });
    expect(await jobIds(`status-${caseId}-`)).toEqual([`status-${caseId}-ROUTED`]);
    expect(await outbox()).toBeNull();
  });
});
