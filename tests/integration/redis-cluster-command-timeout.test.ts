// gateway/shared/command-timeout.ts on a private 3-master Redis Cluster (tests/support/redis-cluster.ts):
// the request path's cluster client (TimedCluster) times its commands itself, once per command
// whatever node answers, so a reply that arrived while the process was stalled past the timeout is
// delivered, where ioredis's own commandTimeout on the nodes (the control) fails it; a node that
// does not answer (CLIENT PAUSE) still fails it "Command timed out".
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TIMED_OUT, TimedCluster } from '../../gateway/shared/command-timeout.ts';
import {
  commandTimeoutOf,
  createRedis,
  duplicateConnection,
  isRedisUnavailable,
  readRedisFacts,
  waitForRedis,
  type RedisClient,
} from '../../gateway/shared/redis.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { uniquePrefix } from '../support/redis.ts';

const TIMEOUT_MS = 50;
const STALL_MS = 300;

let cluster: RedisClusterHandle;
let admins: Redis[] = [];
const opened: { disconnect: () => void }[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  admins = cluster.ports.map((port) => new Redis(port, '127.0.0.1'));
}, 60_000);
afterEach(() => {
  for (const connection of opened.splice(0)) connection.disconnect();
});
afterAll(async () => {
  for (const admin of admins) admin.disconnect();
  await cluster?.stop();
});

/** Holds the event loop for `ms` without yielding (a deliberate stall, not a sleep). */
function stallEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the stall under test
  }
}

async function ready<T extends RedisClient>(connection: T): Promise<T> {
  opened.push(connection);
  await waitForRedis(connection, 10_000);
  return connection;
}

function http(): Promise<RedisClient> {
  return ready(
    createRedis('http', {
      redisUrl: cluster.url,
      redisCommandTimeoutMs: TIMEOUT_MS,
      redisConnectTimeoutMs: 2000,
      redisReconnectMaxDelayMs: 200,
    }),
  );
}

function settled(answer: Promise<unknown>): Promise<{ value: unknown } | { error: string }> {
  return answer.then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
}

describe('the request path’s cluster client', () => {
  it('keeps its command timeout itself, its duplicates too, and reads every master’s facts with it', async () => {
    const client = await http();
    expect(client).toBeInstanceOf(TimedCluster);
    expect(commandTimeoutOf(client)).toBe(TIMEOUT_MS);
    // ioredis's own timer on the nodes would fail a reply waiting in the socket after a stall.
    expect((client as Cluster).options.redisOptions).not.toHaveProperty('commandTimeout');
    const longer = duplicateConnection(client, { commandTimeoutMs: 1000 });
    opened.push(longer);
    expect(longer).toBeInstanceOf(TimedCluster);
    expect(commandTimeoutOf(longer)).toBe(1000);
    expect(await readRedisFacts(client)).toHaveLength(3);
  });

  it('delivers a reply that arrived while the process was stalled past the command timeout', async () => {
    const client = await http();
    const key = `${uniquePrefix('stall')}:k`;
    await client.set(key, 'stored');
    const answer = settled(client.get(key));
    stallEventLoop(STALL_MS);
    expect(await answer).toEqual({ value: 'stored' });
  });

  it('is unlike ioredis’s own commandTimeout on the nodes, which times the same reply out (the control)', async () => {
    const plain = await ready(
      new Cluster(
        cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
        { redisOptions: { commandTimeout: TIMEOUT_MS } },
      ),
    );
    const key = `${uniquePrefix('stall')}:k`;
    await plain.set(key, 'stored');
    const answer = settled(plain.get(key));
    stallEventLoop(STALL_MS);
    expect(await answer).toEqual({ error: COMMAND_TIMED_OUT });
  });

  it('fails a command its node does not answer "Command timed out", which isRedisUnavailable takes for 503', async () => {
    const client = await http();
    await Promise.all(admins.map((admin) => admin.call('CLIENT', 'PAUSE', '10000', 'WRITE')));
    try {
      const error = await client.set(`${uniquePrefix('late')}:k`, 'v').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe(COMMAND_TIMED_OUT);
      expect(isRedisUnavailable(error)).toBe(true);
    } finally {
      await Promise.all(admins.map((admin) => admin.call('CLIENT', 'UNPAUSE')));
    }
  });
});
