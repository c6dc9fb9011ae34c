// The portal's sessions and its record of cases in its Redis (README.md#the-taxpayer-portal): a
// restarted portal still knows who is logged in and which enterprise submitted which case, and
// shows a case to no one else; Redis holds a session only under the hash of its id, for the idle
// time, renewed by each request, and not after logout; with its Redis gone the portal answers 503,
// a gateway callback too (its nonce cannot be checked).
// A case record's form values are sealed under PORTAL_DATA_KEYS (no personal value of the
// submission in clear under the portal's prefix, still opened after a key rotation) and the
// record expires after PORTAL_CASE_RETENTION_DAYS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { sealedKeyId } from '../../../gateway/personal-data/sealed-data.ts';
import { PAYMENT_ITEM, paymentEnvelope } from '../../../portal/server/payment-envelope.ts';
import { PortalConfigError } from '../../../portal/server/portal-config.ts';
import { portalKeys } from '../../../portal/server/portal-keys.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { TEST_ACCOUNTS } from '../../../portal/server/test-accounts.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import {
  inClear,
  keysUnder,
  personalShapes,
  rawBytes,
  secretsOf,
} from '../../support/personal-scan.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { ownRedis, plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';

const SESSION_MINUTES = 30;
const RETENTION_DAYS = 30;
const prefix = uniquePrefix('portal-store');
const redis = plainRedis();
const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const LOGIN_KEY = generateDataKeys('login');
/** generateDataKeys gives `<id>:<key>`, its id made unique (`k1-7efa60`). */
const keyIdOf = (k: string) => k.split(':')[0]!;
const portalConfig = (gatewayUrl: string, overrides: NodeJS.ProcessEnv = {}) =>
  testPortalConfig({
    PORTAL_GATEWAY_URL: gatewayUrl,
    PORTAL_REDIS_PREFIX: prefix,
    PORTAL_SESSION_MINUTES: String(SESSION_MINUTES),
    PORTAL_DATA_KEYS: K1,
    PORTAL_CASE_RETENTION_DAYS: String(RETENTION_DAYS),
    PORTAL_LOGIN_KEY: LOGIN_KEY,
    ...overrides,
  });
const keys = portalKeys(prefix, portalConfig('http://127.0.0.1:8080').loginKey);

let gw: ApiGateway;
let portal: RunningPortal;
const client = portalClient(() => portal.url);
const idOf = (s: PortalSession) => s.cookie.slice('portal_sid='.length);

beforeAll(async () => {
  gw = await startApiGateway();
  portal = await startPortal({ config: portalConfig(gw.url) });
});
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
  redis.disconnect();
});

