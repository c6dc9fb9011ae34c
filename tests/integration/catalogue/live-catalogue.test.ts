// The published catalogue in Redis (gateway/README.md#catalogue-administration,
// gateway/README.md#live-reload): the first start on an empty catalogue imports the seed files
// once even when two gateways start together; a publish reaches another gateway by the hint, or by
// the poll alone when its subscription is off; a publish it cannot compile keeps the last good
// catalogue and takes the gateway out of rotation on /readyz.
import { afterAll, describe, expect, it } from 'vitest';
import { readSeedSources } from '../../../gateway/catalogue/item-source.ts';
import { createCatalogueStore } from '../../../gateway/catalogue/published/catalogue-store.ts';
import { readCatalogueSeed } from '../../../gateway/catalogue/published/connect-catalogue.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { publishDirect, seedDraftItem } from '../../support/catalogue.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';

const SEED_VERSIONS = readSeedSources(projectPath('schemas')).length;
const redis = plainRedis();
const gateways: ApiGateway[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  redis.disconnect();
});

async function pair(env: Record<string, string> = {}) {
  const prefix = uniquePrefix('catalogue');
  const a = await startApiGateway({ GW_KEY_PREFIX: prefix }, { liveCatalogue: true });
  gateways.push(a);
  const b = await startApiGateway({ GW_KEY_PREFIX: prefix, ...env }, { liveCatalogue: true });
  gateways.push(b);
  return { prefix, a, b };
}

async function itemVersion(gw: ApiGateway, code: string): Promise<number> {
  const res = await gw.client('portal-sc').request('GET', `/v1/catalogue/items/${code}`);
  return (res.body as { version: number }).version;
}

describe('the published catalogue', () => {
  let shared: Awaited<ReturnType<typeof pair>>;

  it('is imported once when two processes find the catalogue empty at the same moment', async () => {
    const keys = redisKeys(uniquePrefix('seed')).catalogue;
    const seed = readCatalogueSeed();
    const others = [plainRedis(), plainRedis()];
    const imported = await Promise.all(
      others.map((connection) => createCatalogueStore(connection, keys).seed(seed)),
    );
    others.forEach((connection) => connection.disconnect());
    expect(imported.filter(Boolean)).toHaveLength(1);
    expect(await redis.llen(keys.order)).toBe(SEED_VERSIONS);
    expect(await redis.get(keys.revision)).toBe('1');
  });

  it('is imported from the seed files by the first gateway and loaded by the next', async () => {
    shared = await pair();
    const keys = redisKeys(shared.prefix).catalogue;
    expect(await redis.get(keys.revision)).toBe('1');
    expect(await redis.llen(keys.order)).toBe(SEED_VERSIONS);
    expect(await redis.hlen(keys.versions)).toBe(SEED_VERSIONS);
    for (const gw of [shared.a, shared.b]) {
      const res = await gw.client('portal-sc').request('GET', '/v1/catalogue/items');
      const body = res.body as { revision: number; items: unknown[] };
      expect(body.revision).toBe(1);
      expect(body.items).toHaveLength(148);
    }
  });

  it('serves a publish on the other gateway within 1 s, by the hint', async () => {
    const item = seedDraftItem('SW-005');
    item.schema.description = 'Version 2 of SW-005, published while the gateways run.';
    const started = Date.now();
    const { revision, version } = await publishDirect(redis, shared.prefix, 'SW-005', item);
    expect(version).toBe(2);
    await waitFor(async () => (await itemVersion(shared.b, 'SW-005')) === 2, {
      timeoutMs: 1000,
      what: 'version 2 served by b',
    });
    expect(Date.now() - started).toBeLessThanOrEqual(1000);
    const list = await shared.b.client('portal-sc').request('GET', '/v1/catalogue/items');
    expect((list.body as { revision: number }).revision).toBe(revision);
    expect(shared.b.services.catalogue.status()).toMatchObject({ revision, current: true });
  });

  it('brings a publish by the poll alone when the subscription is off', async () => {
    const { prefix, b } = await pair({
      GW_CATALOGUE_SUBSCRIBE: 'false',
      GW_CATALOGUE_POLL_MS: '300',
    });
    const item = seedDraftItem('GA-001');
    item.schema.description = 'Version 2 of GA-001.';
    await publishDirect(redis, prefix, 'GA-001', item);
    await waitFor(async () => (await itemVersion(b, 'GA-001')) === 2, {
      timeoutMs: 3000,
      what: 'version 2 served by the polling gateway',
    });
  });

  it('keeps the last good catalogue and answers 503 on /readyz when a publish does not compile', async () => {
    const item = seedDraftItem('GA-002');
    item.schema.properties = { broken: { type: 'string' } }; // no maxLength: refused by the rules
    await publishDirect(redis, shared.prefix, 'GA-002', item);
    await waitFor(async () => (await fetch(`${shared.b.url}/readyz`)).status === 503, {
      timeoutMs: 3000,
      what: '/readyz 503',
    });
    const ready = (await (await fetch(`${shared.b.url}/readyz`)).json()) as {
      checks: Record<string, string>;
      catalogue: { problems: string[] };
    };
    expect(ready.checks.catalogue).toBe('behind');
    expect(ready.catalogue.problems.join('\n')).toMatch(/GA-002 v2/);
    expect(await itemVersion(shared.b, 'GA-002')).toBe(1);
  });

  it('is seeded again when Redis comes back without it, and never served as a catalogue of no items', async () => {
    const { prefix, b } = await pair({
      GW_CATALOGUE_SUBSCRIBE: 'false',
      GW_CATALOGUE_POLL_MS: '200',
    });
    const item = seedDraftItem('GA-001');
    item.schema.description = 'Version 2 of GA-001.';
    await publishDirect(redis, prefix, 'GA-001', item);
    await waitFor(async () => (await itemVersion(b, 'GA-001')) === 2, { what: 'version 2 served' });
    // What a Redis restarted without its data shows: no catalogue keys at all.
    const keys = redisKeys(prefix).catalogue;
    const { revision, versions, digests, latest, order, sunsets, calendars } = keys;
    expect(
      await redis.del(revision, versions, digests, latest, order, sunsets, calendars),
    ).toBeGreaterThan(4);
    await waitFor(async () => (await redis.get(keys.revision)) === '1', {
      what: 'the seed imported again by a polling gateway',
    });
    expect(await redis.llen(keys.order)).toBe(SEED_VERSIONS);
    await waitFor(async () => (await itemVersion(b, 'GA-001')) === 1, { what: 'the seed served' });
    const res = await b.client('portal-sc').request('GET', '/v1/catalogue/items/SW-005');
    expect(res.status).toBe(200);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  });
});
