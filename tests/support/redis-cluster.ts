// A private Redis Cluster for the tests and the bench (gateway/README.md#redis-cluster): N masters
// started with `redis-server --cluster-enabled yes` on free ports in a temporary folder, joined by
// `redis-cli --cluster create … --cluster-replicas 0`, ready once every node reports
// `cluster_state:ok`. No replicas unless asked for (`replicas`: GW_REDIS_WAIT_REPLICAS's test): the
// other tests check the key layout (one slot per script, one slot per BullMQ queue), not
// fail-over. Always noeviction, as the gateway requires of every master.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findRedisServer,
  freePort,
  INSTALL_HINT,
  spawnRedisServer,
  type RedisChild,
} from '../../scripts/private-redis.ts';
import { nodeCommand as command, pollNodes } from './redis-node.ts';

const poll = <T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) =>
  pollNodes('Redis Cluster', what, timeoutMs, check);

export interface RedisClusterHandle {
  /** The gateway's REDIS_URL for this cluster: `redis-cluster://127.0.0.1:<p1>,…`. */
  url: string;
  /** The masters' ports. */
  ports: number[];
  /** The replicas' ports, each with its master's. */
  replicas: { port: number; master: number }[];
  /** The redis-server of a node (a test may freeze a replica with SIGSTOP). */
  processOf: (port: number) => ChildProcess;
  stop: () => Promise<void>;
}

export interface RedisClusterOptions {
  masters?: number;
  /** Replicas per master (default 0). */
  replicas?: number;
  /** How long to wait for `cluster_state:ok`. */
  timeoutMs?: number;
}

/** A node's arguments: cluster mode, its own folder, no persistence. */
function nodeArgs(dir: string, port: number): string[] {
  const nodeDir = join(dir, String(port));
  mkdirSync(nodeDir, { recursive: true });
  return [
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
    // A replica's first full copy is sent at once: by default a master waits 5 s for more
    // replicas to share it with, which held a cluster with replicas up 5 s for nothing.
    '--repl-diskless-sync-delay',
    '0',
    '--save',
    '',
    '--appendonly',
    'no',
  ];
}

/** One command to one node, its answer as a string. */
async function ask(port: number, ...args: string[]): Promise<string> {
  return String(await command(port, ...args));
}

/** Whether nothing listens on this port of 127.0.0.1 now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A node on a port whose cluster bus port (+10 000) is free as well and clashes with no other
 * node's, answering as itself (spawnRedisServer: another port is tried when one is taken first).
 */
function startNodeOnFreePorts(
  binary: string,
  dir: string,
  taken: readonly number[],
  timeoutMs: number,
): Promise<RedisChild> {
  return spawnRedisServer(
    binary,
    (port) => nodeArgs(dir, port),
    { stdio: 'ignore', detached: true },
    {
      timeoutMs,
      what: 'Redis Cluster node',
      suits: async (port) => {
        const bus = port + 10_000;
        const clashes = taken.some((t) => t === port || t === bus || t + 10_000 === port);
        return bus <= 65_535 && !clashes && (await isFree(bus));
      },
    },
  );
}

