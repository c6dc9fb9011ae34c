// The portal keeps no login in its Redis (README.md#the-taxpayer-portal): after logins, payments,
// failed logins and a lock-out, no key name, hash field or value under its prefix holds a login,
// nor its plain SHA-256 (a phone number's could be found by hashing them all): only the login's
// HMAC under PORTAL_LOGIN_KEY. A store written by the previous version, logins in clear, is moved
// to the digests before the portal serves, once even when two portals start at once, and keeps
// working: the session, the account's cases and their retry. Its failure counters, per login with
// no client address, cannot move (login-lockout.ts counts per login and address): they go.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { createSealer } from '../../../gateway/personal-data/sealed-data.ts';
import { PortalConfigError } from '../../../portal/server/portal-config.ts';
import { portalKeys, sessionDigest } from '../../../portal/server/portal-keys.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import {
  hashFieldNames,
  inClear,
  keysUnder,
  personalShapes,
  rawBytes,
} from '../../support/personal-scan.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';

const DATA_KEYS = generateDataKeys('k1');
const LOGIN_KEY = generateDataKeys('login');
const DAY_MS = 86_400_000;
const redis = plainRedis();
const portalConfig = (prefix: string, extra: NodeJS.ProcessEnv = {}) =>
  testPortalConfig({
    PORTAL_GATEWAY_URL: gw.url,
    PORTAL_REDIS_PREFIX: prefix,
    PORTAL_DATA_KEYS: DATA_KEYS,
    PORTAL_LOGIN_KEY: LOGIN_KEY,
    ...extra,
  });
const keysOf = (prefix: string) =>
  portalKeys(prefix, parseDataKeys(LOGIN_KEY, undefined, 'test').current);

/** Every key name, hash field name and value under a prefix, as one buffer to search. */
async function everythingUnder(prefix: string): Promise<Buffer> {
  const all = await keysUnder(redis, prefix);
  return Buffer.concat([
    Buffer.from(`${all.join('\n')}\n${await hashFieldNames(redis, all)}\n`),
    await rawBytes(redis, all),
  ]);
}

/** A login, and its plain SHA-256 as hex and base64url: none may be stored. */
const forms = (login: string) => [
  login,
  createHash('sha256').update(login).digest('hex'),
  createHash('sha256').update(login).digest('base64url'),
];

let gw: ApiGateway;
const running: RunningPortal[] = [];
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => {
  for (const p of running) await p.stop();
  await gw?.close();
  redis.disconnect();
});

describe('logins at rest', () => {
  const prefix = uniquePrefix('portal-logins');
  const keys = keysOf(prefix);
  const phone = '13912345678';
  const idNumber = '510104198503152311';
  const caseIds: string[] = [];

  beforeAll(async () => {
    const portal = await startPortal({ config: portalConfig(prefix) });
    running.push(portal);
    const client = portalClient(() => portal.url);
    for (const login of ['shudao', 'xiaohong']) {
      const s = await client.session(login);
      const res = await client.call(s, '/api/payments', {
        values: await client.paymentValues(s),
        submissionKey: `logins-${login}-${Date.now()}`,
      });
      expect(res.status).toBe(202);
      caseIds.push(((await res.json()) as { caseId: string }).caseId);
    }
    // Failed logins: one account's, and logins shaped like a phone and an ID number, the phone
    // until it is locked.
    for (let i = 0; i < 2; i++) expect((await client.login('shudao', 'wrong')).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await client.login(phone, 'wrong')).status).toBe(401);
    expect((await client.login(phone, 'wrong')).status).toBe(429);
    expect((await client.login(idNumber, 'wrong')).status).toBe(401);
  });

  it('holds no login, nor its plain SHA-256, in any key name, field or value under the prefix', async () => {
    const everything = await everythingUnder(prefix);
    const logins = ['shudao', 'xiaohong', phone, idNumber];
    expect(inClear(everything, logins.flatMap(forms))).toEqual([]);
    expect(personalShapes(everything.toString('latin1'))).toEqual([]);
  });

  it("keeps each account's cases, the failure counts and the lock-out under the logins' keyed digests", async () => {
    // The portal listens on 127.0.0.1 and trusts no proxy: the client's address is the socket's.
    const from = '127.0.0.1';
    expect(await redis.zrange(keys.accountCases('shudao'), '0', '-1')).toEqual([caseIds[0]]);
    expect(await redis.zrange(keys.accountCases('xiaohong'), '0', '-1')).toEqual([caseIds[1]]);
    expect(await redis.hget(keys.case(caseIds[0]!), 'account')).toBe(keys.account('shudao'));
    expect(await redis.get(keys.loginFailures('shudao', from))).toBe('2');
    expect(await redis.get(keys.loginFailures(phone, from))).toBe('5');
    expect(await redis.get(keys.loginFailures(idNumber, from))).toBe('1');
    expect(await redis.get(keys.addressFailures(from))).toBe('8');
  });
});

