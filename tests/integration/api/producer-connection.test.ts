// BullMQ's queues in the gateway stay off its batched connection (shared/redis.ts,
// producerConnection): BullMQ defines its scripts as commands on the connection it is given, and
// the gateway's own connection keeps none (with ioredis's auto-pipelining, which it used before,
// every defined command was copied onto each auto-pipeline, and a definition made while one was
// open could misalign its answers, ioredis #1931). The gateway's submissions, a delivery job queued
// from the gateway and a portal callback all run here against a real Redis.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseSystem } from '../../../gateway/case-system.ts';
import { BatchedRedis } from '../../../gateway/shared/batched-redis.ts';
import { commandTimeoutOf, createRedis, type RedisClient } from '../../../gateway/shared/redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

/** The connection a BullMQ queue sends its commands on. */
const clientOf = (queue: Queue): Promise<Redis> =>
  queue.getBackend().client as unknown as Promise<Redis>;

/** ioredis keeps the commands defined on a connection here (Commander#scriptsSet). */
const definedCommands = (redis: RedisClient): string[] =>
  Object.keys((redis as unknown as { scriptsSet: Record<string, unknown> }).scriptsSet);

function connection(role: 'http' | 'worker'): RedisClient {
  return createRedis(role, {
    redisUrl: gw.config.redisUrl!,
    redisCommandTimeoutMs: 1000,
    redisConnectTimeoutMs: 1000,
    redisReconnectMaxDelayMs: 200,
  });
}

/** A case system on `redis`, as a process builds one, with its `yn` delivery queue ready. */
async function caseSystemOn(redis: RedisClient) {
  const system = createCaseSystem({
    redis,
    config: gw.config,
    supervision: gw.services,
    log: gw.services.logger,
    now: () => new Date(),
  });
  const queue = system.queues.queue('yn');
  await queue.waitUntilReady();
  return { system, queue };
}

describe("the gateway's BullMQ queues", () => {
  it('define no command on the batched connection after a submission, a queued delivery and a callback', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `producer-${Date.now()}`);
    expect(res.status).toBe(202);
    // Queued from the gateway itself (as a replay or a status query is), and a portal callback.
    await gw.services.queues.enqueue(res.body.caseId, 'yn');
    await gw.services.callbacks.enqueue({
      caseId: res.body.caseId,
      clientId: 'portal-sc',
      url: 'http://127.0.0.1:9/hooks',
      status: 'ROUTED',
      at: new Date().toISOString(),
      sequence: 2,
    });

    const own = gw.services.redis as Redis;
    expect(own).toBeInstanceOf(BatchedRedis);
    expect(definedCommands(own)).toEqual([]);
    const producer = await clientOf(gw.services.queues.queue('yn'));
    // BullMQ hands back its own proxy of the connection: the options object tells which it is.
    expect(producer.options).not.toBe(own.options);
    // The producers' settings are the HTTP path's: fail fast, no offline queue, its command
    // timeout (shared/command-timeout.ts, kept by the connection rather than in ioredis's options).
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(commandTimeoutOf(producer)).toBe(gw.config.redisCommandTimeoutMs);
    expect(commandTimeoutOf(own)).toBe(gw.config.redisCommandTimeoutMs);
    expect(definedCommands(producer).some((name) => name.startsWith('addStandardJob'))).toBe(true);
    expect((await clientOf(gw.services.callbacks.queue)).options).toBe(producer.options);
    const job = await gw.services.queues.queue('yn').getJob(res.body.caseId);
    expect(job?.data).toEqual({ caseId: res.body.caseId });
  });

  it("close the producers' own connection with the queues and leave the caller's open", async () => {
    const redis = connection('http');
    const { system, queue } = await caseSystemOn(redis);
    const producer = await clientOf(queue);
    expect(producer.options).not.toBe(redis.options);
    await system.close();
    await expect(producer.ping()).rejects.toThrow(/closed/);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });

  it("share a worker's connection, which does not batch, and leave it open on close", async () => {
    const redis = connection('worker');
    const { system, queue } = await caseSystemOn(redis);
    expect((await clientOf(queue)).options).toBe(redis.options);
    await system.close();
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });
});
