// What production requires of Redis: AOF with every write fsynced before it is acknowledged
// (README.md#redis-durability). The production tests start their gateways and workers on one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';

/** A fresh private Redis, in its own directory, with AOF and `appendfsync always`. */
export function startDurableRedis(): Promise<PrivateRedis> {
  return startPrivateRedis({
    dir: mkdtempSync(join(tmpdir(), 'swgw-prod-redis-')),
    persistent: true,
    appendfsync: 'always',
  });
}

/** One durable Redis for the calling test file, started before its tests and stopped after. */
export function durableRedisForFile(): { readonly url: string } {
  let redis: PrivateRedis | undefined;
  beforeAll(async () => {
    redis = await startDurableRedis();
  });
  afterAll(() => redis?.stop());
  return {
    get url() {
      if (!redis) throw new Error('the durable Redis is used before its beforeAll ran');
      return redis.url;
    },
  };
}
