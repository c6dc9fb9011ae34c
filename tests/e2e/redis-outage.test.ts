// Fault figures, scenario (i) of issue 12: the gateway's Redis stops under a steady 100
// submissions/s — once with SIGTERM, once with SIGKILL — on a redis-server of this file's own with
// AOF (appendfsync always, which the gateway is told to require, as production does:
// README.md#redis-durability), and comes back on the same port and data. Real gateway, workers and
// sandboxes (the local system, in this process); portals retry a 503 or an unanswered submission
// with the same Idempotency-Key. Printed and asserted: accepted, lost 0, stuck 0, delivered twice 0
// (README.md#fault-figures).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import { measureFaultFigures, printFaultFigures, storedCases } from './support/fault-figures.ts';
import { startPortalLoad, type LoadRun } from './support/portal-load.ts';
import { startE2eSystem, type E2eSystem } from './support/system.ts';
import { FAULT_TIMING, LOAD, LOAD_ADAPTERS } from './support/fault-settings.ts';

const redisDir = mkdtempSync(join(tmpdir(), 'swgw-outage-redis-'));
const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-outage-sandboxes-'));
let redis: PrivateRedis;
let sys: E2eSystem;
let reader: Redis | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis({ dir: redisDir, persistent: true, appendfsync: 'always' });
  sys = await startE2eSystem(
    'e2e-outage',
    { REDIS_URL: redis.url, GW_REDIS_DURABILITY: 'always', ...FAULT_TIMING.env },
    {
      sandboxDataDir: sandboxDir,
      eventRetry: FAULT_TIMING.eventRetry,
    },
  );
});
afterAll(async () => {
  reader?.disconnect();
  await sys?.stop();
  await redis?.stop();
  for (const dir of [redisDir, sandboxDir]) rmSync(dir, { recursive: true, force: true });
});

const accepted = (load: LoadRun) => load.submissions.filter((s) => s.caseId).length;
const unanswered = (load: LoadRun) =>
  load.submissions.reduce((n, s) => n + s.answers.filter((a) => a !== 202).length, 0);

/** 100 submissions/s for 2 s; Redis goes down once 50 are in and comes back once 20 have failed. */
async function outage(label: string, kill: (r: PrivateRedis) => Promise<void>) {
  if (!reader) {
    reader = plainRedis(redis.url);
    reader.on('error', () => undefined); // it waits out the outage like the system
  }
  const storedBefore = await storedCases(reader, sys.config.keyPrefix);
  const load = startPortalLoad({
    gatewayUrl: () => sys.gatewayUrl,
    adapters: LOAD_ADAPTERS,
    ratePerSecond: LOAD.ratePerSecond,
    durationMs: LOAD.durationMs,
    retryEveryMs: 200,
    retryForMs: LOAD.retryForMs,
    label,
  });
  await waitFor(() => accepted(load) >= 50, { timeoutMs: 20_000, what: '50 accepted' });
  await kill(redis);
  await waitFor(() => unanswered(load) >= 20, { timeoutMs: 20_000, what: 'the outage felt' });
  redis = await startPrivateRedis({
    dir: redisDir,
    persistent: true,
    appendfsync: 'always',
    port: redis.port,
  });
  await load.settled;
  return measureFaultFigures({
    redis: reader,
    prefix: sys.config.keyPrefix,
    submissions: load.submissions,
    sandboxDir,
    closeWithinMs: LOAD.closeWithinMs,
    storedBefore,
  });
}

describe('Redis stopped under 100 submissions/s', () => {
  it(
    'with SIGTERM: nothing accepted is lost, stuck or delivered twice',
    { timeout: LOAD.testTimeoutMs },
    async () => {
      const figures = await outage('sigterm', (r) => r.stop());
      printFaultFigures('Redis SIGTERM under 100 req/s', figures);
      expect(figures).toMatchObject({ lost: 0, stuck: 0, deliveredTwice: 0, refused: 0 });
      expect(figures.accepted).toBe(LOAD.submissions);
      expect(figures.retried).toBeGreaterThan(0);
      // A submission stored before its 503 was found by its retry, never stored twice.
      expect(figures.stored).toBe(figures.accepted);
    },
  );

  it(
    'with SIGKILL (AOF always): nothing accepted is lost, stuck or delivered twice',
    { timeout: LOAD.testTimeoutMs },
    async () => {
      const figures = await outage('sigkill', async (r) => {
        const exited = once(r.process, 'exit');
        r.process.kill('SIGKILL');
        await exited;
      });
      printFaultFigures('Redis SIGKILL (AOF always) under 100 req/s', figures);
      expect(figures).toMatchObject({ lost: 0, stuck: 0, deliveredTwice: 0, refused: 0 });
      expect(figures.accepted).toBe(LOAD.submissions);
      expect(figures.retried).toBeGreaterThan(0);
      expect(figures.stored).toBe(figures.accepted);
    },
  );
});
