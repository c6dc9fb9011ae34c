// A private Redis with Sentinel for the tests (README.md#redis-topologies): a master and its
// replicas (scripts/private-redis.ts, each in a temporary folder, no persistence) and three
// Sentinels (`redis-server <conf> --sentinel`) on free ports, ready once every Sentinel knows the
// master, its replicas and the two other Sentinels (so a quorum of two can promote). Fail-over is
// quick on purpose: a master is down after 1 s without an answer (down-after-milliseconds), and a
// fail-over that stalls is tried again after 5 s (failover-timeout).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findRedisServer,
  freePort,
  INSTALL_HINT,
  spawnRedisServer,
  startPrivateRedis,
  type PrivateRedis,
  type RedisChild,
} from '../../scripts/private-redis.ts';
import { nodeCommand as command, pollNodes } from './redis-node.ts';

const poll = <T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>) =>
  pollNodes('Redis Sentinel', what, timeoutMs, check);

/** The name the Sentinels monitor the master under. */
export const SENTINEL_MASTER_NAME = 'swgw-master';

export interface RedisSentinelHandle {
  /** The gateway's REDIS_URL: `redis-sentinel://127.0.0.1:<s1>,…/swgw-master`. */
  url: string;
  /** The Sentinels' ports. */
  sentinelPorts: number[];
  /** The port of the master the Sentinels name now. */
  masterPort: () => Promise<number>;
  /** Kills the master (SIGKILL: no answer, nothing flushed) and gives its port. */
  killMaster: () => Promise<number>;
  /** Waits until the Sentinels name a master other than `port` and it answers as a master. */
  waitForFailover: (port: number, timeoutMs?: number) => Promise<number>;
  stop: () => Promise<void>;
}

export interface RedisSentinelOptions {
  /** Replicas of the master (default 1; 2 keep one for GW_REDIS_WAIT_REPLICAS after a fail-over). */
  replicas?: number;
  timeoutMs?: number;
}

