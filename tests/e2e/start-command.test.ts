// Issue 2's promise to a newcomer: `npm start` brings up a gateway with its own Redis, serves 200
// on /readyz, runs the taxpayer portal beside it, and Ctrl-C stops them all. Runs the real script
// in a child process. An operator rehearsing an outage fails a province through the sandboxes'
// faults.json and brings it back.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/redis.ts';

const script = new URL('../../scripts/start.ts', import.meta.url).pathname;
const projectDir = new URL('../..', import.meta.url).pathname;

/**
 * `npm start` as a newcomer types it: npm runs package.json's `start` through sh, which `exec`s
 * node. `npm test` tells its children where its npm is; run alone, the npm on the PATH.
 */
const npmStart = (): [string, string[]] =>
  process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, 'start']]
    : ['npm', ['start']];

/**
 * The processes whose environment names this sandbox folder: everything a start began (npm, sh,
 * node and the redis-server it spawned inherit it), wherever its process group or session.
 */
function processesOf(sandboxDir: string): string[] {
  const marker = `GW_SANDBOX_DIR=${sandboxDir}\0`;
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  });
}

/**
 * Whether a process has ended: gone, or a zombie (exited; its new parent, in a container perhaps
 * not an init that reaps, has not collected it).
 */
function ended(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** What each process still running is, for a test that waited for them to end in vain. */
function survivors(pids: readonly string[]): string {
  return pids
    .filter((pid) => !ended(pid))
    .map((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
        const status = readFileSync(`/proc/${pid}/status`, 'latin1');
        const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1];
        return `${pid} (${cmd}; state ${field('State')}, parent ${field('PPid')}, signals caught ${field('SigCgt')}, blocked ${field('SigBlk')}, ignored ${field('SigIgn')})`;
      } catch {
        return `${pid} (gone)`;
      }
    })
    .join('; ');
}

