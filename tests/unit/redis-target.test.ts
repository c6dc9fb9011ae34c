// REDIS_URL names one Redis or a Redis Cluster (gateway/shared/redis.ts, README.md#configuration).
import { describe, expect, it } from 'vitest';
import { parseRedisTarget, StartupError } from '../../gateway/shared/redis.ts';

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
});
