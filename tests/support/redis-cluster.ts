// A private Redis Cluster for the tests and the bench (gateway/README.md#redis-cluster): N masters
// started with `redis-server --cluster-enabled yes` on free ports in a temporary folder, joined by
// `redis-cli --cluster create … --cluster-replicas 0`, ready once every node reports
// `cluster_state:ok`. No replicas: the tests check the key layout (one slot per script, one slot
// per BullMQ queue), not fail-over. Always noeviction, as the gateway requires of every master.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer, freePort, INSTALL_HINT } from '../../scripts/private-redis.ts';

export interface RedisClusterHandle {
  /** The gateway's REDIS_URL for this cluster: `redis-cluster://127.0.0.1:<p1>,…`. */
  url: string;
  ports: number[];
  stop: () => Promise<void>;
}

export interface RedisClusterOptions {
  masters?: number;
  /** How long to wait for `cluster_state:ok`. */
  timeoutMs?: number;
}

interface Node {
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
}

function startNode(binary: string, dir: string, port: number): Node {
  const nodeDir = join(dir, String(port));
  mkdirSync(nodeDir, { recursive: true });
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      nodeDir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '5000',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { port, child, exited };
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`Redis Cluster: timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One command to one node, on a short-lived connection. */
async function ask(port: number, ...command: string[]): Promise<string> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return String(await redis.call(command[0]!, ...command.slice(1)));
  } finally {
    redis.disconnect();
  }
}

export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<RedisClusterHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  const masters = options.masters ?? 3;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'swgw-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: it must be free too, and distinct across nodes.
    if (port + 10_000 > 65_535 || ports.includes(port)) continue;
    ports.push(port);
  }
  const nodes = ports.map((port) => startNode(binary, dir, port));
  const stop = async () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      await poll(`node ${node.port} to answer`, timeoutMs, async () => {
        if (node.child.exitCode !== null) throw new Error(`redis-server ${node.port} exited`);
        return (await ask(node.port, 'PING')) === 'PONG' ? true : undefined;
      });
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: timeoutMs },
    );
    if (created.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    }
    for (const port of ports) {
      await poll(`cluster_state:ok on ${port}`, timeoutMs, async () =>
        (await ask(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}
