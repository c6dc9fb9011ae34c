// GET /healthz: the process is up. GET /readyz: this instance should receive traffic — Redis
// answers a PING in time and the process is not draining (gateway/README.md#operations-endpoints).
// No auth on either.
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { handle } from '../http/respond.ts';
import type { Lifecycle } from '../shared/lifecycle.ts';

export interface HealthDeps {
  redis: Redis;
  lifecycle: Lifecycle;
  pingTimeoutMs: number;
}

async function pingWithin(redis: Redis, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get(
    '/healthz',
    handle(() => ({ status: 200, body: { status: 'ok' } })),
  );
  router.get(
    '/readyz',
    handle(async () => {
      if (deps.lifecycle.draining) {
        return { status: 503, body: { status: 'draining', checks: { redis: 'skipped' } } };
      }
      const redisUp = await pingWithin(deps.redis, deps.pingTimeoutMs);
      const checks = { redis: redisUp ? 'up' : 'down' };
      return redisUp
        ? { status: 200, body: { status: 'ready', checks } }
        : { status: 503, headers: { 'Retry-After': '1' }, body: { status: 'unavailable', checks } };
    }),
  );
  return router;
}
