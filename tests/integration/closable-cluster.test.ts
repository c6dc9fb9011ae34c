// Closing a Redis Cluster client that waits for its cluster (gateway/shared/closable-cluster.ts):
// disconnect() and quit() end it ('end' emitted, its queued commands failed, no more attempts),
// and stopWaitingForRedis() ends it and its duplicates (BullMQ's blocking connections). ioredis
// 6.0.0 left such a client `disconnecting` for ever, so a worker on a cluster stopped while the
// cluster was down exited 1 at its shutdown deadline (README.md#operations, Shutdown); 6.1.0 ends
// it itself. These tests also keep the ioredis behaviour and internals closable-cluster.ts relies
// on honest across upgrades, and check that
// what such a client fails its commands with is "Redis unavailable" (shared/redis.ts), not 500.
// A client whose seed node has nothing listening waits to reconnect, its pool empty: the state
// of one that has lost every node of a cluster that went down. A ready client runs on a private
// 3-master cluster (tests/support/redis-cluster.ts).
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/private-redis.ts';
import { ClosableCluster } from '../../gateway/shared/closable-cluster.ts';
import { TimedCluster } from '../../gateway/shared/command-timeout.ts';
import {
  createRedis,
  duplicateConnection,
  isRedisUnavailable,
  waitForRedis,
  type RedisClient,
} from '../../gateway/shared/redis.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { waitFor } from '../support/redis.ts';
import { ending, outcome } from '../support/settled.ts';

