// gateway/README.md#authentication-and-signing: every /v1 call is signed. These tests sign with the
// shipped client and also build requests by hand, as an independent portal would from the README's
// text.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import {
  startApiGateway,
  devSecret,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

const creds = (id = 'portal-sc') => ({ clientId: id, secret: devSecret(id) });

async function send(url: string, headers: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(`${gw.url}${url}`, {
    ...init,
    headers: { ...headers, ...(init.headers as object) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('request signing', () => {
  it('accepts a request signed by hand exactly as the README describes (HMAC-SHA256)', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = 'n0nce-hand-made-0001';
    const empty = createHash('sha256').update('').digest('hex');
    const text = ['GET', '/v1/divisions/530323', '', ts, nonce, empty].join('\n');
    const signature = createHmac('sha256', devSecret('portal-sc')).update(text).digest('hex');
    const res = await send('/v1/divisions/530323', {
      'X-Gw-Client': 'portal-sc',
      'X-Gw-Timestamp': ts,
      'X-Gw-Nonce': nonce,
      'X-Gw-Signature-Method': 'HMAC-SHA256',
      'X-Gw-Signature': signature,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: '530323',
      name: '师宗县',
      level: 'county',
      province: '53',
    });
  });

  it('accepts the HMAC-SM3 variant', async () => {
    const res = await gw.client('portal-sc', 'HMAC-SM3').request('GET', '/v1/divisions/510104');
    expect(res.status).toBe(200);
  });

  it('accepts a query sent in another order than it was signed (canonical sorting)', async () => {
    const headers = signRequest(creds(), {
      method: 'GET',
      url: '/v1/catalogue/items?mode=online&department=SW',
    });
    const res = await send('/v1/catalogue/items?department=SW&mode=online', headers);
    expect(res.status).toBe(200);
    expect((res.body.items as unknown[]).length).toBeGreaterThan(0);
  });

  it('verifies a canonical query sorted by hand in character-code order of the encoded names and values (B before a, %C3%A9 before z), as the README says, and refuses one sorted like a locale collation', async () => {
    const empty = createHash('sha256').update('').digest('hex');
    const signed = (query: string, n: number) => {
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = `n0nce-sort-order-${Date.now()}-${n}`;
      const text = ['GET', '/v1/divisions/530323', query, ts, nonce, empty].join('\n');
      return {
        'X-Gw-Client': 'portal-sc',
        'X-Gw-Timestamp': ts,
        'X-Gw-Nonce': nonce,
        'X-Gw-Signature-Method': 'HMAC-SHA256',
        'X-Gw-Signature': createHmac('sha256', devSecret('portal-sc')).update(text).digest('hex'),
      };
    };
    const sent = '/v1/divisions/530323?zz=1&a=1&%C3%A9=1&B=1';
    const byCode = await send(sent, signed('%C3%A9=1&B=1&a=1&zz=1', 1));
    expect(byCode.status).toBe(200);
    const byLocale = await send(sent, signed('a=1&B=1&%C3%A9=1&zz=1', 2));
    expect(byLocale).toMatchObject({ status: 401, body: { code: 'GW_AUTH_BAD_SIGNATURE' } });
  });

  it('refuses a wrong secret with 401 GW_AUTH_BAD_SIGNATURE', async () => {
    const headers = signRequest(
      { clientId: 'portal-sc', secret: 'x'.repeat(40) },
      { method: 'GET', url: '/v1/divisions/530323' },
    );
    const res = await send('/v1/divisions/530323', headers);
    expect(res).toMatchObject({ status: 401, body: { code: 'GW_AUTH_BAD_SIGNATURE' } });
  });

  it('refuses a body changed after signing', async () => {
    const signedBody = JSON.stringify(validExample('SW-005'));
    const headers = signRequest(creds(), { method: 'POST', url: '/v1/cases', body: signedBody });
    const tampered = signedBody.replace('40320.00', '1.00');
    const res = await send(
      '/v1/cases',
      { ...headers, 'content-type': 'application/json', 'idempotency-key': 'tamper-key-0001' },
      { method: 'POST', body: tampered },
    );
    expect(res).toMatchObject({ status: 401, body: { code: 'GW_AUTH_BAD_SIGNATURE' } });
  });

  it('refuses stale and future timestamps with 401 GW_AUTH_STALE_TIMESTAMP', async () => {
    // A minute past either edge: +301 was inside the window whenever a second began between this
    // line and the gateway's check (its whole second then one ahead), which a loaded machine
    // makes likely. The edges themselves are timestamp-window.test.ts's, on a fixed clock.
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 360, now + 360]) {
      const headers = signRequest(creds(), {
        method: 'GET',
        url: '/v1/divisions/530323',
        timestamp,
      });
      const res = await send('/v1/divisions/530323', headers);
      expect(res).toMatchObject({ status: 401, body: { code: 'GW_AUTH_STALE_TIMESTAMP' } });
    }
  });

  it('refuses a decimal or millisecond timestamp with 401 GW_AUTH_STALE_TIMESTAMP, its detail asking for whole seconds', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [`${now}.5`, `${now}000`, `+${now}`]) {
      const headers = signRequest(creds(), { method: 'GET', url: '/v1/divisions/530323' });
      const res = await send('/v1/divisions/530323', { ...headers, 'X-Gw-Timestamp': timestamp });
      expect(res).toMatchObject({ status: 401, body: { code: 'GW_AUTH_STALE_TIMESTAMP' } });
      expect(res.body.detail).toMatch(/whole unix seconds: digits only/);
    }
  });

  it('refuses a replayed nonce with 401 GW_AUTH_REPLAYED_NONCE, its detail saying to sign with a fresh nonce', async () => {
    const headers = signRequest(creds(), { method: 'GET', url: '/v1/divisions/530323' });
    expect((await send('/v1/divisions/530323', headers)).status).toBe(200);
    const again = await send('/v1/divisions/530323', headers);
    expect(again).toMatchObject({ status: 401, body: { code: 'GW_AUTH_REPLAYED_NONCE' } });
    expect(again.body.detail).toMatch(/X-Gw-Nonce was used by this client.*fresh nonce/);
  });

  it('refuses an unknown client with 401 GW_AUTH_UNKNOWN_CLIENT, its detail naming X-Gw-Client', async () => {
    const headers = signRequest(
      { clientId: 'portal-bj', secret: 'y'.repeat(40) },
      { method: 'GET', url: '/v1/divisions/530323' },
    );
    const res = await send('/v1/divisions/530323', headers);
    expect(res).toMatchObject({ status: 401, body: { code: 'GW_AUTH_UNKNOWN_CLIENT' } });
    expect(res.body.detail).toBe('X-Gw-Client names no client registered with this gateway');
  });

  it('refuses missing headers and a malformed nonce with 401 GW_AUTH_MISSING', async () => {
    expect(await send('/v1/divisions/530323', {})).toMatchObject({
      status: 401,
      body: { code: 'GW_AUTH_MISSING' },
    });
    // Named as the README's header table names them, not in node's lower case.
    const { 'X-Gw-Nonce': _, ...noNonce } = signRequest(creds(), {
      method: 'GET',
      url: '/v1/divisions/530323',
    });
    expect((await send('/v1/divisions/530323', noNonce)).body.detail).toBe(
      'Missing headers: X-Gw-Nonce',
    );
    const headers = signRequest(creds(), {
      method: 'GET',
      url: '/v1/divisions/530323',
      nonce: 'short',
    });
    expect(await send('/v1/divisions/530323', headers)).toMatchObject({
      status: 401,
      body: { code: 'GW_AUTH_MISSING' },
    });
  });

  it('answers a province client trying to submit with 403 GW_FORBIDDEN', async () => {
    const res = await gw
      .client('province-yn')
      .submitCase(validExample('SW-005'), 'province-tries-0001');
    expect(res).toMatchObject({ status: 403, body: { code: 'GW_FORBIDDEN' } });
  });

  it('answers over the client rate with 429 and Retry-After', async () => {
    const limited = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '3' });
    try {
      const client = limited.client('portal-gx');
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 6; i++) {
        const res = await client.request('GET', '/v1/divisions/450103');
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toContain(429);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it("answers a client whose window's counter is already past its rate with 429 GW_RATE_LIMITED problem+json, and gives a counter left without expiry its one-second expiry", async () => {
    const limited = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '5' });
    try {
      const counter = `${redisKeys(limited.config.keyPrefix).rateLimit(5)}:portal-gx`;
      // Left without expiry: by hand here; a counter must never outlive its window.
      await limited.services.redis.set(counter, '100');
      const res = await limited.client('portal-gx').request('GET', '/v1/divisions/450103');
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'GW_RATE_LIMITED', status: 429 });
      expect(res.headers.get('retry-after')).toBe('1');
      const ttl = await limited.services.redis.pttl(counter);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
      // Another client of the same rate counts on its own.
      expect(
        (await limited.client('portal-sc').request('GET', '/v1/divisions/450103')).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('counts on the window another gateway (or rate-limiter-flexible before this one) left under <p>:rate:<points>:<clientId>: the request that reaches the rate passes, the next is 429', async () => {
    const limited = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000' });
    try {
      const counter = `${limited.config.keyPrefix}:rate:1000:portal-gx`;
      // 999 requests counted elsewhere in a window that is not over yet.
      await limited.services.redis.set(counter, '999', 'PX', 60_000);
      const client = limited.client('portal-gx');
      expect((await client.request('GET', '/v1/divisions/450103')).status).toBe(200);
      const over = await client.request('GET', '/v1/divisions/450103');
      expect(over).toMatchObject({ status: 429, body: { code: 'GW_RATE_LIMITED' } });
      // Retry-After is the window's rest, whole seconds rounded up.
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(await limited.services.redis.get(counter)).toBe('1001');
    } finally {
      await limited.close();
    }
  });
});
