// A portal callback whose add to the callbacks queue Redis answered with an error
// (gateway/README.md#outbox-rule): the move's request answers as it always did, the move stays in
// its outbox, and the reconciler queues the callback, once. A callback that can never be made (its
// sealed result does not open) is dropped after one telling, with an error line. Redis refuses the
// add for real: the callbacks queue's job counter, which BullMQ's add script INCRs before anything
// else, is made a list for the move under test (WRONGTYPE), and restored after it. What the
// reconciler did shows on the gateway's /metrics (metrics/reconciler-metrics.ts), and a move stuck
// pass after pass is not warned of again every pass.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackJobData } from '../../gateway/callbacks/callback-queue.ts';
import { reconcileOnce, reconcilerRepeats } from '../../gateway/cases/reconciler.ts';
import { relayShard } from '../../gateway/queues/outbox-relay.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { event, submit } from '../support/case-flow.ts';
import { evaluate, rectificationEvent } from '../support/evaluation-flow.ts';
import { seriesValue } from '../support/metrics-text.ts';
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
const reconcile = (repeats = reconcilerRepeats(gw.services.logger)) =>
  reconcileOnce(gw.services, { intervalMs: 1000, ageMs: 0 }, gw.services.logger, repeats);

/** One series of the gateway's /metrics, as Prometheus scrapes it (NaN when it is not there). */
async function series(name: string, labels = ''): Promise<number> {
  return (await seriesValue(`${gw.url}/metrics`, name, labels)) ?? Number.NaN;
}
const RETOLD = 'gw_reconciler_moves_retold_total';
const RETELLS_FAILED = 'gw_reconciler_retells_failed_total';
const UNTOLD = 'gw_untold_moves';

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
    const [retold, untold] = [
      await series(RETOLD, '{outbox="case"}'),
      await series(UNTOLD, '{outbox="case"}'),
    ];
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
    // Waiting, on every gateway's /metrics: what an alert on a stuck callback watches.
    expect(await series(UNTOLD, '{outbox="case"}')).toBe(untold + 2);

    expect(await reconcile()).toMatchObject({ retold: 2, deferred: 0, failed: 0 });
    expect(await jobIds(`status-${caseId}-`)).toEqual([
      `status-${caseId}-4`,
      `status-${caseId}-5`,
      `status-${caseId}-ROUTED`,
    ]);
    expect(await moveOutbox(caseId)).toEqual([]);
    expect(await series(RETOLD, '{outbox="case"}')).toBe(retold + 2);
    expect(await series(UNTOLD, '{outbox="case"}')).toBe(untold);
    // A second pass adds nothing.
    expect((await reconcile()).retold).toBe(0);
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(3);
    expect(await series(RETOLD, '{outbox="case"}')).toBe(retold + 2);
  });

  it('refused again when told again: still kept, counted as deferred (not as told), and queued once Redis takes it', async () => {
    const caseId = await routedCase();
    const [retold, deferred] = [
      await series(RETOLD, '{outbox="case"}'),
      await series(RETELLS_FAILED, '{outbox="case",reason="deferred"}'),
    ];
    await refuseCallbackAdds();
    try {
      await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
      // Told again, deferred again: nothing was queued, so nothing counts as told.
      expect(await reconcile()).toMatchObject({ retold: 0, deferred: 2, failed: 0 });
      expect(await moveOutbox(caseId)).toHaveLength(2);
    } finally {
      await mend();
    }
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(1);
    expect(await series(RETOLD, '{outbox="case"}')).toBe(retold);
    expect(await series(RETELLS_FAILED, '{outbox="case",reason="deferred"}')).toBe(deferred + 2);
    // The reconciler's claim hid the entries for a second: the next pass that finds them queues.
    const shard = keys().shardOf(caseId).shard;
    await refuseCallbackAdds();
    try {
      for (const entry of await moveOutbox(caseId)) {
        expect(await gw.services.store.retellMove(shard, entry)).toBe('deferred');
      }
    } finally {
      await mend();
    }
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

describe("a joint parent's followed move whose callback Redis refused to queue", () => {
  it("keeps the parent's follow in its outbox, and one reconciler pass queues the parent's one callback", async () => {
    // RS-006 from a 四川 portal with a callback URL: transfer-out 重庆 (cq), transfer-in 成都.
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string; route: { children: { caseId: string; adapter: string }[] } }>(
        { ...validExample('RS-006'), receivingRegion: '510104', callbackUrl: HOOK },
        `joint-callback-${Date.now()}`,
      );
    expect(res.status).toBe(202);
    const parentId = res.body.caseId;
    const [cq, chengdu] = ['cq', 'sc-chengdu'].map(
      (adapter) => res.body.route.children.find((c) => c.adapter === adapter)!.caseId,
    );
    await reconcile();
    const deliver = async (id: string) => {
      const record = await gw.services.store.get(id);
      return gw.services.store.move(record!, 'delivered', {
        actor: 'test',
        fields: { provinceCaseNo: `P-${id}` },
      });
    };
    // The parent follows once both parties have it: the second delivery moves it.
    await deliver(cq!);
    expect((await gw.services.store.get(parentId))?.status).toBe('ROUTED');
    const before = await jobIds(`status-${parentId}-`);
    const retold = await series(RETOLD, '{outbox="case"}');

    await refuseCallbackAdds();
    try {
      expect(await deliver(chengdu!)).toMatchObject({ ok: true, status: 'DELIVERED' });
    } finally {
      await mend();
    }
    expect((await gw.services.store.get(parentId))?.status).toBe('DELIVERED');
    expect(await jobIds(`status-${parentId}-`)).toEqual(before);
    // The child has no callback of its own: its move was heard and left; the parent's waits.
    expect(await moveOutbox(chengdu!)).toEqual([]);
    expect((await moveOutbox(parentId)).map((e) => e.split('|').slice(2, 4))).toEqual([
      ['parent-followed', 'ROUTED'],
    ]);
    expect(lines('callback not queued; the reconciler will queue it', parentId)).toHaveLength(1);

    expect(await reconcile()).toMatchObject({ retold: 1, deferred: 0, failed: 0 });
    const after = await jobIds(`status-${parentId}-`);
    const added = after.filter((id) => !before.includes(id));
    expect(added).toHaveLength(1);
    expect((await queue.getJob(added[0]!))?.data).toMatchObject({
      caseId: parentId,
      status: 'DELIVERED',
    });
    expect(await moveOutbox(parentId)).toEqual([]);
    expect(await series(RETOLD, '{outbox="case"}')).toBe(retold + 1);
    // A second pass adds nothing.
    expect((await reconcile()).retold).toBe(0);
    expect(await jobIds(`status-${parentId}-`)).toEqual(after);
  });
});

describe('a move whose listeners stay stuck pass after pass', () => {
  /** As if the reconciler's claim on the case's entries ran out: the next pass takes them. */
  async function claimRunsOut(caseId: string): Promise<void> {
    const key = keys().shardOf(caseId).moveOutbox;
    for (const entry of await moveOutbox(caseId)) await gw.services.redis.zadd(key, 'XX', 0, entry);
  }
  const since = (from: number, msg: string, shard: number) =>
    gw
      .logLines()
      .slice(from)
      .filter((l) => l.msg === msg && l.shard === shard);

  it('a callback Redis keeps refusing: counted as deferred every pass, its line written once with the passes left out counted', async () => {
    const caseId = await routedCase();
    const shard = keys().shardOf(caseId).shard;
    const deferred = await series(RETELLS_FAILED, '{outbox="case",reason="deferred"}');
    // One gateway's reconciler: its repeated lines outlive its passes (startReconciler).
    const repeats = reconcilerRepeats(gw.services.logger);
    const from = gw.logLines().length;
    await refuseCallbackAdds();
    try {
      await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
      for (let pass = 0; pass < 3; pass++) {
        await claimRunsOut(caseId);
        expect(await reconcile(repeats)).toMatchObject({ retold: 0, deferred: 2 });
      }
    } finally {
      await mend();
    }
    expect(await series(RETELLS_FAILED, '{outbox="case",reason="deferred"}')).toBe(deferred + 6);
    const stuck = since(
      from,
      'reconciler told moves again but a listener deferred again; will retry',
      shard,
    );
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({ moves: 2, level: 40 });
    // Nothing was told while Redis refused: no line says so.
    expect(
      since(from, 'reconciler told the listeners of moves no listener had heard of', shard),
    ).toEqual([]);

    await claimRunsOut(caseId);
    expect(await reconcile(repeats)).toMatchObject({ retold: 2, deferred: 0 });
    expect(
      since(from, 'reconciler told the listeners of moves no listener had heard of', shard),
    ).toMatchObject([{ moves: 2 }]);
    expect(await jobIds(`status-${caseId}-`)).toHaveLength(3);
  });

  it('a retell that fails: counted as an error every pass, its warn line written once', async () => {
    const caseId = await routedCase();
    const shard = keys().shardOf(caseId).shard;
    const errors = await series(RETELLS_FAILED, '{outbox="case",reason="error"}');
    await refuseCallbackAdds();
    try {
      await event(gw, 'province-yn', caseId, 'accepted', new Date().toISOString());
    } finally {
      await mend();
    }
    // The 督办 board's deadlines of the case's shard made a list: a retold move's tracking fails
    // (WRONGTYPE), not deferred. Put back after.
    const deadlines = keys().shardOf(caseId).supervision.deadlines;
    const aside = `${deadlines}:aside`;
    const had = (await gw.services.redis.exists(deadlines)) === 1;
    if (had) await gw.services.redis.rename(deadlines, aside);
    await gw.services.redis.rpush(deadlines, 'not a sorted set');
    const repeats = reconcilerRepeats(gw.services.logger);
    const from = gw.logLines().length;
    try {
      for (let pass = 0; pass < 2; pass++) {
        await claimRunsOut(caseId);
        expect(await reconcile(repeats)).toMatchObject({ retold: 0, failed: 2 });
      }
    } finally {
      await gw.services.redis.del(deadlines);
      if (had) await gw.services.redis.rename(aside, deadlines);
    }
    expect(await series(RETELLS_FAILED, '{outbox="case",reason="error"}')).toBe(errors + 4);
    const failed = since(from, 'move not told again; will retry', shard);
    expect(failed).toHaveLength(1);
    expect(String((failed[0]?.err as { message?: unknown } | undefined)?.message)).toMatch(
      /WRONGTYPE/,
    );

    await claimRunsOut(caseId);
    expect(await reconcile(repeats)).toMatchObject({ retold: 2, failed: 0 });
    expect(await moveOutbox(caseId)).toEqual([]);
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
    expect(await series(UNTOLD, '{outbox="rectification"}')).toBe(1);
    const retold = await series(RETOLD, '{outbox="rectification"}');

    expect((await reconcile()).retold).toBe(1);
    expect(await jobIds(`rectification-${id}-`)).toEqual([`rectification-${id}-2`]);
    expect(await rectificationOutbox()).toEqual([]);
    expect(await series(RETOLD, '{outbox="rectification"}')).toBe(retold + 1);
    expect(await series(UNTOLD, '{outbox="rectification"}')).toBe(0);
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
