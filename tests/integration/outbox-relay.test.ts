// The outbox relay of a worker process (gateway/README.md#outbox-relay) claims every shard waiting
// at once, so a poll's claims of all shards leave together instead of one round trip after
// another. Each shard is still relayed on its own: one that fails does not hold back the others,
// and is tried again by the next poll. A shard's next batch is claimed once the last one's jobs
// exist, without waiting for the rest of that batch (callbacks, links, removal), whose entries
// stay in the outbox until it is done; they leave with the shard's next claim (a nudge's or the
// poll's), in the claim script, not with a ZREM round trip of their own. An entry whose case is
// gone is dropped, with no job. Real gateway and Redis; the relay runs as a worker's does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayBatch, relayOptions, startOutboxRelay } from '../../gateway/queues/outbox-relay.ts';
import { createRedis, redisSettings } from '../../gateway/shared/redis.ts';
import { redisKeys, shardOfCase } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { submit } from '../support/case-flow.ts';
import { monitorRedis } from '../support/redis-monitor.ts';
import { waitFor } from '../support/redis.ts';

let gw: ApiGateway;
beforeAll(async () => {
  // No relay beside it: the test starts its own.
  gw = await startApiGateway({ GW_RELAY_POLL_MS: '50' }, { relay: false });
});
afterAll(async () => {
  await gw?.close();
});

describe('the outbox relay', () => {
  it('relays the entries of every shard while one shard fails, and that one once it heals', async () => {
    const submitted = await Promise.all(
      Array.from({ length: 6 }, async () => (await submit(gw, 'SW-001', {}, 'portal-yn')).caseId),
    );
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const used = new Set(submitted.map(shardOfCase));
    expect(used.size).toBeGreaterThan(1);
    // A shard none of them is in, made to fail: its outbox is not a sorted set (WRONGTYPE).
    const broken = keys.allShards.find((s) => !used.has(s.shard))!;
    await gw.services.redis.set(broken.outbox, 'not a sorted set');
    const relay = startOutboxRelay(
      { ...gw.services, keys, log: gw.services.logger },
      createRedis('worker', redisSettings(gw.config)),
      relayOptions(gw.config),
    );
    try {
      for (const caseId of submitted) {
        await waitFor(
          async () =>
            (await gw.services.queues.queue('sc-chengdu').getJob(caseId)) !== undefined &&
            (await gw.services.redis.zscore(keys.shardOf(caseId).outbox, caseId)) === null,
          { what: `the job of ${caseId}, its outbox entry gone` },
        );
      }
      expect(
        gw
          .logLines()
          .some((l) => l.msg === 'outbox relay failed; will retry' && l.shard === broken.shard),
      ).toBe(true);

      // Healed: an entry waiting in that shard is relayed by a later poll (no nudge sent).
      const late = submitted[0]!;
      await gw.services.redis.del(broken.outbox);
      await gw.services.redis.zadd(broken.outbox, Date.now(), late);
      await waitFor(async () => (await gw.services.redis.zcard(broken.outbox)) === 0, {
        what: 'the healed shard relayed by a poll',
      });
    } finally {
      await relay.stop();
    }
  });

  it("queues a shard's next case while the last batch's callbacks wait, and keeps that batch's entries until they are queued", async () => {
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const { callbacks, queues, redis } = gw.services;
    const jobExists = async (caseId: string) =>
      (await queues.queue('sc-chengdu').getJob(caseId)) !== undefined;
    const inOutbox = async (caseId: string) =>
      (await redis.zscore(keys.shardOf(caseId).outbox, caseId)) !== null;
    // The first batch's callbacks are held until released: its jobs exist, its finishing waits.
    const original = callbacks.enqueueMany.bind(callbacks);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    callbacks.enqueueMany = async (jobs) => {
      if (calls++ === 0) await held;
      await original(jobs);
    };
    const relay = startOutboxRelay(
      { ...gw.services, keys, log: gw.services.logger },
      createRedis('worker', redisSettings(gw.config)),
      relayOptions(gw.config),
    );
    try {
      const first = (await submit(gw, 'SW-001', {}, 'portal-yn')).caseId;
      await waitFor(() => jobExists(first), { what: `the job of ${first}` });
      // A later case of the same shard (one in sixteen lands there).
      let next: string | undefined;
      for (let i = 0; i < 400 && next === undefined; i++) {
        const caseId = (await submit(gw, 'SW-001', {}, 'portal-yn')).caseId;
        if (shardOfCase(caseId) === shardOfCase(first)) next = caseId;
      }
      expect(next).toBeDefined();
      await waitFor(() => jobExists(next!), { what: `the job of ${next!}` });
      // The first batch is still finishing: its entry stays until its callback is queued.
      expect(await inOutbox(first)).toBe(true);

      release();
      await waitFor(async () => !(await inOutbox(first)) && !(await inOutbox(next!)), {
        what: 'both entries removed once the callbacks are queued',
      });
    } finally {
      release();
      callbacks.enqueueMany = original;
      await relay.stop();
    }
  });

  it("removes a finished batch's entries with the shard's next claim, sending no ZREM of its own", async () => {
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const { redis } = gw.services;
    // What reaches Redis from its clients (a script's own commands come from 'lua').
    const monitor = await monitorRedis();
    const relay = startOutboxRelay(
      { ...gw.services, keys, log: gw.services.logger },
      createRedis('worker', redisSettings(gw.config)),
      relayOptions(gw.config),
    );
    try {
      const submitted: string[] = [];
      for (let i = 0; i < 4; i++)
        submitted.push((await submit(gw, 'SW-001', {}, 'portal-yn')).caseId);
      for (const caseId of submitted) {
        await waitFor(
          async () =>
            (await gw.services.queues.queue('sc-chengdu').getJob(caseId)) !== undefined &&
            (await redis.zscore(keys.shardOf(caseId).outbox, caseId)) === null,
          { what: `the job of ${caseId}, its outbox entry gone` },
        );
      }
      // A ZREM of our own outside the prefix: the monitor sees and reads one.
      await redis.zrem('outbox-relay-monitor-probe', 'x');
      await waitFor(
        () =>
          monitor.seen.some(({ args }) => args.join(' ') === 'zrem outbox-relay-monitor-probe x'),
        { what: 'the monitor to see the probe ZREM' },
      );
    } finally {
      await relay.stop();
      monitor.stop();
    }
    const removals = monitor.seen.filter(
      ({ source, args }) => source !== 'lua' && args[0]?.toLowerCase() === 'zrem',
    );
    // The monitor saw this file's commands, so an empty list is not a deaf monitor.
    expect(monitor.seen.some(({ args }) => args[1]?.startsWith(`${gw.config.keyPrefix}:`))).toBe(
      true,
    );
    expect(removals.filter(({ args }) => args[1]?.startsWith(`${gw.config.keyPrefix}:`))).toEqual(
      [],
    );
  });

  it('drops the outbox entry of a case deleted before its claim, queueing no job', async () => {
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const { caseId } = await submit(gw, 'SW-001', {}, 'portal-yn');
    // Gone as retention removes a case: its hash is what the relay reads.
    await gw.services.redis.del(keys.case(caseId));
    expect(await relayBatch(gw.services, shardOfCase(caseId), Date.now())).toBe(1);
    expect(await gw.services.queues.queue('sc-chengdu').getJob(caseId)).toBeUndefined();
    expect(await gw.services.redis.zscore(keys.shardOf(caseId).outbox, caseId)).toBeNull();
  });
});
