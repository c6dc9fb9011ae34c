// Per-client rate limit shared by every gateway instance: a counter per client and one-second
// window in Redis (scripts/consume-rate.lua); over the client's rate → 429 with Retry-After.
// Limits: the client's ratePerSecond, else the default. A deferred check (deferred-checks.ts): its
// script leaves in the same socket write as the request's nonce and idempotency look-up (the
// connection batches its writes, shared/batched-redis.ts), where rate-limiter-flexible's own
// command, which had to be kept out of ioredis's auto-pipelining (ioredis #1931), cost a socket
// write of its own.
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import type { RedisClient } from '../shared/redis.ts';
import { GatewayError } from '../shared/errors.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import { clientOf } from './authenticate.ts';
import { deferCheck } from './deferred-checks.ts';

const CONSUME = luaScript(
  readFileSync(new URL('./scripts/consume-rate.lua', import.meta.url), 'utf8'),
);
const WINDOW_SECONDS = 1;

export interface RateLimitSettings {
  keys: RedisKeys;
  defaultPerSecond: number;
}

/** Counts one request on the client's counter `key`; rejects with GW_RATE_LIMITED beyond `points` a second. */
async function consume(redis: RedisClient, key: string, points: number): Promise<void> {
  const [counted, msLeft] = (await runScript(redis, CONSUME, [key], [WINDOW_SECONDS])) as [
    number,
    number,
  ];
  if (counted <= points) return;
  throw new GatewayError('GW_RATE_LIMITED', {
    detail: `More than ${points} requests per second`,
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(msLeft / 1000))) },
  });
}

export function rateLimit(redis: RedisClient, settings: RateLimitSettings): RequestHandler {
  return (_req, res, next) => {
    const client = clientOf(res);
    const points = client.ratePerSecond ?? settings.defaultPerSecond;
    // Not awaited here: it shares the handler's first round trip (deferred-checks.ts).
    deferCheck(res, consume(redis, `${settings.keys.rateLimit(points)}:${client.id}`, points));
    next();
  };
}
