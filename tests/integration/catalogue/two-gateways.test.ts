// Live reload across processes (gateway/README.md#live-reload): three gateway processes
// (gateway/main.ts) on one Redis. A draft approved through the first is served by the second within
// 1 s (the publish hint), and by the third, whose subscription is cut (GW_CATALOGUE_SUBSCRIBE=false),
// within a few seconds by its poll alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../gateway/client/gateway-client.ts';
import { devSecret } from '../../support/api-gateway.ts';
import { draftInReview } from '../../support/catalogue.ts';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process.ts';
import { uniquePrefix, waitFor } from '../../support/redis.ts';

let first: GatewayProcess;
let second: GatewayProcess;
let polling: GatewayProcess;

beforeAll(async () => {
  const prefix = uniquePrefix('two');
  // Each compiles the whole catalogue at start: on a loaded machine that takes a while.
  const slow = { readyWithinMs: 90_000 };
  first = await startGatewayProcess(prefix, {}, slow);
  [second, polling] = await Promise.all([
    startGatewayProcess(prefix, {}, slow),
    startGatewayProcess(
      prefix,
      { GW_CATALOGUE_SUBSCRIBE: 'false', GW_CATALOGUE_POLL_MS: '500' },
      slow,
    ),
  ]);
}, 240_000);
afterAll(async () => {
  await Promise.all([first, second, polling].map((g) => g?.stop()));
});

const client = (gateway: GatewayProcess, id: string) =>
  new GatewayClient(gateway.url, { clientId: id, secret: devSecret(id) });

async function servedVersion(gateway: GatewayProcess, code: string): Promise<number> {
  const res = await client(gateway, 'portal-sc').request<{ version: number }>(
    'GET',
    `/v1/catalogue/items/${code}`,
  );
  return res.body.version;
}

describe('a publish through one gateway process', () => {
  it('is served by another within 1 s, and by one without the subscription after its poll', async () => {
    expect(await servedVersion(second, 'GA-001')).toBe(1);
    const id = await draftInReview(client(first, 'operator-dev'));
    const approved = await client(first, 'operator-dev-2').request<{ version: number }>(
      'POST',
      `/v1/admin/catalogue/drafts/${id}/approve`,
    );
    expect(approved.status).toBe(200);
    const at = Date.now();
    expect(await servedVersion(first, 'GA-001')).toBe(2);
    await waitFor(async () => (await servedVersion(second, 'GA-001')) === 2, {
      timeoutMs: 1000,
      intervalMs: 10,
      what: 'version 2 served by the second process',
    });
    expect(Date.now() - at).toBeLessThanOrEqual(1000);
    await waitFor(async () => (await servedVersion(polling, 'GA-001')) === 2, {
      timeoutMs: 5000,
      what: 'version 2 served by the process without the subscription',
    });
  });
});
