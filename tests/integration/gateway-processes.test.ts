// Many gateway processes on one port (README.md#scaling-the-gateway): the real entry point,
// gateway/main.ts, with GW_GATEWAY_PROCESSES=2 in a child process. Both processes answer requests
// on the shared port, signed submissions work whichever process takes them, a process killed
// while serving is replaced, SIGTERM (or a terminal's Ctrl-C, reaching the primary and its
// processes at once) stops them all cleanly, and a start that fails stops
// everything with exit 1 instead of restarting for ever. And one process (the default) told to
// stop while it waits for a Redis that does not answer — to come up, or, answering no more, in its
// catalogue read or its queues' check: it gives up the wait and exits 0.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { devSecret, validExample } from '../support/api-gateway.ts';
import { startNodeChild } from '../support/node-child.ts';
import { startRedisGate } from '../support/redis-gate.ts';
import { testDataKeys, testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';

const main = projectPath('gateway/main.ts');

interface Started {
  pid: number;
  exit: Promise<number | null>;
  lines: () => Record<string, unknown>[];
  output: () => string;
}

// Each test waits for its own children to exit; what a failed test left running is killed once
// the file's tests are done (the one-process tests run at once, so not after each test: that
// would kill its neighbours' children).
const running: Started[] = [];
afterAll(async () => {
  for (const started of running.splice(0)) {
    try {
      process.kill(started.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await started.exit;
  }
});

function startGateway(env: Record<string, string>, { detached = false } = {}): Started {
  const { child, output, lines, exited } = startNodeChild(
    main,
    {
      REDIS_URL: testRedisUrl(),
      GW_KEY_PREFIX: uniquePrefix('procs'),
      GW_DATA_KEYS: testDataKeys(),
      GW_HOST: '127.0.0.1',
      ...env,
    },
    { detached },
  );
  const started = { pid: child.pid!, exit: exited.then(({ code }) => code), output, lines };
  running.push(started);
  return started;
}

/** GET on a connection of its own, so the primary hands each request to the next process. */
function getOnNewConnection(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function listeningLines(started: Started) {
  return started.lines().filter((l) => l.msg === 'gateway processes listening');
}

// The file's three groups run side by side (vitest runs adjacent concurrent suites at once): each
// test has its own children, port and key prefix, and mostly waits on their start — a catalogue
// compiled, a Redis that does not answer: one group after the other, the file took 24 s in CI.
describe.concurrent('GW_GATEWAY_PROCESSES=2, one pair for two tests', () => {
  // Each process compiles the catalogue at start: two of them on a busy 2-core machine take a while.
  // One pair serves two tests, in this order (it.sequential: beside the other groups, not beside
  // each other): the one that kills a process and sees it replaced, then the one that has both
  // (the replacement among them) serve and stops them with SIGTERM.
  // A pair of its own for each cost three more node processes, two of them compiling the catalogue.
  let shared: { port: number; started: Started };
  beforeAll(async () => {
    const port = await freePort();
    const started = startGateway({ PORT: String(port), GW_GATEWAY_PROCESSES: '2' });
    await waitFor(() => listeningLines(started).length === 1, {
      timeoutMs: 60_000,
      what: 'both gateway processes listening',
    });
    shared = { port, started };
  }, 90_000);

  it.sequential(
    'replaces a process killed while serving, and keeps answering meanwhile',
    { timeout: 150_000 },
    async () => {
      const { port, started } = shared;
      const [victim, survivor] = listeningLines(started)[0]!.pids as number[];
      process.kill(victim!, 'SIGKILL');
      await waitFor(
        () => started.lines().some((l) => l.msg === 'gateway process died: starting another'),
        {
          what: 'the supervisor to notice',
        },
      );
      expect(await getOnNewConnection(port, '/healthz')).toBe(200);
      await waitFor(() => listeningLines(started).length === 2, {
        timeoutMs: 60_000,
        what: 'the replacement listening',
      });
      const pids = listeningLines(started)[1]!.pids as number[];
      expect(pids).toContain(survivor);
      expect(pids).not.toContain(victim);
      expect(pids).toHaveLength(2);
    },
  );

  it.sequential(
    'serves requests from both processes on one port and stops both cleanly on SIGTERM',
    { timeout: 150_000 },
    async () => {
      const { port, started } = shared;
      // The lines from here on: the test before this one made a request of its own.
      const linesBefore = started.lines().length;
      for (let i = 0; i < 20; i++) expect(await getOnNewConnection(port, '/healthz')).toBe(200);
      // A request's log line is written once its answer is sent: wait for all twenty.
      const servedBy = await waitFor(
        () => {
          const served = started
            .lines()
            .slice(linesBefore)
            .filter((l) => l.msg === 'request' && l.path === '/healthz')
            .map((l) => l.gatewayProcess);
          return served.length === 20 ? served : undefined;
        },
        { what: 'twenty request log lines' },
      );
      expect(new Set(servedBy)).toEqual(new Set([1, 2]));

      // Signed submissions share nonces, rate limits and cases through Redis, whichever process
      // answers: each is accepted once.
      const client = new GatewayClient(`http://127.0.0.1:${port}`, {
        clientId: 'portal-sc',
        secret: devSecret('portal-sc'),
      });
      for (let i = 0; i < 4; i++) {
        const res = await client.submitCase(validExample('SW-005'), `procs-${Date.now()}-${i}`);
        expect(res.status).toBe(202);
      }

      process.kill(started.pid, 'SIGTERM');
      expect(await started.exit).toBe(0);
      const stopped = started.lines().filter((l) => l.msg === 'shutdown: complete');
      expect(stopped.map((l) => l.gatewayProcess).sort()).toEqual([1, 2]);
    },
  );
});

describe.concurrent('GW_GATEWAY_PROCESSES=2', () => {
  it(
    'stops both processes cleanly on a terminal Ctrl-C: SIGINT to the whole group, then the primary passing it on as SIGTERM',
    { timeout: 150_000 },
    async () => {
      const port = await freePort();
      const started = startGateway(
        { PORT: String(port), GW_GATEWAY_PROCESSES: '2' },
        { detached: true },
      );
      await waitFor(() => listeningLines(started).length === 1, {
        timeoutMs: 60_000,
        what: 'both gateway processes listening',
      });
      process.kill(-started.pid, 'SIGINT');
      expect(await started.exit).toBe(0);
      const stopped = started.lines().filter((l) => l.msg === 'shutdown: complete');
      expect(stopped.map((l) => l.gatewayProcess).sort()).toEqual([1, 2]);
    },
  );

  it(
    'stops with exit 1 when its processes cannot start, instead of restarting them for ever',
    { timeout: 150_000 },
    async () => {
      const started = startGateway({
        PORT: String(await freePort()),
        GW_GATEWAY_PROCESSES: '2',
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        GW_REDIS_STARTUP_TIMEOUT_MS: '300',
      });
      expect(await started.exit).toBe(1);
      expect(started.output()).toContain('gateway process failed to start: stopping all');
      expect(started.lines().filter((l) => l.msg === 'starting gateway processes')).toHaveLength(1);
    },
  );
});

// Each test has a child (and a Redis gate) of its own and waits mostly on its start: at once.
describe.concurrent('one gateway process (GW_GATEWAY_PROCESSES=1)', () => {
  it(
    'on SIGTERM while no Redis listens on its port, gives up the wait at once and exits 0 without starting',
    { timeout: 120_000 },
    async () => {
      // GW_REDIS_STARTUP_TIMEOUT_MS far above the bound below: an exit within it is the signal's.
      const started = startGateway({
        PORT: String(await freePort()),
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        GW_REDIS_STARTUP_TIMEOUT_MS: '60000',
        LOG_FLUSH_MS: '0',
      });
      // Node's start under load can be slow: the line comes once runProcess handles signals.
      await waitFor(() => started.lines().some((l) => l.msg === 'gateway starting'), {
        timeoutMs: 60_000,
        what: 'gateway starting',
      });
      const signalled = Date.now();
      process.kill(started.pid, 'SIGTERM');
      expect(await started.exit, started.output()).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(30_000);
      const messages = started.lines().map((l) => l.msg);
      expect(messages).toContain('gateway stopped before it started');
      expect(messages).not.toContain('gateway failed to start');
      expect(messages).not.toContain('gateway listening');
    },
  );

  /**
   * SIGTERM once the gateway's start, past its wait for Redis and its checks of it, waits on a
   * command that Redis (seen through a gate, tests/support/redis-gate.ts) never answers: the first
   * one containing `pattern` (after one containing `after`). The gate holds until it has exited.
   */
  async function stopWhileHeld(pattern: string, after?: string): Promise<Started> {
    const gate = await startRedisGate(testRedisUrl());
    try {
      gate.holdNext(pattern, after);
      // The catalogue's reads are held to the start-up timeout: 60 s, far past the shutdown
      // deadline (GW_SHUTDOWN_TIMEOUT_MS, 10 s), which an unfinished stop ends with exit 1.
      const started = startGateway({
        PORT: String(await freePort()),
        REDIS_URL: gate.url,
        GW_REDIS_STARTUP_TIMEOUT_MS: '60000',
        LOG_FLUSH_MS: '0',
      });
      await waitFor(() => gate.holding(), {
        timeoutMs: 60_000,
        what: `the gateway's start held at ${pattern}`,
      });
      process.kill(started.pid, 'SIGTERM');
      await started.exit;
      return started;
    } finally {
      await gate.close();
    }
  }

  it(
    'on SIGTERM while it reads the catalogue from a Redis that stopped answering, gives up the read and exits 0 without starting',
    { timeout: 120_000 },
    async () => {
      const started = await stopWhileHeld('{catalogue}:revision');
      expect(await started.exit, started.output()).toBe(0);
      const messages = started.lines().map((l) => l.msg);
      expect(messages).toEqual(
        expect.arrayContaining(['gateway stopping', 'gateway stopped before it started']),
      );
      expect(messages).not.toContain('catalogue reload failed');
      expect(messages).not.toContain('gateway did not stop cleanly');
      expect(messages).not.toContain('gateway listening');
    },
  );

  it(
    'on SIGTERM while its queues check a Redis that stopped answering after the catalogue loaded, gives up the check and exits 0 without starting',
    { timeout: 120_000 },
    async () => {
      // The first command after the catalogue's SUBSCRIBE that is a connection's ready check (INFO):
      // one of the connections made for the services, the queues' among them.
      const started = await stopWhileHeld('*1\r\n$4\r\ninfo\r\n', '\r\nsubscribe\r\n');
      expect(await started.exit, started.output()).toBe(0);
      const messages = started.lines().map((l) => l.msg);
      expect(messages).toEqual(
        expect.arrayContaining([
          'catalogue loaded',
          'gateway stopping',
          'gateway stopped before it started',
        ]),
      );
      expect(messages).not.toContain('gateway did not stop cleanly');
      expect(messages).not.toContain('gateway listening');
    },
  );
});