function run(
  env: NodeJS.ProcessEnv,
  how: 'script' | 'npm' | 'terminal' = 'script',
  terminalArgs: string[] = [],
) {
  const [command, args] =
    how === 'npm'
      ? npmStart()
      : how === 'terminal'
        ? ['script', terminalArgs]
        : [process.execPath, [script]];
  // Its own process group: should the test fail half-way, `stopAll` ends the script and all it
  // started (Redis, workers, sandboxes, the portal) rather than leaving them to the machine. It is
  // also what a terminal's Ctrl-C reaches: the whole group.
  const child = spawn(command, args, {
    cwd: projectDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // 'close', not 'exit': the tests read the output once it has exited, and its last lines (start
  // failed: …, shutdown: complete) may still be in npm's pipe when the process has gone.
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // The private redis-server runs in a process group of its own (so Ctrl-C reaches it only
  // through the script's stop): killed with the script's group, a failed test left it running.
  // Whether or not npm has exited: what it left behind (node orphaned, say) is still in the group.
  const stopAll = async () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is empty, everything stopped.
    }
    const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
    if (!redisUrl) return;
    const redis = new Redis(redisUrl, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    await redis.shutdown('NOSAVE').catch(() => undefined);
    redis.disconnect();
  };
  /**
   * Resolves with the first match of `pattern` in the output. A start that fails (a port taken
   * between the test choosing it and the process binding it, say) exits at once: refused then,
   * with the output, rather than waited on to the bound; the bound's refusal carries it too.
   */
  const printed = async (pattern: RegExp, what: string): Promise<RegExpExecArray> => {
    const tail = () => output.split('\n').slice(-40).join('\n');
    let exited = false;
    void exit.then(() => (exited = true));
    const seen = await waitFor(() => pattern.exec(output) ?? (exited ? 'exited' : null), {
      timeoutMs: 90_000,
      what,
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; its output:\n${tail()}`);
    });
    if (seen === 'exited' || seen === null) {
      throw new Error(
        `npm start exited (${child.exitCode ?? child.signalCode}) before ${what}; its output:\n${tail()}`,
      );
    }
    return seen;
  };
  return { child, exit, output: () => output, printed, stopAll };
}

/**
 * The waits are bounds on a start, not its measure: compiling the catalogue and starting the
 * workers took 27 s on this 2-core machine under a load of 15 (3–5 s when it is quiet).
 */
async function startsAndStops(started: ReturnType<typeof run>, sandboxDir: string) {
  const { port, portalPort } = await startedOn(started);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
    timeoutMs: 30_000,
    what: 'readyz 200',
  });
  const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(started.output())?.[0];
  expect(redisUrl).toBeDefined();
  // The portal starts last, once the gateway, workers and sandboxes are up: it is up already.
  const loginPage = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${portalPort}/login`);
      return res.status === 200 ? res.text() : '';
    },
    { timeoutMs: 30_000, what: 'the portal login page' },
  );
  expect(loginPage).toContain('企业登录');

  // The yn sandbox goes down when faults.json says so and comes back when it no longer does.
  const yn = /province sandboxes: .*\byn (http:\/\/127\.0\.0\.1:\d+)/.exec(started.output())?.[1];
  expect(yn).toBeDefined();
  const answers = () =>
    fetch(`${yn}/`).then(
      () => true,
      () => false,
    );
  expect(await answers()).toBe(true);
  writeFileSync(join(sandboxDir, 'faults.json'), '{ "yn": { "down": true } }');
  await waitFor(async () => !(await answers()), { what: 'yn sandbox down' });
  // The sandbox stops answering before start prints the line, which then passes through npm's
  // pipe: the line is waited for, not read at once.
  await started.printed(/sandbox faults: yn down=true/, 'the fault said');
  writeFileSync(join(sandboxDir, 'faults.json'), '{ "yn": { "errorRate": 2 } }');
  await waitFor(async () => started.output().includes('ignored: yn: errorRate is a number'), {
    what: 'a bad knob refused',
  });
  expect(await answers()).toBe(false);
  writeFileSync(join(sandboxDir, 'faults.json'), '{}');
  await waitFor(answers, { what: 'yn sandbox back' });
  await started.printed(/sandbox faults: yn back to normal/, 'the recovery said');

  // Ctrl-C in a terminal: SIGINT to the whole group, npm and node alike, and npm passes its own on
  // to node as well. The echo must not cut the stop short: everything drains and stops.
  process.kill(-started.child.pid!, 'SIGINT');
  await stopsEverything(started, redisUrl!, port, portalPort);
}

/**
 * Where the gateway and the portal listen, from start's line once everything is up (the portal
 * starts last, after the gateway, workers and sandboxes).
 */
async function startedOn(started: ReturnType<typeof run>) {
  const ready = await started.printed(
    /gateway ready on http:\/\/localhost:(\d+) .*taxpayer portal on http:\/\/127\.0\.0\.1:(\d+)/,
    'the whole system started',
  );
  return { port: Number(ready[1]), portalPort: Number(ready[2]) };
}

/** npm (or the script) exits 0 after the gateway drained; Redis, gateway and portal are gone. */
async function stopsEverything(
  started: ReturnType<typeof run>,
  redisUrl: string,
  port: number,
  portalPort: number,
) {
  const code = await Promise.race([
    started.exit,
    new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000)),
  ]);
  expect(code).toBe(0);
  expect(started.output()).toContain('"msg":"shutdown: complete"');
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  await expect(probe.connect()).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${portalPort}/login`)).rejects.toThrow();
}

/**
 * Port 0 for the gateway and the portal: the kernel picks free ones as they bind, and start says
 * which. A port the test chose beforehand could be taken in between (by another test's outgoing
 * connection, say), and the start then fails.
 */
function startEnv(sandboxDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    PORTAL_PORT: '0',
    GW_REDIS_DIR: mkdtempSync(join(tmpdir(), 'swgw-start-')),
    GW_SANDBOX_DIR: sandboxDir,
  };
  delete env.REDIS_URL;
  return env;
}

describe('npm start', () => {
  // A whole system (gateway, workers, seven sandboxes, the portal, a private Redis) costs seconds of
  // CPU to start. One started with npm serves two tests, in this order (it.sequential): a second
  // start over its Redis folder is refused while it runs and leaves it serving; then it serves,
  // fails and restores a sandbox, and stops on a terminal's Ctrl-C. The three groups run side by
  // side (adjacent concurrent suites): each test's system is its own, in folders of its own on
  // ports the kernel picks, and each waits mostly on its start and stop; this group first, then
  // the other two, took 33 s in CI.
  describe.concurrent('one system, started with npm', () => {
    let first: { started: ReturnType<typeof run>; sandboxDir: string; env: NodeJS.ProcessEnv };
    beforeAll(async () => {
      const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'));
      const env = startEnv(sandboxDir);
      first = { started: run(env, 'npm'), sandboxDir, env };
      await startedOn(first.started);
    }, 120_000);
    afterAll(() => first?.started.stopAll());

    it.sequential(
      'refuses a second start over the same Redis data folder while the first runs, naming the first one’s redis-server, and leaves the first serving',
      async () => {
        const { port } = await startedOn(first.started);
        const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(first.started.output())?.[0];
        const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 0 });
        const redisPid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
        redis.disconnect();
        const second = run({
          ...first.env,
          GW_SANDBOX_DIR: mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-')),
        });
        try {
          expect(await second.exit).toBe(1);
          expect(second.output()).toContain(
            `start failed: a redis-server (process ${redisPid}) still runs over ${first.env.GW_REDIS_DIR}`,
          );
        } finally {
          await second.stopAll();
        }
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      },
      120_000,
    );

    it.sequential(
      'serves /readyz 200 with a private Redis and the portal where start says (ports 0), fails and restores the yn sandbox by its faults.json, and stops them all cleanly on a terminal Ctrl-C (SIGINT to npm and node)',
      async () => {
        await startsAndStops(first.started, first.sandboxDir);
      },
      180_000,
    );
  });

  // Each stops in its own way, and each waits mostly on its own start and stop: at once.
  describe.concurrent('stopped from outside', () => {
    it('stops everything cleanly when a supervisor sends SIGTERM to the npm process alone (node was left running, orphaned)', async () => {
      const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'));
      const started = run(startEnv(sandboxDir), 'npm');
      try {
        const { port, portalPort } = await startedOn(started);
        const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(started.output())?.[0];
        expect(redisUrl).toBeDefined();
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        started.child.kill('SIGTERM');
        await stopsEverything(started, redisUrl!, port, portalPort);
      } finally {
        await started.stopAll();
      }
    }, 180_000);

    it('stops everything, the private Redis too, when its terminal closes (SIGHUP to the foreground group), leaving no process of it behind', async () => {
      const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'));
      // A terminal of its own: script(1) runs npm start on a pseudo-terminal, as a shell in a
      // terminal window does; SIGKILL to script closes the terminal's master side, and the kernel
      // then sends SIGHUP to the foreground process group, as closing the window (or an ssh session
      // dropping) does. The private redis-server runs in a group of its own, out of the hang-up's
      // reach: only the start's stop ends it.
      const [npm, args] = npmStart();
      const inTerminal = run(startEnv(sandboxDir), 'terminal', [
        '-qfec',
        [npm, ...args].map((word) => `'${word}'`).join(' '),
        '/dev/null',
      ]);
      try {
        const { port, portalPort } = await startedOn(inTerminal);
        const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(inTerminal.output())?.[0];
        expect(redisUrl).toBeDefined();
        // npm, its shell and node; redis-server rewrites its environment (its process title), so
        // it is known by the process id it gives.
        const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 0 });
        const redisPid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
        redis.disconnect();
        expect(redisPid).toBeDefined();
        const system = [...processesOf(sandboxDir), redisPid!];
        expect(system.length).toBeGreaterThanOrEqual(3);
        inTerminal.child.kill('SIGKILL');
        await waitFor(() => system.every(ended), {
          timeoutMs: 30_000,
          what: 'npm, node and redis-server ended',
        }).catch((error: unknown) => {
          throw new Error(`${(error as Error).message}; left: ${survivors(system)}`);
        });
        await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
        await expect(fetch(`http://127.0.0.1:${portalPort}/login`)).rejects.toThrow();
      } finally {
        await inTerminal.stopAll();
        for (const pid of processesOf(sandboxDir)) process.kill(Number(pid), 'SIGKILL');
      }
    }, 180_000);
  });

  describe.concurrent('refused starts', () => {
    it('with the portal port taken: says which address is in use and what to set, stops the gateway, workers and private Redis it had started, and none of them complains of the others going', async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const takenPort = (taken.address() as AddressInfo).port;
      const env = { ...startEnv(mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'))) };
      env.PORTAL_PORT = String(takenPort);
      const started = run(env);
      try {
        expect(await started.exit).toBe(1);
        expect(started.output()).toContain(
          `start failed: 127.0.0.1:${takenPort} is already in use (another \`npm start\`, or another program, listens there): stop it, or choose free ports with PORT (the gateway) and PORTAL_PORT (the taxpayer portal)`,
        );
        expect(started.output()).toContain('"msg":"shutdown: complete"');
        // Redis going from under them would show as resets and refusals (a worker closed within
        // milliseconds of its start may still say "Connection is closed": its own close).
        expect(started.output()).not.toMatch(/ECONNRESET|ECONNREFUSED/);
        const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(started.output())?.[0];
        expect(redisUrl).toBeDefined();
        const probe = new Redis(redisUrl!, {
          lazyConnect: true,
          retryStrategy: () => null,
          maxRetriesPerRequest: 0,
        });
        probe.on('error', () => undefined);
        await expect(probe.connect()).rejects.toThrow();
      } finally {
        await started.stopAll();
        taken.close();
      }
    }, 120_000);

    it('names every problem of a bad portal setting and exits 1 before starting the gateway', async () => {
      const env = { ...startEnv(mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'))) };
      env.PORTAL_PORT = '99999';
      env.PORTAL_SESSION_MINUTES = 'soon';
      const started = run(env);
      try {
        expect(await started.exit).toBe(1);
        expect(started.output()).toContain(
          'invalid portal configuration:\n  - PORTAL_PORT must be 0–65535',
        );
        expect(started.output()).toMatch(/^ {2}- PORTAL_SESSION_MINUTES .+$/m);
        expect(started.output()).not.toContain('gateway listening');
      } finally {
        await started.stopAll();
      }
    });

    it('explains what to install when redis-server is missing and REDIS_URL is unset', async () => {
      const env = { PATH: dirname(process.execPath), HOME: process.env.HOME ?? '/tmp' };
      const started = run(env);
      expect(await started.exit).toBe(1);
      expect(started.output()).toMatch(/apt-get install -y redis-server/);
      expect(started.output()).toMatch(/REDIS_URL/);
    });
  });
});
