// Issue 2's promise to a newcomer: `npm start` brings up a gateway with its own Redis, serves 200
// on /readyz, runs the taxpayer portal beside it, and Ctrl-C stops them all. Runs the real script
// in a child process. An operator rehearsing an outage fails a province through the sandboxes'
// faults.json and brings it back.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/private-redis.ts';
import { waitFor } from '../support/redis.ts';

const script = new URL('../../scripts/start.ts', import.meta.url).pathname;

function run(env: NodeJS.ProcessEnv) {
  // Its own process group: should the test fail half-way, `stopAll` ends the script and all it
  // started (Redis, workers, sandboxes, the portal) rather than leaving them to the machine.
  const child = spawn(process.execPath, [script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  // The private redis-server runs in a process group of its own (so Ctrl-C reaches it only
  // through the script's stop): killed with the script's group, a failed test left it running.
  const stopAll = async () => {
    if (exited || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGKILL');
    const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
    if (!redisUrl) return;
    const redis = new Redis(redisUrl, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    await redis.shutdown('NOSAVE').catch(() => undefined);
    redis.disconnect();
  };
  return { child, exit, output: () => output, stopAll };
}

/**
 * The waits are bounds on a start, not its measure: compiling the catalogue and starting the
 * workers took 27 s on this 2-core machine under a load of 15 (3–5 s when it is quiet).
 */
async function startsAndStops(
  started: ReturnType<typeof run>,
  port: number,
  portalPort: number,
  sandboxDir: string,
) {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
    timeoutMs: 90_000,
    what: 'readyz 200',
  });
  const redisUrl = /redis:\/\/127\.0\.0\.1:\d+/.exec(started.output())?.[0];
  expect(redisUrl).toBeDefined();
  // The portal starts last, once the gateway, workers and sandboxes are up.
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
  await waitFor(async () => !(await answers()), { timeoutMs: 10_000, what: 'yn sandbox down' });
  expect(started.output()).toContain('sandbox faults: yn down=true');
  writeFileSync(join(sandboxDir, 'faults.json'), '{ "yn": { "errorRate": 2 } }');
  await waitFor(async () => started.output().includes('ignored: yn: errorRate is a number'), {
    timeoutMs: 10_000,
    what: 'a bad knob refused',
  });
  expect(await answers()).toBe(false);
  writeFileSync(join(sandboxDir, 'faults.json'), '{}');
  await waitFor(answers, { timeoutMs: 10_000, what: 'yn sandbox back' });
  expect(started.output()).toContain('sandbox faults: yn back to normal');

  started.child.kill('SIGINT');
  const code = await Promise.race([
    started.exit,
    new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000)),
  ]);
  expect(code).toBe(0);
  const probe = new Redis(redisUrl!, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  await expect(probe.connect()).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${portalPort}/login`)).rejects.toThrow();
}

describe('npm start', () => {
  it('serves /readyz 200 with a private Redis, the portal on PORTAL_PORT, fails and restores the yn sandbox by its faults.json, and stops them on SIGINT', async () => {
    const port = await freePort();
    const portalPort = await freePort();
    const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-start-sandboxes-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      PORTAL_PORT: String(portalPort),
      GW_REDIS_DIR: mkdtempSync(join(tmpdir(), 'swgw-start-')),
      GW_SANDBOX_DIR: sandboxDir,
    };
    delete env.REDIS_URL;
    const started = run(env);
    try {
      await startsAndStops(started, port, portalPort, sandboxDir);
    } finally {
      await started.stopAll();
    }
  }, 180_000);

  it('explains what to install when redis-server is missing and REDIS_URL is unset', async () => {
    const env = { PATH: dirname(process.execPath), HOME: process.env.HOME ?? '/tmp' };
    const started = run(env);
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/apt-get install -y redis-server/);
    expect(started.output()).toMatch(/REDIS_URL/);
  });
});
