// A worker starts only on queue handles that passed BullMQ's server check (CaseSystem#ready):
// BullMQ checks the server (an INFO) once per queue handle, and a handle whose check failed fails
// every later use, so a worker started on one would run a relay whose every batch fails. On a
// Redis account that may run everything but INFO (the check's command), the worker refuses to
// start and says why; the same Redis with a full account starts it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../adapters/worker-process.ts';
import { loadConfig } from '../../config/load-config.ts';
import { StartupError } from '../../gateway/shared/redis.ts';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { testDataKeys, uniquePrefix } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';

let redis: PrivateRedis;
let admin: Redis;
beforeAll(async () => {
  redis = await startPrivateRedis({
    dir: mkdtempSync(join(tmpdir(), 'swgw-queues-ready-')),
    persistent: false,
  });
  admin = new Redis(redis.url);
  await admin.call('ACL', 'SETUSER', 'no-info', 'on', '>pass', '~*', '&*', '+@all', '-info');
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

const config = (url: string) =>
  loadConfig({
    REDIS_URL: url,
    GW_ENV: 'test',
    GW_KEY_PREFIX: uniquePrefix('queues-ready'),
    GW_DATA_KEYS: testDataKeys(),
  });

describe('a worker’s queue handles', () => {
  it('keep the worker from starting when their server check fails, saying so', async () => {
    const { logger } = memoryLogger();
    const outcome = await startWorkers(
      config(redis.url.replace('redis://', 'redis://no-info:pass@')),
      logger,
      { adapters: ['yn'] },
    ).then(
      // Started after all: stopped, so that the failure below is the test's only trace.
      async (workers) => {
        await workers.stop();
        return 'started';
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(StartupError);
    expect((outcome as Error).message).toMatch(/^queues: .*(NOPERM|info)/i);
  });

  it('start the worker once the check passes', async () => {
    const { logger } = memoryLogger();
    const workers = await startWorkers(config(redis.url), logger, { adapters: ['yn'] });
    await workers.stop();
  });
});
