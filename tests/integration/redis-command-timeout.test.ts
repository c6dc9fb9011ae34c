// gateway/shared/command-timeout.ts on a redis-server of this file's own: the command timeout
// (GW_REDIS_COMMAND_TIMEOUT_MS) fails a command only when its reply really is late. A stall of the
// process longer than the timeout (here a deliberate busy loop, as a loaded machine's descheduled
// process or long turn) no longer fails the commands whose replies arrived meanwhile, as ioredis's
// own `commandTimeout` does (the control below); a Redis that does not answer (CLIENT PAUSE) still
// fails them, and the gateway answers 503. And the gateway's delivery queues are created at start,
// so a first dead-letter replay does not wait for BullMQ's check of the server (an INFO).
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchedRedis } from '../../gateway/shared/batched-redis.ts';
import { COMMAND_TIMED_OUT, TimedRedis } from '../../gateway/shared/command-timeout.ts';
import {
  commandTimeoutOf,
  createRedis,
  duplicateConnection,
  isRedisUnavailable,
  producerConnection,
  waitForRedis,
  type RedisClient,
} from '../../gateway/shared/redis.ts';
import { startApiGateway, validExample } from '../support/api-gateway.ts';
import { ownRedis, uniquePrefix, waitFor } from '../support/redis.ts';

let redis: Awaited<ReturnType<typeof ownRedis>>;
let admin: Redis;
const opened: { disconnect: () => void }[] = [];

beforeAll(async () => {
  redis = await ownRedis('command-timeout');
  admin = new Redis(redis.url);
});
afterEach(() => {
  for (const connection of opened.splice(0)) connection.disconnect();
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

const TIMEOUT_MS = 50;
const STALL_MS = 300;

/**
 * Holds the event loop for `ms` without yielding (a deliberate stall, not a sleep): no timer fires
 * and no socket is read meanwhile, while Redis answers the commands already sent.
 */
function stallEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the stall under test
  }
}

async function http(timeoutMs = TIMEOUT_MS): Promise<RedisClient> {
  const connection = createRedis('http', {
    redisUrl: redis.url,
    redisCommandTimeoutMs: timeoutMs,
    redisConnectTimeoutMs: 2000,
    redisReconnectMaxDelayMs: 200,
  });
  opened.push(connection);
  await waitForRedis(connection, 5000);
  return connection;
}

function opening<T extends RedisClient>(connection: T): T {
  opened.push(connection);
  return connection;
}

/** What the command settled with: its answer, or the message it failed with. */
function settled(answer: Promise<unknown>): Promise<{ value: unknown } | { error: string }> {
  return answer.then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
}

describe('a reply that arrived while the process was stalled past the command timeout', () => {
  it('is delivered on the request path’s connection, its timeout counted from when its batch left the corked socket', async () => {
    const connection = await http(200);
    expect(connection).toBeInstanceOf(BatchedRedis);
    // Issued in the turn that then stalls, so it waits in the corked socket until the turn ends
    // (batched-redis.ts), and Redis answers it 20 ms after it is sent (a BLPOP of an empty list
    // that times out): well within its timeout, but not by the poll phase right after the stall.
    // Timed from when it was issued, it would fail there.
    const answer = settled(connection.blpop(`${uniquePrefix('batched')}:empty`, 0.02));
    stallEventLoop(500);
    expect(await answer).toEqual({ value: null });
  });

  it('is delivered on a connection that writes at once (the producers’, a duplicate with a timeout of its own)', async () => {
    const connection = await http();
    const producer = opening(producerConnection(connection));
    const duplicate = opening(duplicateConnection(connection, { commandTimeoutMs: TIMEOUT_MS }));
    for (const unbatched of [producer, duplicate]) {
      expect(unbatched).toBeInstanceOf(TimedRedis);
      expect(unbatched).not.toBeInstanceOf(BatchedRedis);
      expect(commandTimeoutOf(unbatched)).toBe(TIMEOUT_MS);
      await waitForRedis(unbatched, 5000);
      // Written to the socket at once: Redis answers while the loop is held.
      const answer = settled(unbatched.echo('answered during the stall'));
      stallEventLoop(STALL_MS);
      expect(await answer).toEqual({ value: 'answered during the stall' });
    }
  });

  it('is timed out by ioredis’s own commandTimeout, whose timer runs before the socket is read (the control)', async () => {
    const plain = opening(new Redis(redis.url, { commandTimeout: TIMEOUT_MS }));
    // Connected and answering first; on a loaded machine a PING itself may take longer than the
    // 50 ms this control times out at (CI saw it), so it is asked again until one comes in time.
    await waitFor(
      () =>
        plain.ping().then(
          () => true,
          () => false,
        ),
      { timeoutMs: 10_000, what: 'a PING answered within the command timeout' },
    );
    const answer = settled(plain.echo('answered during the stall'));
    stallEventLoop(STALL_MS);
    expect(await answer).toEqual({ error: COMMAND_TIMED_OUT });
  });
});

describe('a reply that is really late', () => {
  it('fails the command "Command timed out", which isRedisUnavailable takes for 503', async () => {
    const connection = await http();
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    try {
      const error = await connection.set(`${uniquePrefix('late')}:k`, 'v').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(COMMAND_TIMED_OUT);
      expect(isRedisUnavailable(error)).toBe(true);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
  });

  it('never fails a command of a connection without a command timeout (a worker’s, BullMQ’s)', async () => {
    const worker = opening(
      createRedis('worker', {
        redisUrl: redis.url,
        redisCommandTimeoutMs: TIMEOUT_MS,
        redisConnectTimeoutMs: 2000,
        redisReconnectMaxDelayMs: 200,
      }),
    );
    await worker.ping();
    expect(commandTimeoutOf(worker)).toBeUndefined();
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    const key = `${uniquePrefix('worker')}:k`;
    const answer = settled(worker.set(key, 'v'));
    // Held well past the other connections' timeout, then let go: the command was waiting, not failed.
    stallEventLoop(STALL_MS);
    await new Promise((resolve) => setImmediate(resolve));
    await admin.call('CLIENT', 'UNPAUSE');
    expect(await answer).toEqual({ value: 'OK' });
  });

  it('is answered 503 GW_UNAVAILABLE by the gateway', async () => {
    const gw = await startApiGateway({}, { redisUrl: redis.url, relay: false });
    try {
      expect(gw.config.redisCommandTimeoutMs).toBe(500);
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      try {
        const res = await gw
          .client('portal-sc')
          .submitCase(validExample('SW-005'), `late-${uniquePrefix('key')}`);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
      } finally {
        await admin.call('CLIENT', 'UNPAUSE');
      }
    } finally {
      await gw.close();
    }
  });
});

describe('the gateway’s delivery queues', () => {
  it('are made at start and have checked the server by then, so the first replay’s reads of a job send no INFO (BullMQ’s check)', async () => {
    const gw = await startApiGateway({}, { redisUrl: redis.url, relay: false });
    try {
      await gw.services.queues.ready();
      await admin.config('RESETSTAT');
      // What a replay reads first (admin/dead-letters.ts), on every route's queue.
      for (const adapter of gw.services.routing.routes.adapters()) {
        expect(await Job.fromId(gw.services.queues.queue(adapter), 'no-such-case')).toBeUndefined();
      }
      const stats = await admin.info('commandstats');
      expect(stats).toMatch(/^cmdstat_hgetall:/m);
      expect(stats).not.toMatch(/^cmdstat_info:/m);
    } finally {
      await gw.close();
    }
  });
});
