import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { startGateway } from '../../gateway/gateway-process.ts';
import {
  judgeRedis,
  readRedisFacts,
  redisDurability,
  StartupError,
  type RedisServerFacts,
} from '../../gateway/shared/redis.ts';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { testDataKeys, testRedisUrl } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';

const FACTS = { version: '7.0.15', maxmemoryPolicy: 'noeviction' } as const;
const aof = (appendfsync?: string): RedisServerFacts => ({
  ...FACTS,
  aofEnabled: true,
  ...(appendfsync ? { appendfsync } : {}),
});

function gatewayConfig(url: string, extra: Record<string, string> = {}) {
  return loadConfig({
    REDIS_URL: url,
    PORT: '0',
    GW_HOST: '127.0.0.1',
    GW_DATA_KEYS: testDataKeys(),
    ...extra,
  });
}

describe('Redis start-up check', () => {
  it('accepts the test Redis (7+, noeviction) and reads its fsync policy through CONFIG', async () => {
    const redis = new Redis(testRedisUrl());
    const facts = await readRedisFacts(redis);
    redis.disconnect();
    expect(facts).toHaveLength(1);
    expect(Number(facts[0]!.version.split('.')[0])).toBeGreaterThanOrEqual(7);
    expect(facts[0]!.aofEnabled).toBe(false);
    expect(facts[0]!.appendfsync).toBe('everysec');
    expect(judgeRedis(facts, 'none')).toEqual({ problems: [], warnings: [] });
  });

  it('names an old version and an evicting policy', () => {
    const { problems } = judgeRedis(
      [{ version: '6.2.14', maxmemoryPolicy: 'allkeys-lru', aofEnabled: false }],
      'none',
    );
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
    const config = gatewayConfig(testRedisUrl());
    const { logger } = memoryLogger();
    const gateway = await startGateway(config, logger);
    expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
    expect(await gateway.stop()).toBe('clean');
  });
});

describe('GW_REDIS_DURABILITY', () => {
  it('is always in production and none in development and test unless set', () => {
    expect(redisDurability({ env: 'production' })).toBe('always');
    expect(redisDurability({ env: 'development' })).toBe('none');
    expect(redisDurability({ env: 'test' })).toBe('none');
    expect(redisDurability({ env: 'production', redisDurability: 'aof' })).toBe('aof');
    expect(redisDurability({ env: 'test', redisDurability: 'always' })).toBe('always');
  });

  it('always: accepts only AOF with appendfsync always, and says what everysec can lose', () => {
    expect(judgeRedis([aof('always')], 'always')).toEqual({ problems: [], warnings: [] });
    const everysec = judgeRedis([aof('everysec')], 'always');
    expect(everysec.warnings).toEqual([]);
    expect(everysec.problems).toHaveLength(1);
    expect(everysec.problems[0]).toMatch(
      /^Redis has appendfsync everysec: .*up to about 2 s of cases already answered 202.*GW_REDIS_DURABILITY=aof/,
    );
    const off = judgeRedis([{ ...FACTS, aofEnabled: false, appendfsync: 'always' }], 'always');
    expect(off.problems).toHaveLength(1);
    expect(off.problems[0]).toMatch(/^Redis has AOF off: .*"appendonly yes"/);
    const unknown = judgeRedis([aof()], 'always');
    expect(unknown.problems).toHaveLength(1);
    expect(unknown.problems[0]).toMatch(/refused CONFIG GET appendfsync/);
  });

  it('aof: refuses AOF off, and only warns about a policy that can lose acknowledged writes', () => {
    expect(judgeRedis([{ ...FACTS, aofEnabled: false }], 'aof').problems).toHaveLength(1);
    expect(judgeRedis([aof('everysec')], 'aof')).toEqual({
      problems: [],
      warnings: [expect.stringMatching(/appendfsync everysec: .*up to about 2 s/)],
    });
    expect(judgeRedis([aof()], 'aof').warnings).toEqual([
      expect.stringMatching(/refused CONFIG GET appendfsync/),
    ]);
    expect(judgeRedis([aof('always')], 'aof')).toEqual({ problems: [], warnings: [] });
  });

  it('none: checks nothing of persistence', () => {
    expect(judgeRedis([{ ...FACTS, aofEnabled: false }], 'none')).toEqual({
      problems: [],
      warnings: [],
    });
  });

  describe('on a redis-server with AOF', () => {
    let redis: PrivateRedis;
    let admin: Redis;
    beforeAll(async () => {
      redis = await startPrivateRedis({
        dir: mkdtempSync(join(tmpdir(), 'swgw-aof-')),
        persistent: true,
        appendfsync: 'everysec',
      });
      admin = new Redis(redis.url);
      // A managed Redis's kind of account: every command but CONFIG.
      await admin.call(
        'ACL',
        'SETUSER',
        'portal-gw',
        'on',
        '>gw-pass',
        '~*',
        '&*',
        '+@all',
        '-config',
      );
    });
    afterAll(async () => {
      admin.disconnect();
      await redis.stop();
    });
    const asLimitedUser = () => redis.url.replace('redis://', 'redis://portal-gw:gw-pass@');

    it('always refuses appendfsync everysec, then starts once Redis fsyncs every write', async () => {
      await admin.config('SET', 'appendfsync', 'everysec');
      const config = gatewayConfig(redis.url, { GW_REDIS_DURABILITY: 'always' });
      const { logger } = memoryLogger();
      await expect(startGateway(config, logger)).rejects.toThrow(/appendfsync everysec/);
      await admin.config('SET', 'appendfsync', 'always');
      const gateway = await startGateway(config, logger);
      expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
      expect(await gateway.stop()).toBe('clean');
    });

    it('always refuses an account that may not read CONFIG; aof starts with it and logs the warning', async () => {
      await admin.config('SET', 'appendfsync', 'always');
      const { logger, lines } = memoryLogger();
      const refused = startGateway(
        gatewayConfig(asLimitedUser(), { GW_REDIS_DURABILITY: 'always' }),
        logger,
      );
      await expect(refused).rejects.toThrow(/refused CONFIG GET appendfsync/);
      const gateway = await startGateway(
        gatewayConfig(asLimitedUser(), { GW_REDIS_DURABILITY: 'aof' }),
        logger,
      );
      try {
        expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
      } finally {
        expect(await gateway.stop()).toBe('clean');
      }
      const warning = lines().find((l) => /refused CONFIG GET appendfsync/.test(String(l.msg)));
      expect(warning).toMatchObject({ level: 40, durability: 'aof' });
    });
  });
});
