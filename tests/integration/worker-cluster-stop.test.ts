// A worker process on a Redis Cluster (gateway/README.md#redis-cluster), through the real entry
// point adapters/worker.ts in a child process, stopped with SIGTERM while every master of its
// cluster is stopped (its cluster clients waiting to reconnect). It stops cleanly and exits 0, as
// on one Redis (worker-operations.test.ts), rather than wait for the cluster until its shutdown
// deadline and exit 1 "worker did not stop cleanly" (README.md#operations, Shutdown). The deadline
// is set to its largest (2 min), so exit 0 shows that nothing waited for it.
// On a private 3-master cluster of this file's own (tests/support/redis-cluster.ts), since it
// stops its nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startNodeChild, type NodeChild } from '../support/node-child.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { testDataKeys, uniquePrefix, waitFor } from '../support/redis.ts';

/** GW_SHUTDOWN_TIMEOUT_MS's largest: a stop that waited for it ends in exit 1. */
const SHUTDOWN_DEADLINE_MS = 120_000;
/** The start (up to 60 s under load), and a stop that waits for the deadline to end in exit 1. */
const TEST_TIMEOUT_MS = 60_000 + SHUTDOWN_DEADLINE_MS + 30_000;

let cluster: RedisClusterHandle;
const children: NodeChild[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
}, 60_000);
afterAll(async () => {
  for (const { child } of children) child.kill('SIGKILL');
  await cluster.stop();
});

/** A worker on the cluster, started, with its /readyz answering 200. */
async function startedWorker(): Promise<{ worker: NodeChild; readyz: () => Promise<number> }> {
  const port = await freePort();
  const worker = startNodeChild(projectPath('adapters/worker.ts'), {
    REDIS_URL: cluster.url,
    GW_KEY_PREFIX: uniquePrefix('worker-cluster-stop'),
    GW_DATA_KEYS: testDataKeys(),
    GW_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_DEADLINE_MS),
    GW_WORKER_METRICS_PORT: String(port),
    GW_WORKER_METRICS_HOST: '127.0.0.1',
    LOG_FLUSH_MS: '0',
  });
  children.push(worker);
  await waitFor(
    () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      return messages(worker).includes('workers started');
    },
    { timeoutMs: 60_000, what: 'workers started' },
  );
  const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  await waitFor(async () => (await readyz()) === 200, { what: '/readyz 200' });
  return { worker, readyz };
}

function messages(worker: NodeChild): string[] {
  return worker.lines().map((line) => String(line.msg));
}

/** SIGTERM, then its exit code (or the signal that ended it). */
async function stopWorker(worker: NodeChild): Promise<number | string> {
  worker.child.kill('SIGTERM');
  const { code, signal } = await worker.exited;
  return code ?? signal!;
}

describe('a worker process on a Redis Cluster stopped while the cluster is down', () => {
  it(
    'on SIGTERM while every master is stopped (its connections waiting to reconnect), stops cleanly and exits 0 before its shutdown deadline',
    async () => {
      const { worker, readyz } = await startedWorker();
      await cluster.stop();
      await waitFor(async () => (await readyz()) === 503, { what: '503 while stopped' });
      const code = await stopWorker(worker);
      expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
      expect(messages(worker)).toContain('worker stopping');
      expect(messages(worker)).not.toContain('worker did not stop cleanly');
    },
    TEST_TIMEOUT_MS,
  );
});
