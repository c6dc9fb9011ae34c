// REDIS_URL names one Redis, a master by its Sentinels, or a Redis Cluster (gateway/shared/redis.ts,
// README.md#configuration).
import { describe, expect, it } from 'vitest';
import { parseRedisTarget, redisTargetLabel, StartupError } from '../../gateway/shared/redis.ts';

describe('REDIS_URL', () => {
  it('keeps a redis:// or rediss:// URL as one server', () => {
    expect(parseRedisTarget('redis://10.0.0.5:6380/2')).toEqual({
      kind: 'single',
      url: 'redis://10.0.0.5:6380/2',
    });
    expect(parseRedisTarget('rediss://h:6379')).toEqual({ kind: 'single', url: 'rediss://h:6379' });
  });

  it('reads redis-cluster:// as the seed nodes of a cluster, with credentials and TLS', () => {
    expect(parseRedisTarget('redis-cluster://10.0.0.1:7000,10.0.0.2:7001,node-3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'node-3', port: 6379 },
      ],
      tls: false,
    });
    expect(parseRedisTarget('rediss-cluster://gw:p%40ss@a:7000,b:7000')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7000 },
      ],
      username: 'gw',
      password: 'p@ss',
      tls: true,
    });
    expect(parseRedisTarget('redis-cluster://:secret@a:7000')).toMatchObject({
      password: 'secret',
    });
  });

  it('refuses a cluster URL without nodes or with a bad port', () => {
    expect(() => parseRedisTarget('redis-cluster://')).toThrow(StartupError);
    expect(() => parseRedisTarget('redis-cluster://a:0')).toThrow(/not host:port/);
    expect(() => parseRedisTarget('redis-cluster://a:7000,b:x')).toThrow(/"b:x"/);
  });

  it('reads redis-sentinel:// as the Sentinels, the master name and its database, with both sets of credentials and TLS', () => {
    expect(parseRedisTarget('redis-sentinel://10.0.0.1:26379,s2,10.0.0.3:26380/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '10.0.0.3', port: 26380 },
      ],
      name: 'mymaster',
      db: 0,
      tls: false,
    });
    expect(
      parseRedisTarget(
        'rediss-sentinel://gw:p%40ss@a:26379/m-1/3?sentinelUsername=watch&sentinelPassword=s%26cret',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 'a', port: 26379 }],
      name: 'm-1',
      db: 3,
      username: 'gw',
      password: 'p@ss',
      sentinelUsername: 'watch',
      sentinelPassword: 's&cret',
      tls: true,
    });
  });

  it.each([
    ['no Sentinel', 'redis-sentinel:///mymaster', /names no Sentinel/],
    ['no master name', 'redis-sentinel://a:26379', /names the master after its Sentinels/],
    ['an empty master name', 'redis-sentinel://a:26379/', /names the master after its Sentinels/],
    ['a path past the database', 'redis-sentinel://a:26379/m/0/x', /at most its database/],
    ['a database that is not a number', 'redis-sentinel://a:26379/m/one', /database "one"/],
    ['a bad port', 'redis-sentinel://a:26379,b:x/m', /Sentinel "b:x" is not host:port/],
    ['an unknown parameter', 'redis-sentinel://a/m?sentinelPasword=x', /"sentinelPasword"/],
    ['a stray %', 'redis-sentinel://u:100%@a/m', /"%" not followed by two hex digits/],
    ['a parameter on a cluster URL', 'redis-cluster://a:7000?x=1', /unknown parameter "x"/],
  ])('refuses a sentinel URL with %s, naming REDIS_URL', (_, url, why) => {
    expect(() => parseRedisTarget(url)).toThrow(StartupError);
    expect(() => parseRedisTarget(url)).toThrow(/^REDIS_URL: /);
    expect(() => parseRedisTarget(url)).toThrow(why);
  });

  it('labels where a URL points without its credentials', () => {
    expect(redisTargetLabel('redis-sentinel://u:secret@a:1,b:2/m?sentinelPassword=s2')).toBe(
      'master "m" of Sentinels a:1,b:2',
    );
    expect(redisTargetLabel('redis://u:secret@h:6379/2')).toBe('h:6379');
  });
});
