// Starts a private redis-server child on a free port, for `npm start` (AOF on with every write
// fsynced, data kept under .data/: README.md#redis-durability) and for the test run (no
// persistence, a temporary folder). Always noeviction: the
// gateway refuses anything else (gateway/README.md#redis-requirements). A server is ready once it
// answers as itself, by its process id (spawnRedisServer, which the test cluster's nodes use too):
// test files start servers side by side, and one may take the port another found free.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export interface PrivateRedisOptions {
  dir: string;
  persistent: boolean;
  /**
   * With persistent: when the AOF is fsynced. Default always, what production asks for
   * (GW_REDIS_DURABILITY); everysec answers writes before they are on disk.
   */
  appendfsync?: 'always' | 'everysec';
  port?: number;
  /** A replica of the redis-server on this port of 127.0.0.1 (tests of GW_REDIS_WAIT_REPLICAS). */
  replicaOf?: number;
  /** Where redis-server writes its log; 'ignore' keeps the terminal quiet. */
  stdio?: 'ignore' | 'inherit';
}

export const INSTALL_HINT =
  'redis-server was not found on PATH. Install Redis 7 (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`), or point the gateway at a running Redis with REDIS_URL=redis://host:6379.';

export function findRedisServer(): string | undefined {
  const found = spawnSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server child: the port it was started on, and when it has exited. */
export interface RedisChild {
  port: number;
  process: ChildProcess;
  exited: Promise<void>;
}

export interface SpawnRedisOptions {
  /** This port, no other (a restart on the port a test's clients know); default a free one. */
  port?: number;
  /** How long one server may take to answer as itself (a persistent one loads its AOF first). */
  timeoutMs: number;
  /** Whether a free port also suits (a cluster node's bus port, +10 000, must be free too). */
  suits?: (port: number) => Promise<boolean>;
  /** Names the server in errors: `redis-server`, `Redis Cluster node`. */
  what?: string;
}

/** How many ports are tried before giving up, each found free then taken before redis-server bound it. */
const PORT_TRIES = 5;

/**
 * Whether the server on this port is the child `pid` and answers PING (PONG only once it has
 * loaded its data): INFO server names its process id, so a server another test file started on
 * the same port first is never taken for it.
 */
async function answersAsItself(port: number, pid: number | undefined): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const info = await probe.info('server');
    return info.includes(`process_id:${pid}\r`) && (await probe.ping()) === 'PONG';
  } catch {
    return false; // not up yet, or still loading
  } finally {
    probe.disconnect();
  }
}

/**
 * Starts redis-server (`args`: its arguments for a port) on a port nothing listens on, once it
 * answers as itself. A port found free can be taken by another process before redis-server binds
 * it — test files start servers side by side — and that redis-server exits: another free port is
 * tried, PORT_TRIES in all (a port given in `options.port` is the only one tried). The one place
 * private servers and cluster nodes are started (tests/support/redis-cluster.ts uses it too).
 */
export async function spawnRedisServer(
  binary: string,
  args: (port: number) => string[],
  spawnOptions: SpawnOptions,
  options: SpawnRedisOptions,
): Promise<RedisChild> {
  const what = options.what ?? 'redis-server';
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    if (options.suits && !(await options.suits(port))) continue;
    const child = spawn(binary, args(port), spawnOptions);
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const deadline = Date.now() + options.timeoutMs;
    while (child.exitCode === null && Date.now() < deadline) {
      if (await answersAsItself(port, child.pid)) return { port, process: child, exited };
      await new Promise((r) => setTimeout(r, 50));
    }
    const exitCode = child.exitCode;
    if (exitCode === null) child.kill('SIGTERM');
    await exited;
    const why =
      exitCode === null
        ? `did not answer within ${options.timeoutMs} ms`
        : `exited with ${exitCode} (port taken?)`;
    if (options.port !== undefined || attempt >= PORT_TRIES) {
      throw new Error(`${what} on port ${port} ${why}, after ${attempt} port(s) tried`);
    }
  }
}

/** Where a persistent server writes its process id, in its data folder. */
const PID_FILE = 'redis-server.pid';

/**
 * The process id of a redis-server still running over `dir`, by the pid file a persistent one
 * writes there (and removes when it shuts down): one an earlier `npm start` left behind — its
 * terminal closed before SIGHUP stopped it, or its node killed outright. A second server on the
 * same folder would append to the same AOF as the first, and the two would overwrite each
 * other's rewrites: the data of both at risk. A file left by a server that died (SIGKILL) names a
 * process that is gone, or, the number taken again, one that is not a redis-server: neither counts.
 */
function serverStillRunning(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(resolvePath(dir, PID_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // Linux: the process, and what it runs (redis-server sets its title to `redis-server host:port`).
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('redis-server')
      ? pid
      : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux')
      return undefined;
    // Elsewhere, no /proc: whether the process exists at all.
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }
}

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  mkdirSync(options.dir, { recursive: true });
  if (options.persistent) {
    const running = serverStillRunning(options.dir);
    if (running !== undefined) {
      throw new Error(
        `a redis-server (process ${running}) still runs over ${options.dir}, left by an earlier start: stop it (\`kill ${running}\`: it saves and exits), then start again; a second server there would write to the same AOF`,
      );
    }
  }
  const args = (port: number) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dir,
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--appendonly',
    ...(options.persistent
      ? [
          'yes',
          '--appendfsync',
          options.appendfsync ?? 'always',
          '--pidfile',
          resolvePath(options.dir, PID_FILE),
        ]
      : ['no']),
    ...(options.replicaOf === undefined
      ? []
      : ['--replicaof', '127.0.0.1', String(options.replicaOf)]),
  ];
  // Own process group: Ctrl-C reaches the gateway first, which drains before Redis is stopped.
  const {
    port,
    process: child,
    exited,
  } = await spawnRedisServer(
    binary,
    args,
    { stdio: options.stdio ?? 'ignore', detached: true },
    { ...(options.port === undefined ? {} : { port: options.port }), timeoutMs: 10_000 },
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
