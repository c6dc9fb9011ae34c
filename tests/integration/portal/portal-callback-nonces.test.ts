// A gateway callback's nonce is remembered in the portal's Redis (README.md#the-taxpayer-portal,
// portal/server/callback-verifier.ts), not in one process: two portals on one Redis, as the README
// allows, both refuse a callback either already took, and so does a portal restarted within the
// window. Redis holds the nonce only under its hash, for the window. (With the portal's Redis gone
// a callback is answered 503: portal-store.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import type { PortalConfig } from '../../../portal/server/portal-config.ts';
import { portalKeys } from '../../../portal/server/portal-keys.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { keysUnder } from '../../support/personal-scan.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';

const PATH = '/callbacks/gateway';
const prefix = uniquePrefix('portal-nonces');
const redis = plainRedis();
// No gateway: a callback for a case the portal does not know is acknowledged without asking it.
const portalConfig = () =>
  testPortalConfig({
    PORTAL_GATEWAY_URL: 'http://127.0.0.1:9',
    PORTAL_REDIS_PREFIX: prefix,
    PORTAL_LOGIN_KEY: LOGIN_KEY,
  });
const LOGIN_KEY = generateDataKeys('login');
const config: PortalConfig = portalConfig();
const keys = portalKeys(prefix, config.loginKey);

const body = JSON.stringify({
  caseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  status: 'CLOSED',
  sequence: 3,
});
/** A callback as the gateway signs it: a fresh nonce each time. */
const signed = () =>
  signRequest({ clientId: 'gateway', secret: config.secret }, { method: 'POST', url: PATH, body });
const post = (portal: RunningPortal, headers: Record<string, string>) =>
  fetch(`${portal.url}${PATH}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body,
  });

let a: RunningPortal;
let b: RunningPortal;
beforeAll(async () => {
  a = await startPortal({ config: portalConfig() });
  b = await startPortal({ config: portalConfig() });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  redis.disconnect();
});

describe('two portals on one Redis', () => {
  it('refuses at portal B, 401 PORTAL_CALLBACK_REFUSED, a callback portal A accepted', async () => {
    const headers = signed();
    expect((await post(a, headers)).status).toBe(204);
    const replay = await post(b, headers);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      code: 'PORTAL_CALLBACK_REFUSED',
      title: 'replayed nonce',
    });
  });

  it('accepts a fresh callback at either portal, keeping only the hash of its nonce, for the window', async () => {
    const toA = signed();
    const toB = signed();
    expect((await post(a, toA)).status).toBe(204);
    expect((await post(b, toB)).status).toBe(204);
    for (const headers of [toA, toB]) {
      const nonce = headers['X-Gw-Nonce']!;
      const ttl = await redis.pttl(keys.callbackNonce(nonce));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
      const names = await keysUnder(redis, prefix);
      expect(names.filter((name) => name.includes(nonce))).toEqual([]);
    }
  });
});

describe('across a portal restart', () => {
  it('refuses a callback the portal accepted before it restarted', async () => {
    const headers = signed();
    expect((await post(a, headers)).status).toBe(204);
    await a.stop();
    a = await startPortal({ config: portalConfig() });
    expect((await post(a, headers)).status).toBe(401);
    expect((await post(a, signed())).status).toBe(204);
  });
});
