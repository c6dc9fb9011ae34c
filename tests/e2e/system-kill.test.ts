// Fault figures, scenario (ii) of issue 12: the whole `npm start` system — gateway, workers and the
// seven sandboxes, one process group — is killed with SIGKILL while it delivers under 100
// submissions/s, and started again on the same Redis (a redis-server of this file's own, AOF) and
// the same sandbox journals. Portals retry the submissions the dead gateway did not answer with
// the same Idempotency-Key. Printed and asserted: accepted, lost 0, stuck 0, delivered twice 0
// (README.md#fault-figures).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../adapters/kit/sandbox-journal.ts';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { plainRedis, uniquePrefix, waitFor } from '../support/redis.ts';
import { measureFaultFigures, printFaultFigures } from './support/fault-figures.ts';
import { FAULT_TIMING, LOAD, LOAD_ADAPTERS } from './support/fault-settings.ts';
import { startPortalLoad } from './support/portal-load.ts';

const script = new URL('../../scripts/start.ts', import.meta.url).pathname;
const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-kill-sandboxes-'));
const redisDir = mkdtempSync(join(tmpdir(), 'swgw-kill-redis-'));
const prefix = uniquePrefix('e2e-kill');
let redis: PrivateRedis;
let reader: Redis;
let port: number;
let system: ChildProcess | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis({ dir: redisDir, persistent: true });
  reader = plainRedis(redis.url);
  port = await freePort();
});
afterAll(async () => {
  if (system?.exitCode === null) killGroup(system);
  reader?.disconnect();
  await redis?.stop();
  for (const dir of [redisDir, sandboxDir]) rmSync(dir, { recursive: true, force: true });
});

/** `npm start` in its own process group, on this file's Redis, port and sandbox folder. */
async function startSystem(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      ...FAULT_TIMING.env,
      REDIS_URL: redis.url,
      PORT: String(port),
      GW_HOST: '127.0.0.1',
      GW_KEY_PREFIX: prefix,
      GW_SANDBOX_DIR: sandboxDir,
      GW_ENV: 'test',
      LOG_LEVEL: 'silent',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
      return output.includes('gateway ready');
    },
    { timeoutMs: 30_000, what: 'npm start to be ready' },
  );
  return child;
}

/** SIGKILL to the whole process group, as a crashed host or an OOM kill would. */
function killGroup(child: ChildProcess): void {
  process.kill(-child.pid!, 'SIGKILL');
}

const deliveriesAtProvinces = () =>
  LOAD_ADAPTERS.reduce(
    (n, id) =>
      n + readJournal(join(sandboxDir, `${id}.jsonl`)).filter((e) => e.k === 'case').length,
    0,
  );

describe('the whole system killed mid-delivery', () => {
  it(
    'loses, strands and duplicates nothing once restarted',
    { timeout: LOAD.testTimeoutMs },
    async () => {
      system = await startSystem();
      const load = startPortalLoad({
        gatewayUrl: () => `http://127.0.0.1:${port}`,
        adapters: LOAD_ADAPTERS,
        ratePerSecond: LOAD.ratePerSecond,
        durationMs: LOAD.durationMs,
        retryEveryMs: 200,
        retryForMs: LOAD.retryForMs,
        label: 'kill',
      });
      // Mid-delivery: provinces are receiving cases and submissions keep arriving.
      await waitFor(() => deliveriesAtProvinces() >= 30, {
        timeoutMs: 20_000,
        what: '30 deliveries at the provinces',
      });
      const exited = once(system, 'exit');
      killGroup(system);
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
      const heldAtKill = deliveriesAtProvinces();

      system = await startSystem();
      await load.settled;
      const figures = await measureFaultFigures({
        redis: reader,
        prefix,
        submissions: load.submissions,
        sandboxDir,
        closeWithinMs: LOAD.closeWithinMs,
      });
      printFaultFigures('npm start group SIGKILL mid-delivery', figures);
      expect(figures).toMatchObject({ lost: 0, stuck: 0, deliveredTwice: 0, refused: 0 });
      expect(figures.accepted).toBe(LOAD.submissions);
      expect(figures.stored).toBe(figures.accepted);
      expect(heldAtKill).toBeLessThan(figures.accepted);

      const stopped = once(system, 'exit');
      system.kill('SIGTERM');
      await stopped;
    },
  );
});