async function pay(
  s: PortalSession,
  label: string,
  values?: Record<string, unknown>,
): Promise<string> {
  const res = await client.call(s, '/api/payments', {
    values: values ?? (await client.paymentValues(s)),
    submissionKey: `${label}-${Date.now()}`,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { caseId: string }).caseId;
}

const home = async (s: PortalSession) =>
  fetch(`${portal.url}/`, { headers: { Cookie: s.cookie }, redirect: 'manual' });

describe('across a portal restart', () => {
  let shudao: PortalSession;
  let caseId: string;

  beforeAll(async () => {
    shudao = await client.session('shudao');
    caseId = await pay(shudao, 'before-restart');
    // A new portal on the same Redis (a new port: the cookie is the browser's, not the port's).
    await portal.stop();
    portal = await startPortal({ config: portalConfig(gw.url) });
  });

  it('keeps the session, and its home page lists the case submitted before the restart', async () => {
    const page = await home(shudao);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`/cases/${caseId}`);
    expect((await client.call(shudao, `/api/cases/${caseId}`)).status).toBe(200);
  });

  it('offers the retry pre-filled from what was sent before the restart, linked to that case', async () => {
    const res = await client.call(shudao, `/api/forms/payment?retry=${caseId}`);
    const spec = (await res.json()) as { relatedCaseId?: string; values: { agreementNo?: string } };
    expect(spec.relatedCaseId).toBe(caseId);
    expect(spec.values.agreementNo).toBe('5303230001234567');
  });

  it("shows another enterprise's session neither the case, its receipt, its live feed, its rating nor its retry", async () => {
    const xiaohong = await client.session('xiaohong');
    expect((await client.call(xiaohong, `/api/cases/${caseId}`)).status).toBe(404);
    expect((await client.call(xiaohong, `/api/cases/${caseId}/stream`)).status).toBe(404);
    // The pages with the case's facts (the receipt: the masked account, the 三方协议号, the sums).
    for (const page of [`/cases/${caseId}`, `/cases/${caseId}/receipt`]) {
      const res = await fetch(`${portal.url}${page}`, {
        headers: { Cookie: xiaohong.cookie },
        redirect: 'manual',
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('办件不存在');
    }
    // Nor rated nor re-rated by it: the same 404 as a case that does not exist.
    for (const action of ['evaluation', 're-rating']) {
      const res = await client.call(xiaohong, `/api/cases/${caseId}/${action}`, { level: 5 });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('PORTAL_CASE_NOT_FOUND');
    }
    expect(await (await home(xiaohong)).text()).not.toContain(caseId);
    const retry = await client.call(xiaohong, `/api/forms/payment?retry=${caseId}`);
    expect(((await retry.json()) as { relatedCaseId?: string }).relatedCaseId).toBeUndefined();
  });
});

describe('case records at rest', () => {
  const shudao = TEST_ACCOUNTS.find((a) => a.login === 'shudao')!;
  let s: PortalSession;
  let values: Record<string, unknown>;
  let caseId: string;

  beforeAll(async () => {
    s = await client.session('shudao');
    values = await client.paymentValues(s);
    caseId = await pay(s, 'at-rest', values);
  });

  it("holds none of the submission's personal values in clear under the portal's prefix", async () => {
    const compiled = gw.services.registry.compiledItem(PAYMENT_ITEM)!;
    const envelope = paymentEnvelope(shudao, { values }, 'https://portal.example/callbacks');
    const secrets = secretsOf(envelope, compiled.personal);
    // What the form and the envelope hold: the bank account, the contact's ID number and phone.
    expect(secrets).toEqual(
      expect.arrayContaining([
        '6222020200112233445',
        shudao.applicant.contactIdNumber,
        shudao.applicant.phone,
      ]),
    );
    const all = await keysUnder(redis, prefix);
    expect(all).toContain(keys.case(caseId));
    const bytes = await rawBytes(redis, all);
    expect(inClear(bytes, secrets)).toEqual([]);
    expect(personalShapes(bytes.toString('latin1'))).toEqual([]);
  });

  it('stores the form values sealed under the current key, bound to the case', async () => {
    const sealed = (await redis.hgetallBuffer(keys.case(caseId))).values!;
    expect(sealedKeyId(sealed)).toBe(keyIdOf(K1));
  });

  it('gives the case hash the retention as its TTL, and its account set at least as long', async () => {
    const retentionMs = RETENTION_DAYS * 86_400_000;
    // The set's first: both were given their TTL by one script, so read later the hash's is less.
    const setTtl = await redis.pttl(keys.accountCases('shudao'));
    const ttl = await redis.pttl(keys.case(caseId));
    expect(ttl).toBeGreaterThan(retentionMs - 60_000);
    expect(ttl).toBeLessThanOrEqual(retentionMs);
    expect(setTtl).toBeGreaterThanOrEqual(ttl);
  });

  it('still pre-fills the retry with the values sent, bank account included', async () => {
    const res = await client.call(s, `/api/forms/payment?retry=${caseId}`);
    const spec = (await res.json()) as { relatedCaseId?: string; values: unknown };
    expect(spec.relatedCaseId).toBe(caseId);
    expect(spec.values).toEqual(values);
  });

  it('opens a record sealed under k1 once PORTAL_DATA_KEYS lists k2 as current and k1 as old, and seals new ones under k2', async () => {
    await portal.stop();
    portal = await startPortal({
      config: portalConfig(gw.url, { PORTAL_DATA_KEYS: `${K2},${K1}` }),
    });
    const res = await client.call(s, `/api/forms/payment?retry=${caseId}`);
    expect(((await res.json()) as { values: unknown }).values).toEqual(values);
    const next = await pay(s, 'after-rotation');
    const sealed = (await redis.hgetallBuffer(keys.case(next))).values!;
    expect(sealedKeyId(sealed)).toBe(keyIdOf(K2));
  });

  it("starts the retry from the account's defaults, warning, when the record's key is no longer listed", async () => {
    const warnings: string[] = [];
    const k2Only = await startPortal({
      config: portalConfig(gw.url, { PORTAL_DATA_KEYS: K2 }),
      warn: (m) => warnings.push(m),
    });
    try {
      const onK2 = portalClient(() => k2Only.url);
      const res = await onK2.call(s, `/api/forms/payment?retry=${caseId}`);
      expect(res.status).toBe(200);
      const spec = (await res.json()) as { relatedCaseId?: string; values: { lines: unknown } };
      expect(spec.relatedCaseId).toBe(caseId);
      expect(spec.values.lines).toEqual([{ taxAuthorityCode: '15303230000' }]);
      expect(warnings).toEqual([
        expect.stringMatching(
          new RegExp(`^case ${caseId}: .*"${keyIdOf(K1)}", which is not in PORTAL_DATA_KEYS`),
        ),
      ]);
    } finally {
      await k2Only.stop();
    }
  });

  it('lists no case whose record expired, and drops it from the account set', async () => {
    const gone = await pay(s, 'to-expire');
    expect(await (await home(s)).text()).toContain(`/cases/${gone}`);
    await redis.pexpire(keys.case(gone), 1);
    await waitFor(async () => (await redis.exists(keys.case(gone))) === 0, {
      what: 'the case record to expire',
    });
    const page = await (await home(s)).text();
    expect(page).not.toContain(`/cases/${gone}`);
    expect(page).toContain(`/cases/${caseId}`);
    expect(await redis.zscore(keys.accountCases('shudao'), gone)).toBeNull();
    expect((await client.call(s, `/api/cases/${gone}`)).status).toBe(404);
  });
});

describe('sessions in Redis', () => {
  it('keeps a session under the hash of its id, the id itself nowhere in its keys or fields', async () => {
    const s = await client.session('shudao');
    const id = idOf(s);
    expect(await redis.hgetall(keys.session(id))).toEqual({
      account: keys.account('shudao'),
      csrf: s.csrf,
    });
    const all = await redis.keys(`${prefix}:*`);
    expect(all).toContain(keys.session(id));
    expect(all.filter((k) => k.includes(id))).toEqual([]);
  });

  it('gives a session the idle time as its TTL, and each request renews it', async () => {
    const s = await client.session('shudao');
    const key = keys.session(idOf(s));
    const idleMs = SESSION_MINUTES * 60_000;
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(idleMs - 60_000);
    expect(ttl).toBeLessThanOrEqual(idleMs);
    await redis.pexpire(key, 60_000);
    expect((await home(s)).status).toBe(200);
    expect(await redis.pttl(key)).toBeGreaterThan(idleMs - 60_000);
  });

  it('ends a session once its TTL runs out: the cookie leads to the login page', async () => {
    const s = await client.session('shudao');
    const key = keys.session(idOf(s));
    await redis.pexpire(key, 1);
    await waitFor(async () => (await redis.exists(key)) === 0, { what: 'the session to expire' });
    const page = await home(s);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
  });

  /** The sign-out form of a page (html.ts), posted as the browser posts it. */
  async function signOutForm(
    s: PortalSession,
    fields?: Record<string, string>,
    origin = portal.url,
  ) {
    const page = await (await home(s)).text();
    const token =
      /<form method="post" action="\/logout"[^>]*><input type="hidden" name="_csrf" value="([^"]*)"/.exec(
        page,
      )?.[1];
    return fetch(`${portal.url}/logout`, {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: origin,
      },
      body: new URLSearchParams(fields ?? { _csrf: token ?? '' }).toString(),
      redirect: 'manual',
    });
  }

  it("removes a session from Redis at logout, through the page's own sign-out form, asks the browser to clear the origin's cache and storage in every tab, and sends to the login page marked signed-out", async () => {
    const s = await client.session('shudao');
    const key = keys.session(idOf(s));
    expect(await redis.exists(key)).toBe(1);
    const out = await signOutForm(s);
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login?signed-out');
    expect(out.headers.get('clear-site-data')).toBe('"cache", "storage"');
    expect(await redis.exists(key)).toBe(0);
    expect((await home(s)).status).toBe(303);
  });

  it("keeps the session when a logout post lacks the session's CSRF token (another site's form)", async () => {
    const s = await client.session('shudao');
    const key = keys.session(idOf(s));
    const posts: Record<string, string>[] = [
      {},
      { _csrf: 'not-the-token' },
      { _csrf: `${s.csrf}x` },
    ];
    for (const fields of posts) {
      const out = await signOutForm(s, fields);
      expect(out.status).toBe(403);
      expect(out.headers.get('set-cookie')).toBeNull();
      expect(out.headers.get('clear-site-data')).toBeNull();
      expect(await redis.exists(key)).toBe(1);
    }
    expect((await home(s)).status).toBe(200);
  });

  it("keeps the session when the page's own sign-out form, token and all, is posted from another site", async () => {
    const s = await client.session('shudao');
    const out = await signOutForm(s, undefined, 'https://evil.example');
    expect(out.status).toBe(403);
    expect(out.headers.get('set-cookie')).toBeNull();
    expect(out.headers.get('clear-site-data')).toBeNull();
    expect(await redis.exists(keys.session(idOf(s)))).toBe(1);
  });
});