export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<RedisClusterHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  const masters = options.masters ?? 3;
  const replicasEach = options.replicas ?? 0;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'swgw-redis-cluster-'));
  const nodes: RedisChild[] = [];
  const stop = async () => {
    for (const node of nodes) if (node.process.exitCode === null) node.process.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  let ports: number[] = [];
  try {
    while (nodes.length < masters * (1 + replicasEach)) {
      nodes.push(await startNodeOnFreePorts(binary, dir, ports, timeoutMs));
      ports = nodes.map((n) => n.port);
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        String(replicasEach),
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
  // ROLE: ['master', …] or ['slave', host, port, state, offset].
  const roles = await Promise.all(
    ports.map(async (port) => ({ port, role: (await command(port, 'ROLE')) as unknown[] })),
  );
  const masterPorts = roles.filter((r) => r.role[0] === 'master').map((r) => r.port);
  const replicas = roles
    .filter((r) => r.role[0] === 'slave')
    .map((r) => ({ port: r.port, master: Number(r.role[2]) }));
  for (const { port } of replicas) {
    await poll(`replica ${port} in sync`, timeoutMs, async () =>
      (await ask(port, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined,
    );
  }
  return {
    url: `redis-cluster://${masterPorts.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports: masterPorts,
    replicas,
    processOf: (port) => {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`Redis Cluster: no node on port ${port}`);
      return node.process;
    },
    stop,
  };
}

/**
 * One slot halfway through a resharding, by hand, the steps `redis-cli --cluster reshard` takes
 * (gateway/README.md#redis-cluster): the target IMPORTING, the source MIGRATING, and then only the
 * keys a test names MIGRATEd, so the slot's keys sit on two nodes at once.
 */
export interface SlotMigration {
  slot: number;
  source: number;
  target: number;
  /** MIGRATEs these keys of the slot from the source to the target, now. */
  move: (...keys: string[]) => Promise<void>;
  /** Moves the slot's remaining keys and gives the slot to the target on every node. */
  finish: () => Promise<void>;
}

/**
 * Starts moving the slot of `key` from the master that owns it to another master. `natMap`: the
 * GW_REDIS_NAT_MAP of a cluster whose masters announce other ports (announceUnreachablePorts),
 * by which the owner CLUSTER SLOTS names is found.
 */
export async function startSlotMigration(
  cluster: RedisClusterHandle,
  key: string,
  natMap = '',
): Promise<SlotMigration> {
  const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
  const reached = new Map(
    natMap
      .split(',')
      .filter(Boolean)
      .map((entry) => entry.split('=').map(portOf) as [number, number]),
  );
  const [first] = cluster.ports;
  const slot = Number(await command(first!, 'CLUSTER', 'KEYSLOT', key));
  const ranges = (await command(first!, 'CLUSTER', 'SLOTS')) as [
    number,
    number,
    [string, number],
  ][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`Redis Cluster: no master owns slot ${slot}`);
  const source = reached.get(Number(range[2][1])) ?? range[2][1];
  const target = cluster.ports.find((port) => port !== source)!;
  const idOf = async (port: number) => String(await command(port, 'CLUSTER', 'MYID'));
  const [sourceId, targetId] = [await idOf(source), await idOf(target)];
  await command(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId);
  await command(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', targetId);
  const move = async (...keys: string[]) => {
    await command(source, 'MIGRATE', '127.0.0.1', target, '', 0, 5000, 'KEYS', ...keys);
  };
  const finish = async () => {
    for (;;) {
      const left = (await command(source, 'CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
      if (left.length === 0) break;
      await move(...left);
    }
    // The target first, then the source, then the rest: the order redis-cli keeps.
    const rest = cluster.ports.filter((port) => port !== source && port !== target);
    for (const port of [target, source, ...rest]) {
      await command(port, 'CLUSTER', 'SETSLOT', slot, 'NODE', targetId);
    }
  };
  return { slot, source, target, move, finish };
}

/**
 * Every master announces a port nothing listens on (`cluster-announce-port`), as nodes in Docker
 * or Kubernetes announce addresses a process outside cannot reach (README.md#redis-topologies);
 * the bus keeps its own port, so the nodes still talk to each other. Resolves once every node's
 * CLUSTER SLOTS names only the announced ports: the GW_REDIS_NAT_MAP that reaches them again.
 */
export async function announceUnreachablePorts(
  cluster: RedisClusterHandle,
  timeoutMs = 20_000,
): Promise<string> {
  const announced = new Map<number, number>();
  for (const port of cluster.ports) {
    const unused = await freePort();
    announced.set(port, unused);
    await command(port, 'CONFIG', 'SET', 'cluster-announce-bus-port', String(port + 10_000));
    await command(port, 'CONFIG', 'SET', 'cluster-announce-port', String(unused));
  }
  const wanted = [...announced.values()].sort((a, b) => a - b).join(',');
  for (const port of cluster.ports) {
    await poll(`the announced ports in CLUSTER SLOTS of ${port}`, timeoutMs, async () => {
      const ranges = (await command(port, 'CLUSTER', 'SLOTS')) as [
        number,
        number,
        [string, number],
      ][];
      const named = [...new Set(ranges.map((r) => Number(r[2][1])))].sort((a, b) => a - b);
      return named.join(',') === wanted ? true : undefined;
    });
  }
  return [...announced].map(([real, unused]) => `127.0.0.1:${unused}=127.0.0.1:${real}`).join(',');
}
