// shared/redis.ts#isRedisUnavailable decides 503 GW_UNAVAILABLE rather than 500 for what ioredis
// raises when Redis is out of reach, too slow, or a Cluster is between slot maps or moving a slot.
import { describe, expect, it } from 'vitest';
import { ReplyError } from 'ioredis';
import { isRedisUnavailable } from '../../../gateway/shared/redis.ts';

// ioredis declares ReplyError as any; this is its constructor's shape.
const Reply = ReplyError as new (message: string) => Error;

describe('isRedisUnavailable', () => {
  it.each([
    "Stream isn't writeable and enableOfflineQueue options is false",
    "Cluster isn't ready and enableOfflineQueue options is false",
    'Command timed out',
    'Connection is closed.',
    'connect ECONNREFUSED 127.0.0.1:6379',
    'Command aborted due to connection close',
    'Too many Cluster redirections. Last error: ReplyError: TRYAGAIN Multiple keys request during rehashing of slot',
  ])('is true for %s', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  it('is true for a node refusing a command whose slot is moving', () => {
    expect(isRedisUnavailable(new Reply('CLUSTERDOWN The cluster is down'))).toBe(true);
  });

  it.each([
    'None of startup nodes is available',
    'Failed to refresh slots cache.',
    'Cluster is ended.',
    'Cluster is disconnected.',
    'Cluster is disconnecting.',
  ])('is true for a Cluster client that lost every node or is closed: %s', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  it.each([
    'LOADING Redis is loading the dataset in memory',
    "READONLY You can't write against a read only replica.",
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  ])('is true for a server refusing a command until it is ready again: %s', (message) => {
    expect(isRedisUnavailable(new Reply(message))).toBe(true);
  });

  it.each([
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
    "OOM command not allowed when used memory > 'maxmemory'.",
    "OOM command not allowed when used memory > 'maxmemory'. script: 0b3e1c5a, on @user_script:12.",
  ])('is true for a server refusing every write until an operator acts: %s', (message) => {
    expect(isRedisUnavailable(new Reply(message))).toBe(true);
  });

  it('is false for a province error that reads like a refusal but is no Redis reply', () => {
    expect(isRedisUnavailable(new Error('READONLY province archive'))).toBe(false);
  });

  it('is false for a Redis error about the data or the command, and for anything else', () => {
    expect(
      isRedisUnavailable(
        new Reply('WRONGTYPE Operation against a key holding the wrong kind of value'),
      ),
    ).toBe(false);
    expect(isRedisUnavailable(new Error('province answered HTTP 503'))).toBe(false);
    expect(isRedisUnavailable('Command timed out')).toBe(false);
  });
});