describe('when its Redis is gone', () => {
  it('answers pages and calls 503 saying so, and keeps serving what needs no Redis', async () => {
    const own = await ownRedis('portal-down');
    const down = await startPortal({ config: portalConfig(gw.url, { PORTAL_REDIS_URL: own.url }) });
    const onDown = portalClient(() => down.url);
    try {
      const s = await onDown.session('shudao');
      await own.stop();
      const page = await fetch(`${down.url}/`, { headers: { Cookie: s.cookie } });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('服务暂时不可用');
      const api = await onDown.call(s, '/api/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV');
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ code: 'PORTAL_UNAVAILABLE' });
      expect((await onDown.login('shudao')).status).toBe(503);
      // A genuine callback whose nonce cannot be checked: 503, so the gateway retries it.
      const path = '/callbacks/gateway';
      const body = JSON.stringify({ caseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', status: 'CLOSED' });
      const callback = await fetch(`${down.url}${path}`, {
        method: 'POST',
        headers: signRequest(
          { clientId: 'gateway', secret: devSecret('portal-sc') },
          { method: 'POST', url: path, body },
        ),
        body,
      });
      expect(callback.status).toBe(503);
      expect(await callback.json()).toMatchObject({ code: 'PORTAL_UNAVAILABLE' });
      expect((await fetch(`${down.url}/login`)).status).toBe(200);
    } finally {
      await down.stop();
      await own.stop();
    }
  });
});