/** SENTINEL MASTER's answer (a flat list of names and values) as an object. */
function fields(reply: unknown): Record<string, string> {
  const list = (Array.isArray(reply) ? reply : []) as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

/** A Sentinel monitoring the master it is told of at 127.0.0.1:`masterPort`, quick to fail over. */
function spawnSentinel(
  binary: string,
  sentinelDir: string,
  masterPort: number,
  timeoutMs: number,
): Promise<RedisChild> {
  return spawnRedisServer(
    binary,
    (port) => {
      // Sentinel rewrites its configuration file: one of its own, per attempt's port.
      const conf = join(sentinelDir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${sentinelDir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      return [conf, '--sentinel'];
    },
    { stdio: 'ignore', detached: true },
    { timeoutMs, what: 'Redis Sentinel' },
  );
}

export async function startRedisSentinel(
  options: RedisSentinelOptions = {},
): Promise<RedisSentinelHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'swgw-redis-sentinel-'));
  const servers: PrivateRedis[] = [];
  const sentinels: RedisChild[] = [];
  const stop = async () => {
    for (const s of sentinels) if (s.process.exitCode === null) s.process.kill('SIGTERM');
    await Promise.all([...sentinels.map((s) => s.exited), ...servers.map((s) => s.stop())]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const folder = (name: string) => mkdtempSync(join(dir, `${name}-`));
    const master = await startPrivateRedis({ dir: folder('master'), persistent: false });
    servers.push(master);
    // Every server may become the master: none waits 5 s for more replicas before a full copy.
    const noSyncDelay = (port: number) =>
      command(port, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    await noSyncDelay(master.port);
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const replica = await startPrivateRedis({
        dir: folder('replica'),
        persistent: false,
        replicaOf: master.port,
      });
      servers.push(replica);
      await noSyncDelay(replica.port);
    }
    for (const replica of servers.slice(1)) {
      await poll(`replica ${replica.port} in sync`, timeoutMs, async () =>
        String(await command(replica.port, 'INFO', 'replication')).includes('master_link_status:up')
          ? true
          : undefined,
      );
    }
    for (let i = 0; i < 3; i++) {
      sentinels.push(await spawnSentinel(binary, folder('sentinel'), master.port, timeoutMs));
    }
    for (const sentinel of sentinels) {
      await poll(`Sentinel ${sentinel.port} to know the master's set`, timeoutMs, async () => {
        const master = fields(
          await command(sentinel.port, 'SENTINEL', 'MASTER', SENTINEL_MASTER_NAME),
        );
        return Number(master['num-slaves']) === servers.length - 1 &&
          Number(master['num-other-sentinels']) === 2
          ? true
          : undefined;
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const sentinelPorts = sentinels.map((s) => s.port);
  const masterPort = async () => {
    // Any Sentinel that answers: one of them may be the one a test stopped.
    for (const port of sentinelPorts) {
      try {
        const reply = await command(
          port,
          'SENTINEL',
          'get-master-addr-by-name',
          SENTINEL_MASTER_NAME,
        );
        if (Array.isArray(reply)) return Number(reply[1]);
      } catch {
        // the next one
      }
    }
    throw new Error('Redis Sentinel: no Sentinel named the master');
  };
  return {
    url: `redis-sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${SENTINEL_MASTER_NAME}`,
    sentinelPorts,
    masterPort,
    killMaster: async () => {
      const port = await masterPort();
      const server = servers.find((s) => s.port === port);
      if (!server) throw new Error(`Redis Sentinel: no server of ours on port ${port}`);
      server.process.kill('SIGKILL');
      await server.stop();
      return port;
    },
    waitForFailover: (port, waitMs = 60_000) =>
      poll(`a master other than ${port}`, waitMs, async () => {
        const now = await masterPort();
        if (now === port) return undefined;
        const role = (await command(now, 'ROLE')) as unknown[];
        return role[0] === 'master' ? now : undefined;
      }),
    stop,
  };
}

export interface AnnouncingSentinelHandle {
  /** The gateway's REDIS_URL: `redis-sentinel://127.0.0.1:<sentinel>/swgw-master`. */
  url: string;
  /** The master's real port, where it answers. */
  masterPort: number;
  /** The port the Sentinel names the master by, where nothing listens. */
  announcedPort: number;
  /** GW_REDIS_NAT_MAP from the announced address to the master's. */
  natMap: string;
  stop: () => Promise<void>;
}

/**
 * A master and one Sentinel that names it by an address nothing listens on
 * (README.md#behind-address-translation-docker-kubernetes), as a Sentinel in Docker or Kubernetes
 * names a master by the container's address:
 * a connection to what it announces is refused at once, one through the NAT map reaches the
 * master. The Sentinel itself cannot reach the master there either (one host has no address only
 * it can reach), so it holds the master down and, with no replica, never fails over: what it
 * answers SENTINEL get-master-addr-by-name, all a client asks, stays the announced address.
 */
export async function startAnnouncingSentinel(
  timeoutMs = 20_000,
): Promise<AnnouncingSentinelHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'swgw-redis-sentinel-nat-'));
  const folder = (name: string) => mkdtempSync(join(dir, `${name}-`));
  const master = await startPrivateRedis({ dir: folder('master'), persistent: false });
  let sentinel: RedisChild | undefined;
  const stop = async () => {
    if (sentinel?.process.exitCode === null) sentinel.process.kill('SIGTERM');
    await Promise.all([sentinel?.exited, master.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const announcedPort = await freePort();
    sentinel = await spawnSentinel(binary, folder('sentinel'), announcedPort, timeoutMs);
    const port = sentinel.port;
    await poll(`Sentinel ${port} to name the master`, timeoutMs, async () => {
      const reply = await command(
        port,
        'SENTINEL',
        'get-master-addr-by-name',
        SENTINEL_MASTER_NAME,
      );
      return Array.isArray(reply) && Number(reply[1]) === announcedPort ? true : undefined;
    });
    return {
      url: `redis-sentinel://127.0.0.1:${port}/${SENTINEL_MASTER_NAME}`,
      masterPort: master.port,
      announcedPort,
      natMap: `127.0.0.1:${announcedPort}=127.0.0.1:${master.port}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
