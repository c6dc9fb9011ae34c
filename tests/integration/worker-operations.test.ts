// The worker process's operations listener (adapters/worker-operations.ts), through the real entry
// point adapters/worker.ts in a child process, as compose runs it: /healthz, /readyz and /metrics
// on GW_WORKER_METRICS_PORT; /readyz following its Redis, paused (SIGSTOP) and stopped; SIGTERM
// closing the listener before a clean exit, also while Redis is stopped (its connections waiting
// to reconnect); SIGTERM during its start, Redis paused or not listening, giving up the wait for
// Redis at once (exit 0, "worker stopped before it started"), and so its catalogue read and queues'
// check once Redis (behind a gate) stopped answering them; no listening socket at all without
// the port.
// On a private redis-server of this file's own, since it pauses and stops it.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { startNodeChild } from '../support/node-child.ts';
import { startRedisGate } from '../support/redis-gate.ts';
import { testDataKeys, uniquePrefix, waitFor } from '../support/redis.ts';

interface WorkerChild {
  child: ChildProcess;
  output: () => string;
  lines: () => Record<string, unknown>[];
  exited: Promise<number | string>;
}

/** For a test (or hook) that starts a worker: its start alone may take up to 60 s under load. */
const START_TIMEOUT_MS = 120_000;

let redis: PrivateRedis;
let redisDir: string;
const children: WorkerChild[] = [];

function startWorker(env: Record<string, string>): WorkerChild {
  const { child, output, lines, exited } = startNodeChild(projectPath('adapters/worker.ts'), {
    REDIS_URL: redis.url,
    GW_KEY_PREFIX: uniquePrefix('worker-ops'),
    GW_DATA_KEYS: testDataKeys(),
    LOG_FLUSH_MS: '0',
    ...env,
  });
  const running = {
    child,
    output,
    lines,
    exited: exited.then(({ code, signal }) => code ?? signal!),
  };
  children.push(running);
  return running;
}

/** Messages of the child's log lines, in order. */
function messages(worker: WorkerChild): string[] {
  return worker.lines().map((line) => String(line.msg));
}

async function started(worker: WorkerChild): Promise<void> {
  await waitFor(
    () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      return messages(worker).includes('workers started');
    },
    // Generous: a loaded machine starts Node and the workers slowly.
    { timeoutMs: 60_000, what: 'workers started' },
  );
}

