// The console while the gateway's Redis restarts (README.md#operations, 503 during a Redis
// outage): every page a signed-in operator opens answers a 503 page saying the store cannot be
// reached, with Retry-After — not the 500 内部错误 page it answered before — and the same session
// opens the pages again once Redis is back (AOF on, the session kept). Its own redis-server, since
// it really stops it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/private-redis.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { waitFor } from '../../support/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'swgw-console-restart-'));
let redis: PrivateRedis;
let gw: ApiGateway;
let dev: ConsoleClient;

beforeAll(async () => {
  redis = await startPrivateRedis({ dir, persistent: true });
  gw = await startApiGateway({}, { redisUrl: redis.url });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PAGES = [
  '/console/',
  '/console/cases',
  '/console/board',
  '/console/dead-letters',
  '/console/audit',
  '/console/catalogue',
  '/console/queues',
];

describe('the console while its Redis restarts', () => {
  it('answers each page 503 with Retry-After and a page saying the store is unreachable, then serves the same session once Redis is back', async () => {
    await redis.stop();
    for (const path of PAGES) {
      const res = await fetch(`${gw.url}${path}`, {
        redirect: 'manual',
        headers: { cookie: [...dev.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      const text = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      expect(res.headers.get('retry-after')).toBe(String(gw.services.config.retryAfterSeconds));
      expect(text).toContain('503 暂不可用');
      expect(text).toContain('reload in a few seconds');
      expect(text).not.toMatch(/\.ts:\d+|ECONNREFUSED|Connection is closed/);
    }
    // Signing in needs Redis too (sessions, lock-out): the same page, not a 500.
    const form = await new ConsoleClient(gw.url).get('/console/sign-in');
    expect(form.status).toBe(200);
    const signIn = await new ConsoleClient(gw.url).signIn('operator-dev');
    expect(signIn.status).toBe(503);
    // A form sent: it may have taken effect before Redis went, as the API's 503 of a write says.
    expect(signIn.text).toContain('may or may not have taken effect');

    redis = await startPrivateRedis({ dir, persistent: true, port: redis.port });
    await waitFor(async () => (await dev.get('/console/')).status === 200, {
      timeoutMs: 10_000,
      what: 'the console to serve the session again',
    });
    for (const path of PAGES) expect((await dev.get(path)).status).toBe(200);
  });
});
