// The reference portal in front of a gateway that answers 503 GW_UNAVAILABLE (its Redis stopped:
// gateway/README.md#errors): a payment or a rating is answered to the page 503 with the gateway's
// Retry-After and a Chinese title, as when the portal cannot reach the gateway
// (README.md#the-taxpayer-portal), never 502 nor the gateway's English title — the gateway may
// have stored it, and the page's resend under the same Idempotency-Key, once the gateway is back,
// is answered with what was stored (one case).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { waitFor } from '../../support/redis.ts';

let gatewayRedis: PrivateRedis | undefined;
let gw: ApiGateway | undefined;
let portal: RunningPortal | undefined;
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
  await gatewayRedis?.stop();
});

const viaPortal = portalClient(() => portal!.url);

/** Waits until the gateway's readiness answers `status`. */
const gatewayReady = (status: number) =>
  waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === status, {
    what: `gateway /readyz ${status}`,
  });

describe('a gateway whose Redis is down', () => {
  it('answers a payment, then a rating, 503 with the gateway code, its Retry-After and a Chinese title, and the same submission key then gives one case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-portal-gw-down-'));
    gatewayRedis = await startPrivateRedis({ dir, persistent: true });
    gw = await startApiGateway({}, { redisUrl: gatewayRedis.url });
    portal = await startPortal({
      config: testPortalConfig({ PORTAL_GATEWAY_URL: gw.url }),
    });
    const s = await viaPortal.session();
    const values = await viaPortal.paymentValues(s);
    const submissionKey = `gw-down-${Date.now()}`;

    await gatewayRedis.stop();
    await gatewayReady(503);
    const res = await viaPortal.call(s, '/api/payments', { values, submissionKey });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({
      code: 'GW_UNAVAILABLE',
      title: '跨省通办平台暂不可用',
    });

    // The page keeps its submission key after a 5xx: pressed again once the gateway is back.
    gatewayRedis = await startPrivateRedis({ dir, persistent: true, port: gatewayRedis.port });
    await gatewayReady(200);
    const first = await viaPortal.call(s, '/api/payments', { values, submissionKey });
    const again = await viaPortal.call(s, '/api/payments', { values, submissionKey });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const paid = (await first.json()) as { caseId: string };
    expect(await again.json()).toEqual(paid);

    // A rating the gateway answers 503 is passed on alike: the page says a resend counts once.
    await gatewayRedis.stop();
    await gatewayReady(503);
    const rating = await viaPortal.call(s, `/api/cases/${paid.caseId}/evaluation`, { level: 5 });
    expect(rating.status).toBe(503);
    expect(Number(rating.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await rating.json()).toMatchObject({
      code: 'GW_UNAVAILABLE',
      title: '跨省通办平台暂不可用',
    });
  });
});