describe('a store written by the previous version, logins in clear', () => {
  const prefix = uniquePrefix('portal-old-shape');
  const keys = keysOf(prefix);
  const oldCase = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const newCase = '01ARZ3NDEKTSV4RRFFQ69G5FAW';
  const sessionId = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const values = { agreementNo: '5303230001234567', bank: { accountNo: '6222020200112233445' } };
  const retentionMs = 30 * DAY_MS;
  const warnings: string[][] = [[], [], []];
  let portal: RunningPortal;

  beforeAll(async () => {
    const sealer = createSealer(parseDataKeys(DATA_KEYS, undefined, 'test'));
    const submittedAt = Date.now() - 60_000;
    // As the previous version wrote them (portal-keys.ts's LEGACY names): the login in key names
    // and in `login` fields.
    await redis
      .multi()
      .hset(keys.case(oldCase), {
        login: 'shudao',
        itemCode: 'SW-005',
        values: sealer.seal(values, oldCase),
        submittedAt: new Date(submittedAt).toISOString(),
        status: 'ROUTED',
      })
      .pexpire(keys.case(oldCase), retentionMs)
      .zadd(`${prefix}:account:shudao:cases`, submittedAt, oldCase)
      .pexpire(`${prefix}:account:shudao:cases`, retentionMs)
      .hset(`${prefix}:session:${sessionDigest(sessionId)}`, { login: 'shudao', csrf })
      .pexpire(`${prefix}:session:${sessionDigest(sessionId)}`, 30 * 60_000)
      .set(`${prefix}:login-failures:xiaohong`, 5, 'PX', 5 * 60_000)
      // And one case a portal of this version recorded first, under the digest.
      .hset(keys.case(newCase), {
        account: keys.account('shudao'),
        itemCode: 'SW-005',
        values: sealer.seal(values, newCase),
        submittedAt: new Date().toISOString(),
        status: 'ROUTED',
      })
      .pexpire(keys.case(newCase), retentionMs)
      .zadd(keys.accountCases('shudao'), Date.now(), newCase)
      .pexpire(keys.accountCases('shudao'), retentionMs)
      .exec();
    const config = portalConfig(prefix, { PORTAL_CASE_RETENTION_DAYS: '30' });
    const two = await Promise.all(
      [0, 1].map((i) => startPortal({ config, warn: (m) => warnings[i]!.push(m) })),
    );
    running.push(...two);
    portal = two[0]!;
  });

  it('moves each of the four records once, though two portals start at once', () => {
    const moved = warnings
      .slice(0, 2)
      .flat()
      .map((m) => Number(/(\d+) records keyed by login moved/.exec(m)?.[1]));
    expect(moved.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('leaves no login in clear under the prefix', async () => {
    expect(inClear(await everythingUnder(prefix), ['shudao', 'xiaohong'])).toEqual([]);
  });

  it("keeps the session, lists the account's old and new cases and pre-fills the old one's retry", async () => {
    const cookie = `portal_sid=${sessionId}`;
    const home = await fetch(`${portal.url}/`, { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain(`/cases/${oldCase}`);
    expect(page).toContain(`/cases/${newCase}`);
    const client = portalClient(() => portal.url);
    const retry = await client.call({ cookie, csrf }, `/api/forms/payment?retry=${oldCase}`);
    const spec = (await retry.json()) as { relatedCaseId?: string; values: unknown };
    expect(spec).toMatchObject({ relatedCaseId: oldCase, values });
  });

  it('drops the failure counter of a login locked before the upgrade: it names no address to move to', async () => {
    expect(await redis.exists(`${prefix}:login-failures:xiaohong`)).toBe(0);
    expect((await portalClient(() => portal.url).login('xiaohong')).status).toBe(303);
  });

  it('keeps the TTLs: the retention of the case and its set, and the session', async () => {
    expect(await redis.pttl(keys.case(oldCase))).toBeGreaterThan(retentionMs - 60_000);
    expect(await redis.pttl(keys.accountCases('shudao'))).toBeGreaterThan(retentionMs - 60_000);
    expect(await redis.pttl(keys.session(sessionId))).toBeGreaterThan(0);
  });

  it('moves nothing at the next start', async () => {
    const again = await startPortal({
      config: portalConfig(prefix),
      warn: (m) => warnings[2]!.push(m),
    });
    running.push(again);
    expect(warnings[2]).toEqual([]);
  });
});

describe('PORTAL_LOGIN_KEY', () => {
  it('refuses a second key: a login must keep its digest', () => {
    let problems: readonly string[] = [];
    try {
      portalConfig('portal', { PORTAL_LOGIN_KEY: `${generateDataKeys('l2')},${LOGIN_KEY}` });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^PORTAL_LOGIN_KEY must list exactly one key, not 2/),
    ]);
  });

  it('keys a login differently under another login key', () => {
    const other = portalKeys('p', parseDataKeys(generateDataKeys('l2'), undefined, 'test').current);
    expect(other.account('shudao')).not.toBe(keysOf('p').account('shudao'));
  });
});
