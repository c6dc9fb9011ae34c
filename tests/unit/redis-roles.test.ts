// What each role's connection does when Redis is slow or gone, and which are auto-pipelined
// (gateway/shared/redis.ts): BullMQ's own never are, since BullMQ defines commands on them.
import { describe, expect, it } from 'vitest';
import { redisOptions } from '../../gateway/shared/redis.ts';

const settings = {
  redisUrl: 'redis://127.0.0.1:6379',
  redisCommandTimeoutMs: 500,
  redisConnectTimeoutMs: 1000,
  redisReconnectMaxDelayMs: 2000,
};

describe('Redis connection roles', () => {
  it('http fails fast (no offline queue, one attempt, a command timeout) and is auto-pipelined', () => {
    expect(redisOptions('http', settings)).toMatchObject({
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
  });

  it('worker waits for Redis (offline queue, no retry limit) and is not auto-pipelined, for BullMQ', () => {
    const options = redisOptions('worker', settings);
    expect(options).toMatchObject({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    expect(options.enableAutoPipelining).toBeFalsy();
    expect(options.commandTimeout).toBeUndefined();
  });

  it("store waits for Redis like a worker's and is auto-pipelined like the gateway's", () => {
    const options = redisOptions('store', settings);
    expect(options).toMatchObject({
      enableAutoPipelining: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    expect(options.commandTimeout).toBeUndefined();
  });

  it('every role reconnects for ever with a backoff capped at the configured delay', () => {
    for (const role of ['http', 'worker', 'store'] as const) {
      const retry = redisOptions(role, settings).retryStrategy!;
      expect(retry(1)).toBe(100);
      expect(retry(1000)).toBe(2000);
    }
  });
});
