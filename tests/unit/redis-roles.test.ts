// What each role's connection does when Redis is slow or gone, and which batch their writes
// (gateway/shared/redis.ts, batched-redis.ts): BullMQ's own never do, since BullMQ defines
// commands on them and pipelines its own. None uses ioredis's auto-pipelining. On a Redis Cluster,
// the http role gives up on a slot's refusals before its command timeout, so a command answered 503
// is never re-sent after it; the workers wait for the slot (gateway/README.md#redis-cluster).
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { asGatewayError } from '../../gateway/shared/problem.ts';
import {
  batchesWrites,
  clusterOptions,
  parseRedisTarget,
  redisOptions,
  type RedisTarget,
} from '../../gateway/shared/redis.ts';

const settings = {
  redisUrl: 'redis://127.0.0.1:6379',
  redisCommandTimeoutMs: 500,
  redisConnectTimeoutMs: 1000,
  redisReconnectMaxDelayMs: 2000,
};

describe('Redis connection roles', () => {
  it('http fails fast (no offline queue, one attempt, never sent again on a new connection, a command timeout) and batches its writes', () => {
    expect(redisOptions('http', settings)).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
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

describe('Redis Cluster redirections per role', () => {
  const target = parseRedisTarget('redis-cluster://127.0.0.1:7000') as Extract<
    RedisTarget,
    { kind: 'cluster' }
  >;
  const RETRY_OPTIONS = [
    'maxRedirections',
    'retryDelayOnMoved',
    'retryDelayOnTryAgain',
    'retryDelayOnClusterDown',
    'retryDelayOnFailover',
  ] as const;

  it('http waits out TRYAGAIN for at most half its command timeout over every redirection, for every timeout allowed, with room for 5 redirections', () => {
    for (const redisCommandTimeoutMs of [50, 99, 500, 1000, 1999, 10_000]) {
      const options = clusterOptions('http', { ...settings, redisCommandTimeoutMs }, target);
      expect(options.maxRedirections).toBeGreaterThanOrEqual(5);
      expect(options.retryDelayOnTryAgain).toBeGreaterThan(0);
      expect(options.maxRedirections! * options.retryDelayOnTryAgain!).toBeLessThanOrEqual(
        redisCommandTimeoutMs / 2,
      );
    }
    expect(clusterOptions('http', settings, target)).toMatchObject({
      maxRedirections: 5,
      retryDelayOnTryAgain: 50,
    });
    expect(
      clusterOptions('http', { ...settings, redisCommandTimeoutMs: 10_000 }, target),
    ).toMatchObject({ maxRedirections: 50, retryDelayOnTryAgain: 100 });
  });

  it('http follows MOVED at once and answers CLUSTERDOWN and a lost node connection at once, whose retries would wait for a slot map refresh', () => {
    expect(clusterOptions('http', settings, target)).toMatchObject({
      retryDelayOnMoved: 0,
      retryDelayOnClusterDown: 0,
      retryDelayOnFailover: 0,
    });
  });

  it("worker and store keep ioredis's redirections and retry delays: they wait for a slot to settle", () => {
    for (const role of ['worker', 'store'] as const) {
      const options = clusterOptions(role, settings, target);
      for (const name of RETRY_OPTIONS) expect(options[name]).toBeUndefined();
    }
  });
});

describe('a Redis Cluster refusal on the HTTP path', () => {
  // ioredis types its ReplyError `any`: the class a node's error reply is made of.
  const NodeReply = ReplyError as new (message: string) => Error;
  const codeOf = (error: Error) => asGatewayError(error).code;

  it('is 503 GW_UNAVAILABLE when ioredis gave up following TRYAGAIN, ASK or MOVED, or a node answered CLUSTERDOWN', () => {
    for (const last of [
      'ReplyError: TRYAGAIN Multiple keys request during rehashing of slot',
      'ReplyError: ASK 2975 127.0.0.1:7001',
      'ReplyError: MOVED 2975 127.0.0.1:7001',
    ]) {
      expect(codeOf(new Error(`Too many Cluster redirections. Last error: ${last}`))).toBe(
        'GW_UNAVAILABLE',
      );
    }
    expect(codeOf(new NodeReply('CLUSTERDOWN The cluster is down'))).toBe('GW_UNAVAILABLE');
  });

  it('is still 500 GW_INTERNAL for another Redis error reply', () => {
    expect(codeOf(new NodeReply('ERR Error running script'))).toBe('GW_INTERNAL');
  });
});
