// One private redis-server for the whole test run, on a free port, unless REDIS_URL is given
// (CI or a developer's own Redis). Tests never touch the shared instance on 6379 by accident.
// One data key per run too (gateway/README.md#encryption-at-rest), so no test writes the
// development key file: given to the test files, and to the processes they spawn through the
// environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    dataKeys: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataKeys = process.env.GW_DATA_KEYS ?? generateDataKeys('test');
  process.env.GW_DATA_KEYS = dataKeys;
  project.provide('dataKeys', dataKeys);
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'swgw-test-redis-'));
  const redis = await startPrivateRedis({ dir, persistent: false });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
