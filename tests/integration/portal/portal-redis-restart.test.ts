// The taxpayer portal while its own Redis restarts (README.md#the-taxpayer-portal): /readyz says
// so (503, Retry-After, `redis: down`) while /healthz stays 200 — before, the portal had neither and
// a load balancer could not tell it was serving nothing but 503 pages — and it is ready again by
// itself once Redis is back. With the AOF the session outlives the restart; a Redis that came back
// empty has lost it, and the same cookie then leads to the login page (303), never a 500 — and,
// where nothing used to tell the operator, /readyz carries the `redis-data-lost` warning (still
// 200) and a line says what the portal lost; the restart with the AOF gives neither. Its own
// redis-server, since it really stops it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { plainRedis, waitFor } from '../../support/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'swgw-portal-restart-'));
const emptyDir = mkdtempSync(join(tmpdir(), 'swgw-portal-restart-empty-'));
let redis: PrivateRedis;
let gw: ApiGateway;
let portal: RunningPortal;
const lines: string[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis({ dir, persistent: true });
  gw = await startApiGateway();
  portal = await startPortal({
    config: testPortalConfig({
      PORTAL_GATEWAY_URL: gw.url,
      PORTAL_REDIS_URL: redis.url,
      PORTAL_DATA_LOSS_CHECK_MS: '100',
    }),
    warn: (line) => lines.push(line),
  });
}, 60_000);
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
  await redis?.stop();
  for (const d of [dir, emptyDir]) rmSync(d, { recursive: true, force: true });
});

const get = (path: string, cookie?: string) =>
  fetch(`${portal.url}${path}`, {
    redirect: 'manual',
    headers: cookie ? { Cookie: cookie } : {},
  });
const ready = async () => (await get('/readyz')).status === 200;
const LOST_LINE = 'Redis came back without its data';
/**
 * GETs the restarted server has answered: with no page asked, the portal's looks at its mark
 * (and /readyz's read of the loss record). INFO's counts start again at each restart.
 */
const getsAnswered = async () => {
  const client = plainRedis(redis.url);
  try {
    const stats = await client.info('commandstats');
    return Number(/cmdstat_get:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
};

describe('the portal while its Redis restarts', () => {
  it('answers /readyz 503 with Retry-After while Redis is down, /healthz 200, and is ready again with the session kept and no redis-data-lost warning once Redis is back with its AOF', async () => {
    const client = portalClient(() => portal.url);
    const session = await client.session('shudao');
    const before = await get('/readyz');
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ status: 'ready', checks: { redis: 'up' } });

    await redis.stop();
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(await down.json()).toEqual({ status: 'unavailable', checks: { redis: 'down' } });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/', session.cookie)).status).toBe(503);

    redis = await startPrivateRedis({ dir, persistent: true, port: redis.port });
    await waitFor(ready, { timeoutMs: 10_000, what: 'the portal ready again' });
    const since = await getsAnswered();
    await waitFor(async () => (await getsAnswered()) >= since + 3, { what: 'three looks since' });
    const after = await get('/readyz');
    expect(await after.json()).toEqual({ status: 'ready', checks: { redis: 'up' } });
    expect(lines.filter((l) => l.includes(LOST_LINE))).toEqual([]);
    expect((await get('/', session.cookie)).status).toBe(200);
  });

  it('is ready on a Redis that came back empty with the redis-data-lost warning and a line saying what the portal lost, and sends the lost session to the login page', async () => {
    const session = await portalClient(() => portal.url).session('shudao');
    await redis.stop();
    redis = await startPrivateRedis({ dir: emptyDir, persistent: false, port: redis.port });
    const warned = await waitFor(
      async () => {
        const res = await get('/readyz');
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { warnings?: unknown[] };
        return body.warnings ? body : undefined;
      },
      { timeoutMs: 10_000, what: 'the redis-data-lost warning' },
    );
    expect(warned).toEqual({
      status: 'ready',
      checks: { redis: 'up' },
      warnings: [
        {
          code: 'redis-data-lost',
          detectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          detail: expect.any(String),
        },
      ],
    });
    expect(lines.filter((l) => l.includes(LOST_LINE))).toEqual([
      expect.stringContaining(
        "the portal's record of which cases belong to which account, and every session, are gone; the gateway still holds the cases",
      ),
    ]);
    const home = await get('/', session.cookie);
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/login');
    expect((await portalClient(() => portal.url).login('shudao')).status).toBe(303);
  });
});
