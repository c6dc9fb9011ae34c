// GET /healthz, the portal process is up; GET /readyz, it can serve a taxpayer: its Redis (the
// sessions, the case records, the callbacks' nonces) answers a PING within a second. While that
// Redis is down or restarting every page but /login answers 503 (store-unavailable.ts), so a load
// balancer or supervisor reads /readyz to take the portal out and put it back by itself once the
// connection has reconnected — the same shape as the gateway's and a worker's readiness. A Redis
// that came back without its data keeps it 200 with the gateway's `redis-data-lost` warning, for a
// day (portal-data-loss.ts).
import { Router } from 'express';
import type { RedisDataLossWarning } from '../../gateway/shared/redis-data-loss.ts';
import { pingWithin, type RedisClient } from '../../gateway/shared/redis.ts';

/** The portal's command timeout (portal-process.ts): a PING slower than a page's command is down. */
const PING_WITHIN_MS = 1000;

export function healthRoutes(
  redis: RedisClient,
  warnings: () => Promise<readonly RedisDataLossWarning[]>,
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (await pingWithin(redis, PING_WITHIN_MS)) {
      // Unread in time (the command timeout, a second): readiness is about the PING.
      const found = await warnings().catch(() => []);
      res.json({
        status: 'ready',
        checks: { redis: 'up' },
        ...(found.length > 0 ? { warnings: found } : {}),
      });
      return;
    }
    res
      .set('Retry-After', '1')
      .status(503)
      .json({ status: 'unavailable', checks: { redis: 'down' } });
  });
  return router;
}
