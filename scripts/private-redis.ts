// Starts a private redis-server child on a free port, for `npm start` (AOF on with every write
// fsynced, data kept under .data/: README.md#redis-durability) and for the test run (no
// persistence, a temporary folder). Always noeviction: the
// gateway refuses anything else (gateway/README.md#redis-requirements).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer within ${timeoutMs} ms`);
}

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const args = [
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
    ...(options.persistent ? ['yes', '--appendfsync', options.appendfsync ?? 'always'] : ['no']),
    ...(options.replicaOf === undefined
      ? []
      : ['--replicaof', '127.0.0.1', String(options.replicaOf)]),
  ];
  // Own process group: Ctrl-C reaches the gateway first, which drains before Redis is stopped.
  const child = spawn(binary, args, { stdio: options.stdio ?? 'ignore', detached: true });
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child, 10_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
