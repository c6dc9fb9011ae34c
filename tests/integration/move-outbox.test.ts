// A gateway process killed between a move's Lua step and its transition listeners
// (gateway/README.md#outbox-rule): the step — a case's closing, a 差评 opening a rectification, a
// province's move of one — is stored, its process dies before the portal's callback, the 督办 board
// or the rating windows heard of it, and the reconciler of another process tells them, once. The gateway child reaches Redis through
// a gate that holds the listeners' first command, so the kill falls exactly between the two; the
// test process plays the surviving gateway.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { CallbackJobData } from '../../gateway/callbacks/callback-queue.ts';
import { createCaseStore } from '../../gateway/cases/case-store.ts';
import { reconcileOnce } from '../../gateway/cases/reconciler.ts';
import { recordDefaultReRatings } from '../../gateway/rectifications/default-re-ratings.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../gateway/shared/redis-keys.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { close, event, submit, submitJoint } from '../support/case-flow.ts';
import { evaluate, rectificationEvent } from '../support/evaluation-flow.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { startRedisGate, type RedisGate } from '../support/redis-gate.ts';
import { testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';

const HOOK = 'http://127.0.0.1:9/hooks/swgw';
/** SF-009's handling province: 云南. */
const PROVINCE = '53';
const prefix = uniquePrefix('rect-outbox');
let gw: ApiGateway;
let gate: RedisGate;
let queue: Queue<CallbackJobData>;
const children: GatewayProcess[] = [];

beforeAll(async () => {
  gw = await startApiGateway({ GW_KEY_PREFIX: prefix });
  gate = await startRedisGate(testRedisUrl());
  queue = new Queue(CALLBACK_QUEUE, {
    connection: gw.services.redis,
    prefix: redisKeys(prefix).queuePrefix(CALLBACK_QUEUE),
  });
}, 60_000);

afterAll(async () => {
  for (const child of children) await child.kill();
  await queue?.close();
  await gate?.close();
  await gw?.close();
});

const keys = () => redisKeys(prefix, gw.config.redisShards);
const reconcile = () =>
  reconcileOnce(gw.services, { intervalMs: 1000, ageMs: 0 }, gw.services.logger);

/** The rectification on the 督办 board: scheduled for a look, counted open, settled. */
async function onBoard(id: string) {
  const board = keys().supervision;
  const [scheduled, record] = await Promise.all([
    gw.services.redis.zscore(board.due, `rectification:${id}`),
    gw.services.redis.hgetall(board.subject('rectification', id)),
  ]);
  return { scheduled: scheduled !== null, open: record.open === '1', settled: !!record.settled };
}

async function outbox(): Promise<string[]> {
  return gw.services.redis.zrange(keys().rating(PROVINCE).rectificationOutbox, '0', '-1');
}

/** The status callbacks of a case, in sequence order: job id and status. */
async function caseJobs(caseId: string) {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs
    .flatMap((j) =>
      j.id?.startsWith(`status-${caseId}-`) && 'status' in j.data
        ? [{ id: j.id, status: j.data.status, sequence: j.data.sequence }]
        : [],
    )
    .sort((a, b) => a.sequence - b.sequence);
}

/** When the default rating of the case's handling party falls due (ms), if it is to. */
async function ratingWindow(caseId: string): Promise<string | null> {
  return gw.services.redis.zscore(keys().rating(PROVINCE).windows, `${caseId}|handling`);
}

/** The move outbox entries of a case and, for a joint parent, of its children. */
async function moveOutbox(caseId: string): Promise<string[]> {
  const shard = keys().shardOf(caseId);
  return (await gw.services.redis.zrange(shard.moveOutbox, '0', '-1')).filter(
    (e) => e.startsWith(`${caseId}|`) || e.startsWith(`${caseId}-`),
  );
}

async function rectificationJobs(id: string) {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs
    .filter((j) => j.id?.startsWith(`rectification-${id}-`))
    .map((j) => ({ id: j.id, status: 'body' in j.data ? j.data.body.status : undefined }));
}

/**
 * A gateway process on the same keys whose Redis connection is held at its first command
 * containing `pattern`; `request` is sent to it, and once the gate holds, the process is killed.
 */
async function killedAt(
  pattern: string,
  request: (child: ApiGateway) => Promise<unknown>,
): Promise<void> {
  // It compiles the whole catalogue at start: on a loaded machine that takes a while.
  const child = await startGatewayProcess(
    prefix,
    { REDIS_URL: gate.url, LOG_LEVEL: 'silent' },
    { readyWithinMs: 90_000 },
  );
  children.push(child);
  const viaChild = {
    ...gw,
    client: (id: string) => new GatewayClient(child.url, { clientId: id, secret: devSecret(id) }),
  };
  gate.holdNext(pattern);
  const answered = request(viaChild).then(
    () => 'answered',
    () => 'no answer',
  );
  await waitFor(async () => gate.holding(), { timeoutMs: 15_000, what: 'the listener held' });
  await child.kill();
  // What was held dies with the process: cut its connections before the gate forgets the hold.
  gate.cut();
  gate.release();
  expect(await answered).toBe('no answer');
}

/**
 * An SF-009 case of the 四川 portal, with a callback URL, once its ROUTED callback is queued: the
 * relay queues it after the delivery job, so a test comparing callback lists before and after a
 * move would otherwise see it arrive in between on a loaded machine.
 */
async function routedCase(): Promise<string> {
  const { caseId } = await submit(gw, 'SF-009', { callbackUrl: HOOK });
  await waitFor(async () => (await caseJobs(caseId)).some((j) => j.status === 'ROUTED'), {
    timeoutMs: 15_000,
    what: 'the ROUTED callback queued',
  });
  return caseId;
}

/** A closed SF-009 case of the 四川 portal, with a callback URL. */
async function closedCase(): Promise<string> {
  const caseId = await routedCase();
  await close(gw, 'province-yn', caseId, new Date().toISOString());
  return caseId;
}

describe('a case whose listeners died with their process', () => {
  it('closed by a province event whose gateway was killed before the callback and the rating window: the reconciler of another process queues the one callback and opens the window', async () => {
    const caseId = await routedCase();
    const at = new Date().toISOString();
    await event(gw, 'province-yn', caseId, 'accepted', at);
    await event(gw, 'province-yn', caseId, 'decided', at, { result: { decision: 'approved' } });
    const decided = await caseJobs(caseId);
    expect(decided.at(-1)?.status).toBe('DECIDED');

    // The callback listener comes first: its job id names the case's closing entry.
    await killedAt(`status-${caseId}-`, (child) =>
      event(child, 'province-yn', caseId, 'result-delivered', at),
    );
    expect((await gw.services.store.get(caseId))?.status).toBe('CLOSED');
    // Stored, and nobody heard: no CLOSED callback, no rating window (so no default rating ever).
    expect(await caseJobs(caseId)).toEqual(decided);
    expect(await ratingWindow(caseId)).toBeNull();

    const pass = await reconcile();
    const closed = await caseJobs(caseId);
    expect(closed.slice(0, -1)).toEqual(decided);
    expect(closed.at(-1)?.status).toBe('CLOSED');
    const window = await ratingWindow(caseId);
    const closedAt = Date.parse((await gw.services.store.get(caseId))!.updatedAt);
    // 云南's window: 7 natural days from closing.
    expect(Number(window)).toBe(closedAt + 7 * 86_400_000);
    expect(pass.retold).toBe(1);
    expect(await moveOutbox(caseId)).toEqual([]);

    // Told again, it counts once: the same job, the same window.
    expect((await reconcile()).retold).toBe(0);
    expect(await caseJobs(caseId)).toEqual(closed);
    expect(await ratingWindow(caseId)).toBe(window);
  }, 120_000);

  it('a move told by its own process and told again counts once', async () => {
    const caseId = await closedCase();
    // Told: nothing waits.
    expect(await moveOutbox(caseId)).toEqual([]);
    const jobs = await caseJobs(caseId);
    const window = await ratingWindow(caseId);
    expect(window).not.toBeNull();
    const record = (await gw.services.store.get(caseId))!;
    const stored = (await gw.services.store.history(caseId)).length - 3;
    const entry = `${caseId}|${stored}|result-delivered|DECIDED|${record.updatedAt}`;
    const shard = keys().shardOf(caseId).shard;
    // As a reconciler would that claimed the entry while the listeners were still at work.
    expect(await gw.services.store.retellMove(shard, entry)).toBe('told');
    expect(await gw.services.store.retellMove(shard, entry)).toBe('told');
    expect(await caseJobs(caseId)).toEqual(jobs);
    expect(await ratingWindow(caseId)).toBe(window);
  });
});

describe("a joint parent's follow", () => {
  it('enters the move outbox with its child, leaves it once told, and is told again when its listeners failed', async () => {
    const family = await submitJoint(gw);
    const deliver = async (store: typeof gw.services.store, id: string) => {
      const record = await store.get(id);
      return store.move(record!, 'delivered', { actor: 'test', fields: { provinceCaseNo: 'P1' } });
    };
    await deliver(gw.services.store, family.cq);
    // Told by its own process: nothing waits, for the child or the parent.
    expect(await moveOutbox(family.parentId)).toEqual([]);

    // A store whose listeners fail (its process dying there): the child's move and the
    // parent's follow stay in the outbox.
    const failing = createCaseStore({
      redis: gw.services.redis,
      config: gw.config,
      now: () => new Date(),
      listeners: [
        () => {
          throw new Error('process killed');
        },
      ],
    });
    await expect(deliver(failing, family.chengdu)).rejects.toThrow('process killed');
    expect((await gw.services.store.get(family.parentId))?.status).toBe('DELIVERED');
    const waiting = await moveOutbox(family.parentId);
    expect(waiting.map((e) => e.split('|').slice(0, 1).concat(e.split('|').slice(2, 4)))).toEqual(
      expect.arrayContaining([
        [family.chengdu, 'delivered', 'ROUTED'],
        [family.parentId, 'parent-followed', 'ROUTED'],
      ]),
    );
    expect(waiting).toHaveLength(2);
    expect((await reconcile()).retold).toBeGreaterThanOrEqual(2);
    expect(await moveOutbox(family.parentId)).toEqual([]);
  });
});

describe('a rectification whose listeners died with their process', () => {
  it('opened by a 差评 whose gateway was killed before 督办 tracked it: the reconciler of another process tracks it, once', async () => {
    const caseId = await closedCase();
    // The opener's first 督办 command names the rectification's board record.
    await killedAt(':subject:rectification:', (child) =>
      evaluate(child, caseId, { level: 1, rated: 'handling' }),
    );
    const rated = await gw.services.evaluations.get(PROVINCE, caseId, 'handling');
    const id = rated?.rectificationId;
    expect(id).toMatch(/^RC53/);
    // The Lua step stored it; nothing supervises it.
    expect((await gw.services.rectifications.get(id!))?.status).toBe('OPEN');
    expect(await onBoard(id!)).toEqual({ scheduled: false, open: false, settled: false });

    const pass = await reconcile();
    expect(await onBoard(id!)).toEqual({ scheduled: true, open: true, settled: false });
    expect(pass.retold).toBe(1);
    expect(await outbox()).toEqual([]);
    const opened = (await gw.services.board.gauges()).filter(
      (g) => g.kind === 'rectification' && g.state === 'open',
    );
    // Told again, it counts once: nothing left to tell, and the gauge stays at one.
    expect((await reconcile()).retold).toBe(0);
    expect(
      (await gw.services.board.gauges()).filter(
        (g) => g.kind === 'rectification' && g.state === 'open',
      ),
    ).toEqual(opened);
  }, 120_000);

  it('moved by a province whose gateway was killed before the callback and the settling: the reconciler queues the one callback and settles it', async () => {
    const caseId = await closedCase();
    const res = await evaluate(gw, caseId, { level: 2, rated: 'handling' });
    const id = res.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
    expect(await rectificationJobs(id)).toEqual([
      { id: `rectification-${id}-2`, status: 'VISITED' },
    ]);
    expect(await outbox()).toEqual([]);

    // The callback listener comes first; its job id names this rectification's third entry.
    await killedAt(`rectification-${id}-3`, (child) =>
      rectificationEvent(child, id, 'rectified', '已简化材料清单'),
    );
    expect((await gw.services.rectifications.get(id))?.status).toBe('RECTIFIED');
    expect(await rectificationJobs(id)).toHaveLength(1);
    expect(await onBoard(id)).toMatchObject({ scheduled: true, settled: false });

    const pass = await reconcile();
    expect((await rectificationJobs(id)).sort((a, b) => a.id!.localeCompare(b.id!))).toEqual([
      { id: `rectification-${id}-2`, status: 'VISITED' },
      { id: `rectification-${id}-3`, status: 'RECTIFIED' },
    ]);
    expect(await onBoard(id)).toEqual({ scheduled: false, open: true, settled: true });
    expect(pass.retold).toBe(1);
    expect(await outbox()).toEqual([]);
  }, 120_000);

  it('explained by a province whose gateway was killed before its listeners: the re-rating window is open all the same (the move’s own step), and the default re-rating closes it when it ends', async () => {
    const caseId = await closedCase();
    const res = await evaluate(gw, caseId, { level: 2, rated: 'handling' });
    const id = res.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
    await killedAt(`rectification-${id}-3`, (child) =>
      rectificationEvent(child, id, 'explained', '按规定需原件'),
    );
    const explained = (await gw.services.rectifications.get(id))!;
    expect(explained.status).toBe('EXPLAINED');
    // Nobody heard of the move, yet its window is there: 7 natural days from the move.
    expect(await outbox()).toEqual([`${id}|3|explained`]);
    const movedAt = (await gw.services.rectifications.history(id)).at(-1)!.at;
    const ends = Date.parse(movedAt) + 7 * 86_400_000;
    expect(explained.reRatingDueAt).toBe(new Date(ends).toISOString());
    expect(await gw.services.rectifications.reRatingWindows.endOf(PROVINCE, id)).toBe(ends);

    expect((await reconcile()).retold).toBe(1);
    const pass = (atMs: number) =>
      recordDefaultReRatings(
        {
          rectifications: gw.services.rectifications,
          policy: gw.services.policy,
          provinces: [PROVINCE],
          log: gw.services.logger,
          now: () => new Date(atMs),
        },
        atMs,
      );
    // (Other tests' rectifications here may be re-rated too: this one's status is what counts.)
    await pass(ends - 1);
    expect((await gw.services.rectifications.get(id))?.status).toBe('EXPLAINED');
    await pass(ends);
    expect((await gw.services.rectifications.get(id))?.reRating).toMatchObject({
      level: 3,
      source: 'default',
    });
    expect((await rectificationJobs(id)).sort((a, b) => a.id!.localeCompare(b.id!))).toEqual([
      { id: `rectification-${id}-2`, status: 'VISITED' },
      { id: `rectification-${id}-3`, status: 'EXPLAINED' },
      { id: `rectification-${id}-4`, status: 'CLOSED' },
    ]);
    expect(await outbox()).toEqual([]);
  }, 120_000);

  it('a move told by its own process and told again counts once', async () => {
    const caseId = await closedCase();
    const res = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    const id = res.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
    const gauge = async () =>
      (await gw.services.board.gauges()).find(
        (g) => g.kind === 'rectification' && g.state === 'open',
      )?.count;
    const before = await gauge();
    // As a reconciler would that claimed the entries while the listeners were still at work.
    for (const entry of [`${id}|1|opened`, `${id}|2|visited`, `${id}|2|visited`]) {
      expect(await gw.services.rectifications.retell(PROVINCE, entry)).toBe('told');
    }
    expect(await rectificationJobs(id)).toEqual([
      { id: `rectification-${id}-2`, status: 'VISITED' },
    ]);
    expect(await gauge()).toBe(before);
    expect(await onBoard(id)).toEqual({ scheduled: true, open: true, settled: false });
  });
});
