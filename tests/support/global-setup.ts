// One private redis-server for the whole test run, on a free port, unless REDIS_URL is given
// (CI or a developer's own Redis). Tests never touch the shared instance on 6379 by accident.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../../scripts/private-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
