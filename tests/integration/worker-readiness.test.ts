// A worker's /readyz follows its catalogue as a gateway's does (gateway/health/readiness.ts,
// adapters/README.md#operations-listener): a revision it cannot load turns it 503 with the reason,
// and the next reload that succeeds turns it 200 again. Real Redis, the worker's start function
// with its operations listener on a free port; the hint is off and the poll at its slowest, so the
// test's own sync() is the reload (the poll's, sooner).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { versionKey } from '../../gateway/catalogue/item-source.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { publishDirect, seedDraftItem } from '../support/catalogue.ts';
import { plainRedis } from '../support/redis.ts';

const redis = plainRedis();
let gw: ApiGateway;
let workers: RunningWorkers;
let readyzUrl: string;

beforeAll(async () => {
  gw = await startApiGateway({
    // A free port as the listener binds (0), not one found free before: another test may take it.
    GW_WORKER_METRICS_PORT: '0',
    GW_WORKER_METRICS_HOST: '127.0.0.1',
    GW_CATALOGUE_SUBSCRIBE: 'false',
    GW_CATALOGUE_POLL_MS: '60000',
  });
  workers = await startWorkers(gw.config, gw.services.logger, { adapters: [] });
  readyzUrl = `http://127.0.0.1:${workers.operations!.port}/readyz`;
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  redis.disconnect();
});

async function readyz(): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = await fetch(readyzUrl);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** What /readyz answers when ready, serving `revision`. */
const readyAt = (revision: number) => ({
  status: 200,
  retryAfter: null,
  body: { status: 'ready', checks: { redis: 'up', catalogue: 'current' }, catalogue: { revision } },
});

describe('a worker /readyz and its catalogue', () => {
  it('answers 200 with its catalogue current and the revision it serves', async () => {
    const revision = workers.catalogue.status().revision;
    expect(revision).toBeGreaterThan(0);
    expect(await readyz()).toEqual(readyAt(revision));
  });

  it('answers 503 with the reason while it cannot load the published revision, and 200 once a reload succeeds', async () => {
    const good = workers.catalogue.status().revision;
    const item = seedDraftItem('GA-001');
    item.schema.description = 'Version 2 of GA-001, its stored document gone for a while.';
    const { revision } = await publishDirect(redis, gw.config.keyPrefix, 'GA-001', item);
    // The version listed but its document missing, as a half-restored Redis would have it.
    const versions = redisKeys(gw.config.keyPrefix).catalogue.versions;
    const field = versionKey('GA-001', 2);
    const document = await redis.hget(versions, field);
    expect(document).not.toBeNull();
    await redis.hdel(versions, field);

    await expect(workers.catalogue.sync()).rejects.toThrow();
    expect(await readyz()).toEqual({
      status: 503,
      retryAfter: '1',
      body: {
        status: 'unavailable',
        checks: { redis: 'up', catalogue: 'behind' },
        catalogue: {
          revision: good,
          connected: true,
          current: false,
          problems: ['a listed item version is missing'],
        },
      },
    });

    await redis.hset(versions, field, document!);
    await workers.catalogue.sync();
    expect(await readyz()).toEqual(readyAt(revision));
  });
});
