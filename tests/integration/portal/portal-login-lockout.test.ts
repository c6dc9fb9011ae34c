// Failed logins lock a login only from the address that failed, and an address that fails across
// many logins (README.md#the-taxpayer-portal, portal/server/login-lockout.ts). The previous version
// counted per login, whoever typed it: a stranger's five wrong passwords locked the taxpayer out
// from everywhere, and a guesser spreading guesses over logins was never stopped. Addresses are
// real: distinct loopback addresses bound by the client (Linux answers on all of 127/8) when the
// portal trusts no proxy, X-Forwarded-For only where it is configured to trust one.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { PortalConfigError } from '../../../portal/server/portal-config.ts';
import { portalKeys } from '../../../portal/server/portal-keys.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { hashFieldNames, inClear, keysUnder, rawBytes } from '../../support/personal-scan.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';

const LOGIN_KEY = generateDataKeys('login');
const redis = plainRedis();
const portalConfig = (prefix: string, extra: NodeJS.ProcessEnv = {}) =>
  testPortalConfig({
    PORTAL_GATEWAY_URL: gw.url,
    PORTAL_REDIS_PREFIX: prefix,
    PORTAL_DATA_KEYS: generateDataKeys('k1'),
    PORTAL_LOGIN_KEY: LOGIN_KEY,
    ...extra,
  });
const keysOf = (prefix: string) =>
  portalKeys(prefix, parseDataKeys(LOGIN_KEY, undefined, 'test').current);

interface Answer {
  status: number;
  body: string;
}

/** The login form's post, sent from `localAddress`, with any extra headers. */
function loginFrom(
  portal: RunningPortal,
  localAddress: string,
  login: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = new URLSearchParams({ login, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${portal.url}/login`,
      {
        method: 'POST',
        localAddress,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          Origin: portal.url,
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every key name, hash field name and value under a prefix, as one buffer to search. */
async function everythingUnder(prefix: string): Promise<Buffer> {
  const all = await keysUnder(redis, prefix);
  return Buffer.concat([
    Buffer.from(`${all.join('\n')}\n${await hashFieldNames(redis, all)}\n`),
    await rawBytes(redis, all),
  ]);
}

const LOCKED = '登录失败次数过多，请 5 分钟后再试';
const WRONG = '账号或密码错误';

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

describe('a stranger failing one login from another address (no proxy trusted)', () => {
  const prefix = uniquePrefix('portal-lockout-pair');
  const keys = keysOf(prefix);
  const [stranger, taxpayer] = ['127.0.0.2', '127.0.0.3'];
  let portal: RunningPortal;
  const answers: Answer[] = [];

  beforeAll(async () => {
    portal = await startPortal({ config: portalConfig(prefix) });
    running.push(portal);
    for (let i = 0; i < 5; i++) answers.push(await loginFrom(portal, stranger, 'shudao', 'wrong'));
  });

  it("answers the stranger's five wrong passwords 401, then locks the stranger's address for that login with 429, even for the right password", async () => {
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers[0]!.body).toContain(WRONG);
    const locked = await loginFrom(portal, stranger, 'shudao', 'shudao-2026');
    expect(locked.status).toBe(429);
    expect(locked.body).toContain(LOCKED);
    expect(await redis.get(keys.loginFailures('shudao', stranger))).toBe('5');
  });

  it('still logs the taxpayer in with the right password from their own address', async () => {
    expect((await loginFrom(portal, taxpayer, 'shudao', 'shudao-2026')).status).toBe(303);
  });

  it('believes no X-Forwarded-For when no proxy is trusted: the locked address stays locked', async () => {
    const forwarded = await loginFrom(portal, stranger, 'shudao', 'shudao-2026', {
      'X-Forwarded-For': '198.51.100.9',
    });
    expect(forwarded.status).toBe(429);
  });

  it('holds neither the login nor either address in clear in any key name, field or value', async () => {
    expect(inClear(await everythingUnder(prefix), ['shudao', stranger, taxpayer])).toEqual([]);
  });
});

describe('one address failing across many logins (PORTAL_TRUST_PROXY=true)', () => {
  const prefix = uniquePrefix('portal-lockout-address');
  const keys = keysOf(prefix);
  const [sprayer, other] = ['203.0.113.7', '203.0.113.8'];
  const via = (address: string) => ({ 'X-Forwarded-For': address });
  let portal: RunningPortal;
  const statuses: number[] = [];

  beforeAll(async () => {
    portal = await startPortal({
      config: portalConfig(prefix, { PORTAL_TRUST_PROXY: 'true' }),
    });
    running.push(portal);
    // Twenty logins, one wrong password each: no login reaches its own limit of five.
    for (let i = 0; i < 20; i++)
      statuses.push(
        (await loginFrom(portal, '127.0.0.1', `guess-${i}`, 'wrong', via(sprayer))).status,
      );
  });

  it('answers each of the twenty guesses 401, then locks every login from that address with 429', async () => {
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 401));
    const locked = await loginFrom(portal, '127.0.0.1', 'shudao', 'shudao-2026', via(sprayer));
    expect(locked.status).toBe(429);
    expect(locked.body).toContain(LOCKED);
    expect(await redis.get(keys.addressFailures(sprayer))).toBe('20');
  });

  it('still logs a taxpayer in from another address behind the same proxy', async () => {
    const answer = await loginFrom(portal, '127.0.0.1', 'shudao', 'shudao-2026', via(other));
    expect(answer.status).toBe(303);
  });

  it('holds neither a login nor an address in clear in any key name, field or value', async () => {
    const logins = Array.from({ length: 20 }, (_, i) => `guess-${i}`);
    expect(inClear(await everythingUnder(prefix), [...logins, sprayer, other])).toEqual([]);
  });
});

describe('PORTAL_TRUST_PROXY', () => {
  it('refuses anything but true or false', () => {
    let problems: readonly string[] = [];
    try {
      portalConfig('portal', { PORTAL_TRUST_PROXY: 'yes' });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['PORTAL_TRUST_PROXY must be true or false']);
  });
});