const clients: Cluster[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** A worker's cluster client on `port`, its next attempt an hour after each failed one. */
function closable(port: number): ClosableCluster {
  const client = new ClosableCluster([{ host: '127.0.0.1', port }], {
    clusterRetryStrategy: () => 3_600_000,
    enableOfflineQueue: true,
    redisOptions: { maxRetriesPerRequest: null },
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** A client waiting to reconnect: nothing listens on its seed node. */
async function waitingToReconnect(): Promise<ClosableCluster> {
  const client = closable(await freePort());
  await waitFor(() => client.status === 'reconnecting', { what: 'waiting to reconnect' });
  return client;
}

describe('ioredis Cluster internals closable-cluster.ts uses', () => {
  it('are still there: setStatus() and handleCloseEvent() on the Cluster prototype', () => {
    const internals = Cluster.prototype as unknown as Record<string, unknown>;
    expect(typeof internals.setStatus).toBe('function');
    expect(typeof internals.handleCloseEvent).toBe('function');
  });

  it("ioredis's own Cluster waiting to reconnect ends on disconnect(), failing the command queued meanwhile (closable-cluster.ts leaves that case to it)", async () => {
    const plain = new Cluster([{ host: '127.0.0.1', port: await freePort() }], {
      clusterRetryStrategy: () => 3_600_000,
    });
    plain.on('error', () => undefined);
    clients.push(plain);
    await waitFor(() => plain.status === 'reconnecting', { what: 'waiting to reconnect' });
    const queued = outcome(plain.get('k'));
    const ended = ending(plain);
    plain.disconnect();
    // ioredis 6.0.0 left it `disconnecting` for ever, its GET unsettled.
    expect(plain.status).toBe('end');
    await waitFor(() => ended() && queued() !== undefined, { what: 'end and the command failed' });
    expect(queued()).toBe('rejected None of startup nodes is available');
  });
});

describe('a ClosableCluster waiting to reconnect', () => {
  it('on disconnect() fails the command queued meanwhile with "None of startup nodes is available", emits close and end once each and reconnects no more', async () => {
    const client = await waitingToReconnect();
    const queued = outcome(client.get('k'));
    const events: string[] = [];
    for (const event of ['close', 'end']) client.on(event, () => events.push(event));
    client.disconnect();
    await waitFor(() => events.includes('end') && queued() !== undefined, {
      what: 'end and the command failed',
    });
    expect(queued()).toBe('rejected None of startup nodes is available');
    expect(client.status).toBe('end');
    // A second close would show within a turn of the event loop (two, with ioredis 6.1.0 closing
    // it too, before closable-cluster.ts left that case to it).
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['close', 'end']);
    // No attempt is left to make: a command now fails at once.
    await expect(client.get('k')).rejects.toThrow('Connection is closed.');
  });

  it('on quit() resolves OK once it has ended', async () => {
    const client = await waitingToReconnect();
    const ended = ending(client);
    await expect(client.quit()).resolves.toBe('OK');
    expect(ended()).toBe(true);
    expect(client.status).toBe('end');
  });

  it('on stopWaitingForRedis() ends, and so do its duplicates, made before or after', async () => {
    const client = await waitingToReconnect();
    const before = client.duplicate();
    before.on('error', () => undefined);
    clients.push(before);
    expect(before).toBeInstanceOf(ClosableCluster);
    await waitFor(() => before.status === 'reconnecting', { what: 'duplicate waiting' });
    const endedBefore = ending(before);
    client.stopWaitingForRedis();
    await waitFor(() => client.status === 'end' && endedBefore(), { what: 'both ended' });
    const after = client.duplicate();
    after.on('error', () => undefined);
    clients.push(after);
    await waitFor(() => after.status === 'end', { what: 'a later duplicate ended' });
  });
});

describe('the worker and store roles on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  const settings = () => ({
    redisUrl: cluster.url,
    redisCommandTimeoutMs: 2000,
    redisConnectTimeoutMs: 2000,
    redisReconnectMaxDelayMs: 200,
  });

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('are closable cluster clients, and so are their duplicates (BullMQ duplicates its connection)', async () => {
    const worker = createRedis('worker', settings());
    const store = createRedis('store', settings());
    const duplicates: RedisClient[] = [
      (worker as Cluster).duplicate(),
      duplicateConnection(store),
      duplicateConnection(store, { commandTimeoutMs: 5000 }),
    ];
    clients.push(...([worker, store, ...duplicates] as Cluster[]));
    expect(worker).toBeInstanceOf(ClosableCluster);
    expect(store).toBeInstanceOf(TimedCluster);
    expect(store).toBeInstanceOf(ClosableCluster);
    for (const duplicate of duplicates) expect(duplicate).toBeInstanceOf(ClosableCluster);
  });

  it('stay ready after stopWaitingForRedis() while the cluster answers, and quit() ends them with OK', async () => {
    const worker = createRedis('worker', settings()) as ClosableCluster;
    const duplicate = worker.duplicate() as ClosableCluster;
    duplicate.on('error', () => undefined);
    clients.push(worker, duplicate);
    await waitForRedis(worker, 10_000);
    await waitForRedis(duplicate, 10_000);
    worker.stopWaitingForRedis();
    expect(await worker.set('{closable}k', 'v')).toBe('OK');
    expect(await duplicate.get('{closable}k')).toBe('v');
    const ended = ending(worker);
    expect(await worker.quit()).toBe('OK');
    expect(await duplicate.quit()).toBe('OK');
    await waitFor(() => ended(), { what: 'end' });
  });
});

describe('a worker cluster client whose nodes are all stopped', () => {
  it('fails the command queued on it, once closed, with an error isRedisUnavailable takes for unavailable', async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    try {
      const worker = createRedis('worker', {
        redisUrl: cluster.url,
        redisCommandTimeoutMs: 2000,
        redisConnectTimeoutMs: 2000,
        redisReconnectMaxDelayMs: 200,
      }) as ClosableCluster;
      clients.push(worker);
      await waitForRedis(worker, 10_000);
      await cluster.stop();
      await waitFor(() => worker.status !== 'ready', { what: 'the cluster lost' });
      let failure: unknown;
      const queued = worker.get('{closable}k').catch((error: unknown) => (failure = error));
      // A stopping worker closes its connections (stopWaitingForRedis, then disconnect).
      worker.stopWaitingForRedis();
      worker.disconnect();
      await queued;
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toBe('None of startup nodes is available');
      expect(isRedisUnavailable(failure)).toBe(true);
    } finally {
      await cluster.stop();
    }
  }, 60_000);
});