/** TCP ports the process listens on, from its socket descriptors and the kernel's socket table. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is fields[1] (addr:port in hex), st fields[3] (0A: LISTEN), inode fields[9].
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) {
        ports.push(parseInt(fields[1]!.split(':').pop()!, 16));
      }
    }
  }
  return ports;
}

async function stopWorker(worker: WorkerChild): Promise<number | string> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGTERM');
  }
  return worker.exited;
}

beforeAll(async () => {
  redisDir = mkdtempSync(join(tmpdir(), 'swgw-worker-ops-'));
  redis = await startPrivateRedis({ dir: redisDir, persistent: false });
});
afterAll(async () => {
  redis.process.kill('SIGCONT');
  for (const worker of children) worker.child.kill('SIGKILL');
  await redis.stop();
  rmSync(redisDir, { recursive: true, force: true });
});

describe('the worker process with GW_WORKER_METRICS_PORT', () => {
  let worker: WorkerChild;
  let port: number;
  let url: string;
  const status = async (path: string) => (await fetch(`${url}${path}`)).status;

  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    worker = startWorker({
      GW_WORKER_METRICS_PORT: String(port),
      GW_WORKER_METRICS_HOST: '127.0.0.1',
    });
    await started(worker);
  }, START_TIMEOUT_MS);

  it('listens on that port alone and answers /healthz and /readyz 200', async () => {
    expect(listeningPorts(worker.child.pid!)).toEqual([port]);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { redis: 'up', catalogue: 'current' },
      catalogue: { revision: expect.any(Number) as number },
    });
  });

  it('serves its delivery series and process metrics on /metrics, not the gateway backlog', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('gw_deliveries_total{adapter="yn",outcome="delivered"} 0');
    expect(text).toContain('# TYPE gw_province_request_duration_seconds histogram');
    expect(text).toContain('gw_delivery_jobs_put_back_total{adapter="xz",reason="slot-moving"} 0');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('gw_outbox_cases');
    expect(await status('/v1/cases')).toBe(404);
  });

  it('answers /readyz 503 while its Redis is paused (SIGSTOP) and 200 once it runs again', async () => {
    redis.process.kill('SIGSTOP');
    try {
      await waitFor(async () => (await status('/readyz')) === 503, { what: '503 while paused' });
      const down = await fetch(`${url}/readyz`);
      expect(down.headers.get('retry-after')).toBe('1');
      expect(await down.json()).toEqual({ status: 'unavailable', checks: { redis: 'down' } });
      expect(await status('/healthz')).toBe(200);
    } finally {
      redis.process.kill('SIGCONT');
    }
    await waitFor(async () => (await status('/readyz')) === 200, { what: '200 again' });
  });

  it('answers /readyz 503 while its Redis is stopped and 200 once it is back', async () => {
    await redis.stop();
    await waitFor(async () => (await status('/readyz')) === 503, { what: '503 while stopped' });
    expect(await status('/healthz')).toBe(200);
    redis = await startPrivateRedis({ dir: redisDir, persistent: false, port: redis.port });
    await waitFor(async () => (await status('/readyz')) === 200, {
      timeoutMs: 10_000,
      what: '200 once Redis is back',
    });
  });

  it('on SIGTERM closes the listener after the workers stopped, then exits 0', async () => {
    // Failed twice under a heavy load (exit 1) and never alone: the worker's last lines say why.
    const code = await stopWorker(worker);
    expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
    const log = messages(worker);
    expect(log).toContain('operations listener closed');
    expect(log.indexOf('operations listener closed')).toBeGreaterThan(
      log.indexOf('worker stopping'),
    );
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('the worker process without GW_WORKER_METRICS_PORT', () => {
  it(
    'listens on no TCP port, and still exits 0 on SIGTERM',
    async () => {
      const worker = startWorker({});
      await started(worker);
      expect(listeningPorts(worker.child.pid!)).toEqual([]);
      expect(messages(worker)).not.toContain('operations listener started');
      expect(await stopWorker(worker)).toBe(0);
    },
    START_TIMEOUT_MS,
  );
});

describe('the worker process with GW_METRICS_ENABLED=false', () => {
  it(
    'answers /healthz and /readyz on its port but /metrics 404',
    async () => {
      const port = await freePort();
      const worker = startWorker({
        GW_WORKER_METRICS_PORT: String(port),
        GW_WORKER_METRICS_HOST: '127.0.0.1',
        GW_METRICS_ENABLED: 'false',
      });
      await started(worker);
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      expect(await stopWorker(worker)).toBe(0);
    },
    START_TIMEOUT_MS,
  );
});

describe('the worker process stopped while its Redis is down', () => {
  it(
    'on SIGTERM while its connections wait to reconnect, stops cleanly and exits 0',
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const worker = startWorker({
        GW_WORKER_METRICS_PORT: String(port),
        GW_WORKER_METRICS_HOST: '127.0.0.1',
      });
      await started(worker);
      await redis.stop();
      try {
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, {
          what: '503 while Redis is stopped',
        });
        const code = await stopWorker(worker);
        expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
        expect(messages(worker)).not.toContain('worker did not stop cleanly');
      } finally {
        redis = await startPrivateRedis({ dir: redisDir, persistent: false, port: redis.port });
      }
    },
    START_TIMEOUT_MS,
  );
});

describe('the worker process stopped during its start', () => {
  /** SIGTERM once the worker logged 'worker starting'; its exit code and the ms from signal to exit. */
  async function stopWhileStarting(
    worker: WorkerChild,
  ): Promise<{ code: number | string; ms: number }> {
    // Node's start under load can be slow: the line comes once runProcess handles signals.
    await waitFor(
      () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
        return messages(worker).includes('worker starting');
      },
      { timeoutMs: 60_000, what: 'worker starting' },
    );
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    const code = await worker.exited;
    return { code, ms: Date.now() - signalled };
  }

  it(
    'on SIGTERM while no Redis listens on its port, gives up the wait at once and exits 0 without starting',
    async () => {
      // GW_REDIS_STARTUP_TIMEOUT_MS far above the bound below: an exit within it is the signal's.
      const worker = startWorker({
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        GW_REDIS_STARTUP_TIMEOUT_MS: '60000',
      });
      const { code, ms } = await stopWhileStarting(worker);
      expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
      expect(ms).toBeLessThan(30_000);
      const log = messages(worker);
      expect(log).toContain('worker stopped before it started');
      expect(log).not.toContain('workers started');
      expect(log).not.toContain('worker failed to start');
      expect(log).not.toContain('worker did not stop cleanly');
    },
    START_TIMEOUT_MS,
  );

  it(
    'on SIGTERM while it waits for Redis (paused), gives up the wait before Redis answers and exits 0 without starting',
    async () => {
      redis.process.kill('SIGSTOP');
      try {
        const worker = startWorker({ GW_REDIS_STARTUP_TIMEOUT_MS: '60000' });
        // Redis stays paused until the worker has exited: the exit cannot be the start's finish.
        const { code, ms } = await stopWhileStarting(worker);
        expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
        expect(ms).toBeLessThan(30_000);
        const log = messages(worker);
        expect(log).toEqual(
          expect.arrayContaining(['worker stopping', 'worker stopped before it started']),
        );
        expect(log).not.toContain('workers started');
        expect(log).not.toContain('worker did not stop cleanly');
      } finally {
        redis.process.kill('SIGCONT');
      }
    },
    START_TIMEOUT_MS,
  );

  /**
   * SIGTERM once the worker's start, past its wait for Redis, waits on a command that Redis (seen
   * through a gate, tests/support/redis-gate.ts) never answers: the first one containing `pattern`
   * (after one containing `after`), as a Redis gone just after its first answers. Its exit code.
   */
  async function stopWhileHeld(
    pattern: string,
    after?: string,
  ): Promise<{ worker: WorkerChild; code: number | string }> {
    const gate = await startRedisGate(redis.url);
    try {
      gate.holdNext(pattern, after);
      // No step of the start gives up by itself before the shutdown deadline (GW_SHUTDOWN_TIMEOUT_MS,
      // 10 s; the worker's own connections have no command timeout): an exit 0 is the signal's
      // doing, and one past that deadline would be exit 1, "worker did not stop cleanly".
      const worker = startWorker({ REDIS_URL: gate.url, GW_REDIS_STARTUP_TIMEOUT_MS: '60000' });
      await waitFor(
        () => {
          if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
          return gate.holding();
        },
        { timeoutMs: 60_000, what: `the worker's start held at ${pattern}` },
      );
      worker.child.kill('SIGTERM');
      // The gate holds until the worker has exited: the exit cannot be the step's finish.
      const code = await worker.exited;
      return { worker, code };
    } finally {
      await gate.close();
    }
  }

  it(
    'on SIGTERM while it reads the catalogue from a Redis that stopped answering, gives up the read and exits 0 without starting',
    async () => {
      const { worker, code } = await stopWhileHeld('{catalogue}:revision');
      expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
      const log = messages(worker);
      expect(log).toEqual(
        expect.arrayContaining(['worker stopping', 'worker stopped before it started']),
      );
      expect(log).not.toContain('catalogue loaded');
      expect(log).not.toContain('catalogue reload failed');
      expect(log).not.toContain('workers started');
      expect(log).not.toContain('worker did not stop cleanly');
    },
    START_TIMEOUT_MS,
  );

  it(
    'on SIGTERM while its queues check a Redis that stopped answering after the catalogue loaded, gives up the check and exits 0 without starting',
    async () => {
      // The queues' connection's first command (its ready check's INFO) after the catalogue's
      // SUBSCRIBE: every INFO before it is an earlier connection's.
      const { worker, code } = await stopWhileHeld('*1\r\n$4\r\ninfo\r\n', '\r\nsubscribe\r\n');
      expect(code, worker.output().split('\n').slice(-15).join('\n')).toBe(0);
      const log = messages(worker);
      expect(log).toEqual(
        expect.arrayContaining([
          'catalogue loaded',
          'worker stopping',
          'worker stopped before it started',
        ]),
      );
      expect(log).not.toContain('workers started');
      expect(log).not.toContain('worker did not stop cleanly');
    },
    START_TIMEOUT_MS,
  );
});
