// gateway/catalogue/published/connect-catalogue.ts: the published catalogue is read on a connection
// of its own, held to the start-up timeout, not to the request path's command timeout (500 ms),
// which a loaded machine's 1.5 MB start-up read had passed, so the gateway refused to start. Here
// Redis is held still (CLIENT PAUSE, on a redis-server of this file's own) for longer than the
// command timeout while a reload reads a published version.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { publishDirect, seedDraftItem } from '../../support/catalogue.ts';
import { ownRedis } from '../../support/redis.ts';

let redis: Awaited<ReturnType<typeof ownRedis>>;
let admin: Redis;
let gw: ApiGateway;

beforeAll(async () => {
  redis = await ownRedis('catalogue-connection');
  admin = new Redis(redis.url);
  // Neither the hint nor the poll: the test's own sync is the only reload.
  gw = await startApiGateway(
    { GW_CATALOGUE_SUBSCRIBE: 'false', GW_CATALOGUE_POLL_MS: '60000' },
    { redisUrl: redis.url, liveCatalogue: true },
  );
});
afterAll(async () => {
  await gw?.close();
  admin?.disconnect();
  await redis?.stop();
});

describe('the catalogue reads on a connection of its own', () => {
  it('reloads a published version although Redis answers only after longer than the command timeout', async () => {
    expect(gw.config.redisCommandTimeoutMs).toBe(500);
    const { revision } = await publishDirect(
      admin,
      gw.config.keyPrefix,
      'SW-005',
      seedDraftItem('SW-005'),
    );
    await admin.call('CLIENT', 'PAUSE', '1200', 'ALL');
    const outcome = await gw.data.catalogue.sync();
    expect(outcome.revision).toBe(revision);
    expect(gw.data.catalogue.status()).toMatchObject({ revision, current: true });
    // The requests' connection kept its command timeout: a request is still answered at once.
    const read = await gw.client('portal-sc').request('GET', '/v1/catalogue/items/SW-005');
    expect(read.status).toBe(200);
    expect((read.body as { version: number }).version).toBe(2);
  });
});
