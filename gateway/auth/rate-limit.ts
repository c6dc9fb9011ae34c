// Per-client rate limit shared by every gateway instance (rate-limiter-flexible on Redis): over the
// client's rate → 429 with Retry-After. Limits: the client's ratePerSecond, else the default. A
// deferred check (deferred-checks.ts).
import type { RequestHandler } from 'express';
import type { RedisClient } from '../shared/redis.ts';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayError } from '../shared/errors.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import { clientOf } from './authenticate.ts';
import { deferCheck } from './deferred-checks.ts';

export interface RateLimitSettings {
  keys: RedisKeys;
  defaultPerSecond: number;
}

export function rateLimit(redis: RedisClient, settings: RateLimitSettings): RequestHandler {
  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: settings.keys.rateLimit(points),
        points,
        duration: 1,
      });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  return (_req, res, next) => {
    const client = clientOf(res);
    const points = client.ratePerSecond ?? settings.defaultPerSecond;
    // Not awaited here: it shares the handler's first round trip (deferred-checks.ts).
    deferCheck(
      res,
      limiterFor(points)
        .consume(client.id)
        .catch((rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) {
            const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
            throw new GatewayError('GW_RATE_LIMITED', {
              detail: `More than ${points} requests per second`,
              headers: { 'Retry-After': String(seconds) },
            });
          }
          throw rejection;
        }),
    );
    next();
  };
}
