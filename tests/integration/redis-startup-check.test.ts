import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { startGateway } from '../../gateway/gateway-process.ts';
import { readRedisFacts, redisFactsProblems, StartupError } from '../../gateway/shared/redis.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { testDataKeys, testRedisUrl } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';

describe('Redis start-up check', () => {
  it('accepts the test Redis (7+, noeviction)', async () => {
    const redis = new Redis(testRedisUrl());
    const facts = await readRedisFacts(redis);
    redis.disconnect();
    expect(facts).toHaveLength(1);
    expect(Number(facts[0]!.version.split('.')[0])).toBeGreaterThanOrEqual(7);
    expect(redisFactsProblems(facts)).toEqual([]);
  });

  it('names an old version and an evicting policy', () => {
    const problems = redisFactsProblems([
      { version: '6.2.14', maxmemoryPolicy: 'allkeys-lru', aofEnabled: false },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/6\.2\.14.*version 7/);
    expect(problems[1]).toMatch(/allkeys-lru.*noeviction/);
  });

  it('refuses to start the gateway on a Redis with maxmemory-policy allkeys-lru', async () => {
    const redis = await startPrivateRedis({
      dir: mkdtempSync(join(tmpdir(), 'swgw-lru-')),
      persistent: false,
    });
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    const config = loadConfig({ REDIS_URL: redis.url, PORT: '0', GW_HOST: '127.0.0.1' });
    const { logger } = memoryLogger();
    await expect(startGateway(config, logger)).rejects.toThrow(StartupError);
    await expect(startGateway(config, logger)).rejects.toThrow(/allkeys-lru/);
    await redis.stop();
  });

  it('starts and stops cleanly on a good Redis', async () => {
    const config = loadConfig({
      REDIS_URL: testRedisUrl(),
      PORT: '0',
      GW_HOST: '127.0.0.1',
      GW_DATA_KEYS: testDataKeys(),
    });
    const { logger } = memoryLogger();
    const gateway = await startGateway(config, logger);
    expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
    expect(await gateway.stop()).toBe('clean');
  });
});
