// GET /v1/admin/catalogue/export under operators asking at once (gateway/catalogue/admin/
// catalogue-export.ts catalogueExporter): an export is about 2 MB of texts read and parsed from
// Redis, and sixteen at once kept the gateway's thread busy past the Redis command timeout — half
// of them, and requests beside them, answered 503. An export is now read once per catalogue
// revision and shared while it is read; a publish moves the revision and the next export reads the
// new catalogue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueExporter } from '../../../gateway/catalogue/admin/catalogue-export.ts';
import { createCatalogueStore } from '../../../gateway/catalogue/published/catalogue-store.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { publishCalendarDirect } from '../../support/catalogue.ts';
import { plainRedis } from '../../support/redis.ts';

const redis = plainRedis();
let gw: ApiGateway;
beforeAll(async () => {
  // Sixteen 2 MB answers on a loaded 2-core machine can hold the event loop past the 500 ms Redis
  // command timeout, and a request's nonce check then answers 503 by contract: this file checks
  // what the answers hold, not how fast a machine writes them.
  gw = await startApiGateway({ GW_REDIS_COMMAND_TIMEOUT_MS: '5000' }, { liveCatalogue: true });
});
afterAll(async () => {
  await gw?.close();
  redis.disconnect();
});

type Exported = { revision: number; files: { path: string; text: string }[] };

describe('the catalogue export', () => {
  it('answers sixteen operators asking at once, each with the whole catalogue of one revision', async () => {
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        gw
          .client(i % 2 ? 'operator-readonly' : 'operator-dev')
          .request<Exported>('GET', '/v1/admin/catalogue/export'),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
    expect(new Set(answers.map((a) => a.body.revision)).size).toBe(1);
    expect(answers[0]!.body.files.length).toBeGreaterThan(290);
  });

  it('reads the versions once per revision, shared by callers at once, and again after a publish', async () => {
    const store = createCatalogueStore(gw.services.redis, redisKeys(gw.config.keyPrefix).catalogue);
    let reads = 0;
    const exporter = catalogueExporter({
      ...store,
      versions: (keys) => {
        reads += 1;
        return store.versions(keys);
      },
    });
    const first = await Promise.all(Array.from({ length: 8 }, () => exporter()));
    expect(reads).toBe(1);
    expect(new Set(first).size).toBe(1);
    await exporter();
    expect(reads).toBe(1);

    const revision = await publishCalendarDirect(redis, gw.config.keyPrefix, {
      year: 2031,
      holidays: ['2031-01-01'],
      extraWorkingDays: [],
    });
    const after = await exporter();
    expect(reads).toBe(2);
    expect(after.revision).toBe(revision);
    expect(after.files.map((f) => f.path)).toContain('config/calendars/2031.json');
  });
});
