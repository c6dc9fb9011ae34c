// GW_REDIS_NAT_MAP and the portal's PORTAL_REDIS_NAT_MAP (gateway/shared/redis-nat-map.ts,
// README.md#redis-topologies): their form, what a start refuses (a malformed entry, an address
// mapped twice, a map beside one server's URL, which announces nothing), and that the map is
// ioredis's natMap on every connection createRedis makes on a Sentinel or Cluster URL, and on the
// connections made from those (a subscriber's, a producer's, BullMQ's duplicates).
import { Cluster, type Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import {
  createRedis,
  duplicateConnection,
  producerConnection,
  redisSettings,
} from '../../gateway/shared/redis.ts';
import { natMapProblems, parseRedisNatMap } from '../../gateway/shared/redis-nat-map.ts';
import { loadPortalStoreConfig, PortalConfigError } from '../../portal/server/portal-config.ts';
import { testDataKeys } from '../support/redis.ts';

const MAP = '172.18.0.5:6379=redis.example:16379, [fd00::7]:6379=127.0.0.1:7002';

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PortalConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe('a NAT map', () => {
  it('reads announced-host:port=reachable-host:port entries, comma-separated, an IPv6 host in brackets keyed without them as ioredis keys it', () => {
    expect(parseRedisNatMap(MAP, 'GW_REDIS_NAT_MAP')).toEqual({
      map: [
        {
          announced: { host: '172.18.0.5', port: 6379 },
          reached: { host: 'redis.example', port: 16379 },
        },
        { announced: { host: 'fd00::7', port: 6379 }, reached: { host: '127.0.0.1', port: 7002 } },
      ],
      problems: [],
    });
    expect(parseRedisNatMap('', 'GW_REDIS_NAT_MAP')).toEqual({ map: [], problems: [] });
  });

  it('names the variable and each malformed entry: no port, a port out of range, no reachable address, two equals signs, an address mapped twice', () => {
    const { problems } = parseRedisNatMap(
      '10.0.0.5=127.0.0.1:7001,10.0.0.6:70000=127.0.0.1:7001,10.0.0.7:6379,a:1=b:2=c:3,10.0.0.8:6379=127.0.0.1:7001,10.0.0.8:6379=127.0.0.1:7002',
      'GW_REDIS_NAT_MAP',
    );
    expect(problems).toEqual([
      'GW_REDIS_NAT_MAP: entry "10.0.0.5=127.0.0.1:7001" is not announced-host:port=reachable-host:port',
      'GW_REDIS_NAT_MAP: entry "10.0.0.6:70000=127.0.0.1:7001" is not announced-host:port=reachable-host:port',
      'GW_REDIS_NAT_MAP: entry "10.0.0.7:6379" is not announced-host:port=reachable-host:port',
      'GW_REDIS_NAT_MAP: entry "a:1=b:2=c:3" is not announced-host:port=reachable-host:port',
      'GW_REDIS_NAT_MAP: 10.0.0.8:6379 is mapped twice ("10.0.0.8:6379=127.0.0.1:7002")',
    ]);
  });

  it('is refused beside one server URL, which is reached at the address it names', () => {
    expect(natMapProblems(MAP, 'GW_REDIS_NAT_MAP', 'redis://10.0.0.5:6379', 'REDIS_URL')).toEqual([
      "GW_REDIS_NAT_MAP: applies to addresses Redis Sentinel or a Redis Cluster announce; REDIS_URL names one server, reached at the address it names (unset GW_REDIS_NAT_MAP, or name the server's reachable address in REDIS_URL)",
    ]);
    for (const url of ['redis-sentinel://s1:26379/m', 'rediss-cluster://h1:7000'])
      expect(natMapProblems(MAP, 'GW_REDIS_NAT_MAP', url, 'REDIS_URL')).toEqual([]);
  });
});

describe('GW_REDIS_NAT_MAP at start', () => {
  it('is refused by the configuration, with every other problem, naming the variable and the entry', () => {
    expect(
      problemsOf(() =>
        loadConfig({
          REDIS_URL: 'redis-sentinel://s1:26379/m',
          GW_REDIS_NAT_MAP: '10.0.0.5:6379=127.0.0.1',
          PORT: 'eighty',
        }),
      ),
    ).toEqual([
      'port (PORT): must be integer',
      'GW_REDIS_NAT_MAP: entry "10.0.0.5:6379=127.0.0.1" is not announced-host:port=reachable-host:port',
    ]);
    expect(
      problemsOf(() => loadConfig({ REDIS_URL: 'redis://r:6379', GW_REDIS_NAT_MAP: MAP })),
    ).toEqual([expect.stringMatching(/^GW_REDIS_NAT_MAP: applies to addresses Redis Sentinel/)]);
  });

  it("is ioredis's natMap on a Sentinel URL's connections and a Cluster URL's, and on the connections made from them", () => {
    for (const url of ['redis-sentinel://127.0.0.1:1/m', 'redis-cluster://127.0.0.1:1']) {
      const settings = redisSettings(
        loadConfig({ REDIS_URL: url, GW_REDIS_NAT_MAP: MAP, GW_DATA_KEYS: testDataKeys() }),
      );
      const natMap = {
        '172.18.0.5:6379': { host: 'redis.example', port: 16379 },
        'fd00::7:6379': { host: '127.0.0.1', port: 7002 },
      };
      const made: (Redis | Cluster)[] = [];
      try {
        for (const role of ['http', 'worker', 'store'] as const) {
          const redis = createRedis(role, settings);
          // BullMQ's blocking connections are its duplicate() of the one it is given.
          const bullmq = redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
          made.push(redis, duplicateConnection(redis), producerConnection(redis), bullmq);
        }
        for (const redis of made) expect(redis.options.natMap).toEqual(natMap);
      } finally {
        for (const redis of made) redis.disconnect();
      }
    }
    expect(redisSettings(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' })).natMap).toBeUndefined();
  });
});

describe('PORTAL_REDIS_NAT_MAP', () => {
  const store = { PORTAL_DATA_KEYS: testDataKeys() };

  it("is the portal store's own map, read in the same form", () => {
    expect(
      loadPortalStoreConfig({
        ...store,
        PORTAL_REDIS_URL: 'redis-sentinel://s1:26379/m',
        PORTAL_REDIS_NAT_MAP: '172.18.0.5:6379=127.0.0.1:7001',
      }).redisNatMap,
    ).toEqual([
      { announced: { host: '172.18.0.5', port: 6379 }, reached: { host: '127.0.0.1', port: 7001 } },
    ]);
  });

  it("is refused naming the portal's variables: a malformed entry, or a map beside one server's URL", () => {
    expect(
      problemsOf(() =>
        loadPortalStoreConfig({
          ...store,
          PORTAL_REDIS_URL: 'redis-sentinel://s1:26379/m',
          PORTAL_REDIS_NAT_MAP: '172.18.0.5=127.0.0.1:7001',
        }),
      ),
    ).toEqual([
      'PORTAL_REDIS_NAT_MAP: entry "172.18.0.5=127.0.0.1:7001" is not announced-host:port=reachable-host:port',
    ]);
    expect(
      problemsOf(() =>
        loadPortalStoreConfig({
          ...store,
          PORTAL_REDIS_URL: 'redis://r:6379',
          PORTAL_REDIS_NAT_MAP: '172.18.0.5:6379=127.0.0.1:7001',
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^PORTAL_REDIS_NAT_MAP: applies to .*; PORTAL_REDIS_URL names one server/,
      ),
    ]);
  });
});
