// The data-key census and re-seal on a Redis Cluster (gateway/README.md#key-rotation,
// gateway/README.md#redis-cluster): the walk SCANs each master in turn, so cases spread over the
// masters' slots are all counted and re-sealed, and the per-case compare-and-set, whose keys share
// the case's hash tag, runs without CROSSSLOT. A private 3-master cluster.
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CensusAnswer, ResealAnswer } from '../../gateway/admin/data-keys.ts';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.ts';
import { uniquePrefix } from '../support/redis.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const [k1, k2] = [K1.split(':')[0]!, K2.split(':')[0]!];
const prefix = uniquePrefix('reseal-cluster');
let cluster: RedisClusterHandle;
const open: ApiGateway[] = [];
const ids: string[] = [];
let rotated: ApiGateway;

async function gateway(dataKeys: string): Promise<ApiGateway> {
  const gw = await startApiGateway(
    { GW_KEY_PREFIX: prefix, GW_DATA_KEYS: dataKeys, REDIS_URL: cluster.url },
    { redisUrl: cluster.url, relay: false },
  );
  open.push(gw);
  return gw;
}

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  const old = await gateway(K1);
  for (let i = 0; i < 12; i++) {
    const res = await old
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `cluster-keys-${Date.now()}-${i}`);
    expect(res.status).toBe(202);
    ids.push(res.body.caseId);
  }
  rotated = await gateway(`${K2},${K1}`);
}, 60_000);
afterAll(async () => {
  for (const gw of open.reverse()) await gw.close().catch(() => undefined);
  await cluster?.stop();
});

async function walk<T extends { nextCursor: string | null }>(
  method: 'GET' | 'POST',
  path: string,
): Promise<T[]> {
  const pages: T[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: T } = await rotated
      .client('operator-dev')
      .request<T>(method, `${path}?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor);
  return pages;
}

const envelopesUnder = (pages: CensusAnswer[], keyId: string) =>
  pages.reduce((n, p) => n + (p.envelopes[keyId] ?? 0), 0);

describe('data keys on a Redis Cluster', () => {
  it('holds the cases on more than one master', async () => {
    const redis = rotated.services.redis as Cluster;
    const keys = redisKeys(prefix);
    const perMaster = await Promise.all(
      redis.nodes('master').map(async (node) => {
        // A master that does not own the key's slot answers MOVED: not there.
        const found = await Promise.all(ids.map((id) => node.exists(keys.case(id)).catch(() => 0)));
        return found.filter((n) => n === 1).length;
      }),
    );
    expect(perMaster.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('counts every case over every master, then re-seals them all under k2', async () => {
    expect(envelopesUnder(await walk<CensusAnswer>('GET', '/v1/admin/data-keys/census'), k1)).toBe(
      12,
    );
    const resealed = await walk<ResealAnswer>('POST', '/v1/admin/data-keys/reseal');
    expect(resealed.reduce((n, p) => n + p.resealed.envelopes, 0)).toBe(12);
    expect(resealed.flatMap((p) => [...p.unreadable, ...p.changed])).toEqual([]);
    const after = await walk<CensusAnswer>('GET', '/v1/admin/data-keys/census');
    expect(envelopesUnder(after, k2)).toBe(12);
    expect(envelopesUnder(after, k1)).toBe(0);
  });
});
