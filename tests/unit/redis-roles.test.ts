// What each role's connection does when Redis is slow or gone, and which batch their writes
// (gateway/shared/redis.ts, batched-redis.ts): BullMQ's own never do, since BullMQ defines
// commands on them and pipelines its own. None uses ioredis's auto-pipelining.
import { describe, expect, it } from 'vitest';
import { batchesWrites, redisOptions } from '../../gateway/shared/redis.ts';

const settings = {
  redisUrl: 'redis://127.0.0.1:6379',
  redisCommandTimeoutMs: 500,
  redisConnectTimeoutMs: 1000,
  redisReconnectMaxDelayMs: 2000,
};

describe('Redis connection roles', () => {
  it('http fails fast (no offline queue, one attempt, a command timeout) and batches its writes', () => {
    expect(redisOptions('http', settings)).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
    expect(batchesWrites('http')).toBe(true);
  });

  it('worker waits for Redis (offline queue, no retry limit) and does not batch, for BullMQ', () => {
    const options = redisOptions('worker', settings);
    expect(options).toMatchObject({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    expect(options.commandTimeout).toBeUndefined();
    expect(batchesWrites('worker')).toBe(false);
  });

  it("store waits for Redis like a worker's and batches its writes like the gateway's", () => {
    const options = redisOptions('store', settings);
    expect(options).toMatchObject({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    expect(options.commandTimeout).toBeUndefined();
    expect(batchesWrites('store')).toBe(true);
  });

  it('no role turns on ioredis auto-pipelining, whose Pipeline objects outlive young GCs', () => {
    for (const role of ['http', 'worker', 'store'] as const) {
      expect(redisOptions(role, settings).enableAutoPipelining).toBeFalsy();
    }
  });

  it('every role reconnects for ever with a backoff capped at the configured delay', () => {
    for (const role of ['http', 'worker', 'store'] as const) {
      const retry = redisOptions(role, settings).retryStrategy!;
      expect(retry(1)).toBe(100);
      expect(retry(1000)).toBe(2000);
    }
  });
});
