// The gateway's and the worker store's connection (gateway/shared/batched-redis.ts) on a real
// Redis: the commands of one turn of the event loop wait in the corked socket and leave together
// when the turn ends, with no ioredis auto-pipeline (whose Pipeline objects outlived every
// young-generation GC), and every answer still reaches its own caller.
import { afterEach, describe, expect, it } from 'vitest';
import { BatchedRedis } from '../../../gateway/shared/batched-redis.ts';
import {
  commandTimeoutOf,
  createRedis,
  producerConnection,
} from '../../../gateway/shared/redis.ts';
import { testRedisUrl, uniquePrefix } from '../../support/redis.ts';

const opened: { disconnect: () => void }[] = [];
afterEach(() => {
  for (const redis of opened.splice(0)) redis.disconnect();
});

async function connected(): Promise<BatchedRedis> {
  const redis = new BatchedRedis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  opened.push(redis);
  await redis.ping();
  return redis;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedRedis', () => {
  it('holds the commands of one turn in the corked socket and sends them when the turn ends', async () => {
    const redis = await connected();
    await nextTurn();
    const key = `${uniquePrefix('batched')}:n`;
    const answers = [redis.set(key, '0'), redis.incr(key), redis.incr(key), redis.get(key)];
    // Nothing has gone yet: all four are waiting in the socket's buffer, and no auto-pipeline
    // (an ioredis Pipeline) was built for them.
    expect(redis.stream.writableCorked).toBe(1);
    expect(redis.stream.writableLength).toBeGreaterThan(0);
    expect(redis.autoPipelineQueueSize).toBe(0);
    expect(await Promise.all(answers)).toEqual(['OK', 1, 2, '2']);
    expect(redis.stream.writableCorked).toBe(0);
    expect(redis.stream.writableLength).toBe(0);
  });

  it('gives each of 500 commands of one turn its own answer, errors included', async () => {
    const redis = await connected();
    const prefix = uniquePrefix('batched');
    // Sent first, in the same batch: the string the HGETs below fail on.
    const stored = redis.set(`${prefix}:string`, 'x');
    const calls = Array.from({ length: 500 }, (_, i) =>
      i % 50 === 7
        ? // A wrong-type error in the middle of the batch reaches only its own caller.
          redis.hget(`${prefix}:string`, 'field').then(
            () => 'no error',
            (error: Error) => `error ${error.message.slice(0, 9)}`,
          )
        : redis.eval('return ARGV[1]', 0, String(i)),
    );
    expect(await stored).toBe('OK');
    const answers = await Promise.all(calls);
    answers.forEach((answer, i) => {
      expect(answer).toBe(i % 50 === 7 ? 'error WRONGTYPE' : String(i));
    });
  });

  it('sends the next turn’s commands in a batch of their own', async () => {
    const redis = await connected();
    const key = `${uniquePrefix('batched')}:turns`;
    const first = redis.rpush(key, 'a');
    await nextTurn();
    // The first turn's batch has left; this command starts a new one.
    expect(redis.stream.writableCorked).toBe(0);
    const second = redis.rpush(key, 'b');
    expect(redis.stream.writableCorked).toBe(1);
    expect([await first, await second]).toEqual([1, 2]);
    expect(await redis.lrange(key, 0, -1)).toEqual(['a', 'b']);
  });

  it('is what the http and store roles connect with, and BullMQ producers get a plain connection beside it', () => {
    const settings = {
      redisUrl: testRedisUrl(),
      redisCommandTimeoutMs: 1000,
      redisConnectTimeoutMs: 1000,
      redisReconnectMaxDelayMs: 200,
    };
    const http = createRedis('http', settings);
    const store = createRedis('store', settings);
    const worker = createRedis('worker', settings);
    const producer = producerConnection(http);
    opened.push(http, store, worker, producer);
    expect(http).toBeInstanceOf(BatchedRedis);
    expect(store).toBeInstanceOf(BatchedRedis);
    expect(worker).not.toBeInstanceOf(BatchedRedis);
    expect(producer).not.toBeInstanceOf(BatchedRedis);
    expect(producer).not.toBe(http);
    // The producers' settings are the HTTP path's: fail fast, no offline queue, nothing sent again
    // on a new connection, a command timeout (ours, shared/command-timeout.ts: ioredis's own is
    // left unset).
    expect(producer.options).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
    });
    expect(producer.options).not.toHaveProperty('commandTimeout');
    expect(commandTimeoutOf(producer)).toBe(1000);
    // A worker's connection is BullMQ's already: shared as it is.
    expect(producerConnection(worker)).toBe(worker);
  });
});
