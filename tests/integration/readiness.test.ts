// Issue 2: stopping the Redis under a running gateway turns /readyz 503 within 2 s and back to 200
// after Redis returns, without restarting the gateway. This file runs its own redis-server, since
// it really stops it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { waitFor } from '../support/redis.ts';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

let redis: PrivateRedis | undefined;
let gw: TestGateway | undefined;
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
});

const status = async (path: string) => (await fetch(`${gw!.url}${path}`)).status;

describe('readiness follows Redis', () => {
  it('turns 503 within 2 s of Redis stopping and 200 again once it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-ready-'));
    redis = await startPrivateRedis({ dir, persistent: false });
    gw = await startTestGateway({ redisUrl: redis.url });
    await waitFor(async () => (await status('/readyz')) === 200, { what: 'ready' });

    await redis.stop();
    const stoppedAt = Date.now();
    await waitFor(async () => (await status('/readyz')) === 503, { timeoutMs: 2000, what: '503' });
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(2000);
    expect(await status('/healthz')).toBe(200);
    const down = await fetch(`${gw.url}/readyz`);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(await down.json()).toMatchObject({ checks: { redis: 'down' } });

    redis = await startPrivateRedis({ dir, persistent: false, port: redis.port });
    await waitFor(async () => (await status('/readyz')) === 200, {
      timeoutMs: 5000,
      what: 'ready again',
    });
  });
});
