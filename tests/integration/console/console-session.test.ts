// The operator console's sign-in rules over HTTP (gateway/console/README.md#security): sessions
// in Redis under a hash of the cookie, rotated at sign-in, ended by idle and absolute timeouts on
// the gateway's clock; cookies HttpOnly and SameSite=Strict; a CSRF token on every POST; lock-out
// per operator id and per client address, audited; pages and actions refused without the right.
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { testDataKeys } from '../../support/redis.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock(new Date().toISOString());
let gw: ApiGateway;
let client: () => ConsoleClient;

beforeAll(async () => {
  gw = await startApiGateway(
    {
      GW_CONSOLE_IDLE_MINUTES: '2',
      GW_CONSOLE_SESSION_HOURS: '1',
      GW_CONSOLE_LOCK_AFTER_FAILURES: '3',
      GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    },
    { now: clock.now },
  );
  client = () => new ConsoleClient(gw.url);
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

async function auditEntries(action: string) {
  return (await gw.services.audit.page({ action, limit: 200 })).items;
}

describe('signing in', () => {
  it('sends a page without a session to the sign-in page, remembering where it was going', async () => {
    const res = await client().get('/console/dead-letters');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/sign-in?next=%2Fconsole%2Fdead-letters');
  });

  it('signs an operator in with an HttpOnly, SameSite=Strict cookie whose value Redis never holds', async () => {
    const c = client();
    const res = await c.signIn('operator-dev');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/');
    const cookie = res.setCookies.find((l) => l.startsWith('gw_console='))!;
    expect(cookie).toMatch(/; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('Secure');
    const id = c.cookies.get('gw_console')!;
    const keys = await gw.services.redis.keys(`${gw.config.keyPrefix}:console:session:*`);
    const hashed = createHash('sha256').update(id).digest('hex');
    expect(keys).toContain(redisKeys(gw.config.keyPrefix).console.session(hashed));
    expect(keys.join(' ')).not.toContain(id);
    const home = await c.get('/console/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('id="operator-id">operator-dev<');
    expect(
      (await auditEntries('console.sign-in')).some(
        (e) => e.actor === 'operator-dev' && e.outcome === 'ok',
      ),
    ).toBe(true);
  });

  it('gives a new session id at every sign-in, and the old one stops working', async () => {
    const c = client();
    await c.signIn('operator-dev');
    const first = c.cookies.get('gw_console')!;
    // Signing in again with the first session's cookie still sent.
    c.cookies.delete('gw_console');
    const form = await c.get('/console/sign-in');
    c.cookies.set('gw_console', first);
    await c.post('/console/sign-in', {
      _csrf: ConsoleClient.csrfOf(form.text),
      operator: 'operator-dev',
      password: 'operator-dev-2026',
    });
    const second = c.cookies.get('gw_console')!;
    expect(second).not.toBe(first);
    const old = client();
    old.cookies.set('gw_console', first);
    expect((await old.get('/console/')).status).toBe(303);
    expect((await c.get('/console/')).status).toBe(200);
  });

  it('does not keep a session id planted before sign-in', async () => {
    const c = client();
    const planted = 'p'.repeat(43);
    c.cookies.set('gw_console', planted);
    await c.signIn('operator-dev');
    expect(c.cookies.get('gw_console')).not.toBe(planted);
    expect((await c.get('/console/')).status).toBe(200);
  });

  it('answers a wrong password and an unknown operator alike, and audits both as refused', async () => {
    const wrong = await client().signIn('operator-dev-2', 'not-the-password');
    const unknown = await client().signIn('operator-nobody', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    for (const res of [wrong, unknown]) expect(res.text).toContain('账号或密码错误');
    const refused = (await auditEntries('console.sign-in')).filter((e) => e.outcome === 'refused');
    expect(refused.map((e) => e.actor)).toEqual(
      expect.arrayContaining(['operator-dev-2', '(unknown)']),
    );
    // Whatever was typed as the id of no operator (a password, perhaps) is not kept.
    expect(refused.map((e) => e.actor)).not.toContain('operator-nobody');
  });

  it('refuses a sign-in form posted without its token or from another origin', async () => {
    const c = client();
    const bare = await c.post('/console/sign-in', {
      operator: 'operator-dev',
      password: 'operator-dev-2026',
    });
    expect(bare.status).toBe(403);
    expect(c.cookies.has('gw_console')).toBe(false);
    const form = await c.get('/console/sign-in');
    const foreign = await c.post(
      '/console/sign-in',
      {
        _csrf: ConsoleClient.csrfOf(form.text),
        operator: 'operator-dev',
        password: 'operator-dev-2026',
      },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(c.cookies.has('gw_console')).toBe(false);
  });

  it('never redirects after sign-in outside the console', async () => {
    const c = client();
    const form = await c.get('/console/sign-in?next=https://evil.example/');
    expect(form.text).toContain('name="next" value="/console/"');
    const res = await c.post('/console/sign-in', {
      _csrf: ConsoleClient.csrfOf(form.text),
      next: '//evil.example/console/',
      operator: 'operator-dev',
      password: 'operator-dev-2026',
    });
    expect(res.location).toBe('/console/');
  });
});

describe('lock-out', () => {
  it('locks an operator id after 3 failures, refuses even the right password, and audits the lock', async () => {
    for (let i = 0; i < 3; i++)
      expect((await client().signIn('operator-readonly', `wrong-${i}`)).status).toBe(401);
    const locked = await client().signIn('operator-readonly');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('登录失败次数过多');
    const lock = (await auditEntries('console.lock-out')).find(
      (e) => e.actor === 'operator-readonly',
    );
    expect(lock).toMatchObject({ outcome: 'ok', target: 'operator id' });
    const refused = (await auditEntries('console.sign-in')).filter(
      (e) => e.actor === 'operator-readonly' && e.reason?.startsWith('locked out'),
    );
    expect(refused).toHaveLength(1);
    // The lock lasts consoleLockMinutes (15) from the failure that closed it. Its count is named
    // by the HMAC of `operator\0<id>` under the key HKDF derives from the current data key.
    const secret = hkdfSync(
      'sha256',
      parseDataKeys(testDataKeys(), gw.config.dataKeyId, 'test').current.key,
      Buffer.alloc(0),
      'swgw:console-lockout',
      32,
    );
    const digest = createHmac('sha256', Buffer.from(secret))
      .update('operator\0operator-readonly')
      .digest('base64url');
    const key = `${gw.config.keyPrefix}:console:failures:${digest}`;
    const ttl = await gw.services.redis.pttl(key);
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });

  it('does not lock an operator id out because another id failed', async () => {
    expect((await client().signIn('operator-dev-2')).status).toBe(303);
  });
});

describe('lock-out by client address', () => {
  it('locks an address that failed with many ids, for every id, and audits the lock', async () => {
    const own = await startApiGateway(
      { GW_CONSOLE_LOCK_AFTER_FAILURES: '100', GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '4' },
      { data: gw.data },
    );
    try {
      const at = () => new ConsoleClient(own.url);
      for (const id of ['operator-dev', 'operator-dev-2', 'operator-readonly', 'operator-x'])
        expect((await at().signIn(id, 'guess-1234')).status).toBe(401);
      const locked = await at().signIn('operator-dev');
      expect(locked.status).toBe(429);
      const lock = (await own.services.audit.page({ action: 'console.lock-out' })).items;
      expect(lock).toEqual([expect.objectContaining({ target: 'client address', outcome: 'ok' })]);
    } finally {
      await own.close();
    }
  });
});

describe('timeouts', () => {
  it('ends a session idle for consoleIdleMinutes and says so on the sign-in page', async () => {
    const c = client();
    await c.signIn('operator-dev');
    clock.advance(60_000);
    expect((await c.get('/console/')).status).toBe(200);
    clock.advance(119_000);
    expect((await c.get('/console/')).status).toBe(200);
    clock.advance(120_000);
    const expired = await c.get('/console/cases');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe('/console/sign-in?next=%2Fconsole%2Fcases&expired=1');
    expect((await c.get(expired.location!)).text).toContain('会话已超时');
    expect((await c.get('/console/')).status).toBe(303);
  });

  it('ends a busy session consoleSessionHours after sign-in', async () => {
    const c = client();
    await c.signIn('operator-dev');
    for (let minutes = 0; minutes < 59; minutes++) {
      clock.advance(60_000);
      expect((await c.get('/console/')).status).toBe(200);
    }
    clock.advance(60_000);
    expect((await c.get('/console/')).status).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a POST without the session token, or with another session’s, and audits it', async () => {
    const c = client();
    await c.signIn('operator-dev');
    const other = client();
    await other.signIn('operator-dev');
    const otherToken = await other.csrf();
    const bare = await c.post('/console/sign-out', {});
    expect(bare.status).toBe(403);
    expect(bare.text).toContain('CSRF');
    const foreign = await c.post('/console/sign-out', { _csrf: otherToken });
    expect(foreign.status).toBe(403);
    expect((await c.get('/console/')).status).toBe(200);
    const refused = (await auditEntries('console.post')).filter((e) => e.target === '/sign-out');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]).toMatchObject({ outcome: 'refused', actor: 'operator-dev' });
  });

  it('signs out with the token: the session is gone and its cookie cleared', async () => {
    const c = client();
    await c.signIn('operator-dev');
    const id = c.cookies.get('gw_console')!;
    const out = await c.post('/console/sign-out', { _csrf: await c.csrf() });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/console/sign-in');
    expect(c.cookies.has('gw_console')).toBe(false);
    const replayed = client();
    replayed.cookies.set('gw_console', id);
    expect((await replayed.get('/console/')).status).toBe(303);
  });
});
