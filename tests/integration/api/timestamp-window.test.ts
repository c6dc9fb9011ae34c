// DESIGN §3.1 / README "Clients and signing": X-Gw-Timestamp is whole unix seconds within ±300 s
// of server time. The window is checked against the server's whole second, so it is the same
// 300 s on both sides whatever the fraction of the second the request arrives in. The signature
// check itself is real (dev clients, HMAC-SHA256) and so is the nonce store (the test Redis); the
// server's clock is the middleware's own setting, at a known fraction of a second.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../../gateway/auth/authenticate.ts';
import { loadClientRegistry } from '../../../gateway/auth/client-registry.ts';
import { settleChecks } from '../../../gateway/auth/deferred-checks.ts';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { GatewayError } from '../../../gateway/shared/errors.ts';
import { createRedis, waitForRedis, type RedisClient } from '../../../gateway/shared/redis.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { devSecret } from '../../support/api-gateway.ts';
import { testRedisUrl, uniquePrefix } from '../../support/redis.ts';

const SERVER_SECOND = 1_764_100_000;
let server: Server;
let base: string;
let redis: RedisClient;

beforeAll(async () => {
  redis = createRedis('http', {
    redisUrl: testRedisUrl(),
    redisCommandTimeoutMs: 2000,
    redisConnectTimeoutMs: 2000,
    redisReconnectMaxDelayMs: 200,
  });
  await waitForRedis(redis, 5000);
  const app = express();
  app.use(
    '/v1',
    authenticate(loadClientRegistry({ env: 'test' }), redis, {
      clockSkewSeconds: 300,
      nonceTtlSeconds: 600,
      keys: redisKeys(uniquePrefix('timestamp-window')),
      now: () => SERVER_SECOND + 0.7,
    }),
  );
  app.get('/v1/divisions/530323', async (_req: Request, res: Response) => {
    await settleChecks(res);
    res.json({ ok: true });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = error instanceof GatewayError;
    res.status(known ? error.status : 500).json({ code: known ? error.code : 'GW_INTERNAL' });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await redis.quit();
});

async function statusAt(timestamp: number): Promise<{ status: number; code?: string }> {
  const url = '/v1/divisions/530323';
  const headers = signRequest(
    { clientId: 'portal-gz', secret: devSecret('portal-gz') },
    { method: 'GET', url, timestamp },
  );
  const res = await fetch(`${base}${url}`, { headers });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

describe('the X-Gw-Timestamp window', () => {
  it('accepts a timestamp 300 s behind or ahead of the server whole second 0.7 s into it, and refuses 301 s either way with GW_AUTH_STALE_TIMESTAMP', async () => {
    expect(await statusAt(SERVER_SECOND - 300)).toEqual({ status: 200 });
    expect(await statusAt(SERVER_SECOND + 300)).toEqual({ status: 200 });
    expect(await statusAt(SERVER_SECOND - 301)).toEqual({
      status: 401,
      code: 'GW_AUTH_STALE_TIMESTAMP',
    });
    expect(await statusAt(SERVER_SECOND + 301)).toEqual({
      status: 401,
      code: 'GW_AUTH_STALE_TIMESTAMP',
    });
  });
});