describe('portal configuration', () => {
  it.each([
    ['unset', undefined],
    ['a Redis Cluster', 'redis-cluster://127.0.0.1:7000,127.0.0.1:7001'],
  ])('refuses to start with PORTAL_REDIS_URL %s', (_, url) => {
    let problems: readonly string[] = [];
    try {
      testPortalConfig({ PORTAL_REDIS_URL: url });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^PORTAL_REDIS_URL is required/)]);
  });

  it('takes a master found through its Sentinels, and refuses a sentinel URL without the master name in the gateway words, named PORTAL_REDIS_URL', () => {
    const url = 'redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster';
    expect(testPortalConfig({ PORTAL_REDIS_URL: url }).redisUrl).toBe(url);
    let problems: readonly string[] = [];
    try {
      testPortalConfig({ PORTAL_REDIS_URL: 'redis-sentinel://127.0.0.1:26379' });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(
        /^PORTAL_REDIS_URL: a sentinel URL names the master after its Sentinels/,
      ),
    ]);
  });

  it.each(['0', '-1', 'a year'])('refuses PORTAL_CASE_RETENTION_DAYS %s', (days) => {
    let problems: readonly string[] = [];
    try {
      portalConfig('http://127.0.0.1:8080', { PORTAL_CASE_RETENTION_DAYS: days });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^PORTAL_CASE_RETENTION_DAYS must be/)]);
  });

  it('names PORTAL_DATA_KEYS, never the key, when an entry is malformed', () => {
    let problems: readonly string[] = [];
    try {
      portalConfig('http://127.0.0.1:8080', { PORTAL_DATA_KEYS: 'k1:c2hvcnQ=' });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['PORTAL_DATA_KEYS key k1: must be 32 bytes in base64, got 5']);
  });

  it('defaults PORTAL_CASE_RETENTION_DAYS to the gateway case retention default, 365', () => {
    const config = portalConfig('http://127.0.0.1:8080', { PORTAL_CASE_RETENTION_DAYS: undefined });
    expect(config.caseRetentionDays).toBe(365);
  });
});
