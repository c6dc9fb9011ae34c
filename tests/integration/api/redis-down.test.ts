// gateway/README.md#errors: with Redis unreachable, every route that needs it answers 503 with
// Retry-After within a second — never a hang, and never a 202 without the stored case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';
import { waitFor } from '../../support/redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let redis: PrivateRedis | undefined;
let gw: ApiGateway | undefined;
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
});

describe('Redis unreachable', () => {
  it('answers 503 with Retry-After within 1 s to a submission, a case read and a division lookup, then recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-down-'));
    redis = await startPrivateRedis({ dir, persistent: true });
    gw = await startApiGateway({}, { redisUrl: redis.url });
    const portal = gw.client('portal-sc');
    const accepted = await portal.submitCase<{ caseId: string }>(
      validExample('SW-005'),
      `down-ok-${Date.now()}`,
    );
    expect(accepted.status).toBe(202);

    await redis.stop();
    await waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === 503, {
      what: 'readyz 503',
    });

    const attempts = [
      () => portal.submitCase(validExample('SW-005'), `down-${Date.now()}`),
      () => portal.getCase(accepted.body.caseId),
      () => portal.request('GET', '/v1/divisions/530323'),
    ];
    for (const attempt of attempts) {
      const started = Date.now();
      const res = await attempt();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'GW_UNAVAILABLE' });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    redis = await startPrivateRedis({ dir, persistent: true, port: redis.port });
    await waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === 200, {
      what: 'ready again',
    });
    // The case accepted before the outage survived the restart (AOF).
    const again = await portal.getCase<{ status: string }>(accepted.body.caseId);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('ROUTED');
  });
});
