// The reference portal's server without a browser (README.md#the-taxpayer-portal), against the
// real gateway: who may log in and act, that callbacks are believed only when the gateway signed
// them with this portal's secret, and what the portal puts in the envelope it signs — the session's
// enterprise as applicant, the project as handling region, its own callback URL, one
// Idempotency-Key per form submission.
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { loadPortalConfig, PortalConfigError } from '../../../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { TEST_ACCOUNTS } from '../../../portal/server/test-accounts.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';

let gw: ApiGateway;
let portal: RunningPortal;
beforeAll(async () => {
  gw = await startApiGateway();
  portal = await startPortal({
    config: testPortalConfig({ PORTAL_GATEWAY_URL: gw.url }),
  });
});
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
});

let n = 0;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const { login, session, call, paymentValues } = portalClient(() => portal.url);

describe('logging in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers a wrong password like an unknown login', async () => {
    const ok = await login();
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toMatch(
      /^portal_sid=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const wrong = await login('shudao', 'nope');
    const unknown = await login('nobody', 'nope');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.text()).toBe(await unknown.text());
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it("ends the session the browser held when another login is made in it, so the earlier account's cookie opens nothing", async () => {
    const earlier = await session('shudao');
    const res = await fetch(`${portal.url}/login`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: portal.url,
        Cookie: earlier.cookie,
      },
      body: form({ login: 'xiaohong', password: 'xiaohong-2026' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).not.toContain(earlier.cookie);
    expect((await call(earlier, '/api/forms/payment')).status).toBe(401);
  });

  /** shudao's right password, posted with these headers (a browser's Origin and Fetch Metadata). */
  const loginWith = (headers: Record<string, string>) =>
    fetch(`${portal.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: form({ login: 'shudao', password: 'shudao-2026' }),
      redirect: 'manual',
    });

  it('refuses a login posted from another origin, with no Origin, or with Origin null (login CSRF), unless the browser says it is same-origin, with the login page and 403', async () => {
    const host = new URL(portal.url).host;
    const refused: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      {},
      { Origin: 'null' },
      { Origin: `http://${host}.evil.example` },
      // The browser's own word wins over a matching Origin.
      { Origin: portal.url, 'Sec-Fetch-Site': 'cross-site' },
      { Origin: portal.url, 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'none' },
    ];
    for (const headers of refused) {
      const res = await loginWith(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('请从本站登录页登录');
    }
    // What Chromium sends from the login page (both), and a browser without Fetch Metadata (Origin
    // alone), or one whose Origin a proxy's Host rewrite no longer matches (Sec-Fetch-Site alone).
    const accepted: Record<string, string>[] = [
      { Origin: portal.url, 'Sec-Fetch-Site': 'same-origin' },
      { Origin: portal.url },
      { 'Sec-Fetch-Site': 'same-origin' },
    ];
    for (const headers of accepted)
      expect((await loginWith(headers)).status, JSON.stringify(headers)).toBe(303);
  });

  it("behind a proxy that rewrites Host, accepts a login whose Origin is exactly PORTAL_PUBLIC_URL's origin and refuses a look-alike (other port, other scheme, suffix domain) with 403", async () => {
    const proxied = await startPortal({
      config: testPortalConfig({
        PORTAL_GATEWAY_URL: gw.url,
        PORTAL_PUBLIC_URL: 'https://portal.tax.example:8443/',
      }),
    });
    try {
      // What the proxy forwards: the browser's Origin and no Sec-Fetch-Site (a browser without
      // Fetch Metadata), under the Host the proxy rewrote to its upstream's.
      const proxiedLogin = (origin: string) =>
        new Promise<number>((resolve, reject) => {
          const body = form({ login: 'shudao', password: 'shudao-2026' });
          const req = request(
            `${proxied.url}/login`,
            {
              method: 'POST',
              headers: {
                Host: 'upstream.internal:9000',
                Origin: origin,
                'Content-Type': 'application/x-www-form-urlencoded',
                'Content-Length': Buffer.byteLength(body),
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      expect(await proxiedLogin('https://portal.tax.example:8443')).toBe(303);
      for (const origin of [
        'https://portal.tax.example',
        'https://portal.tax.example:8444',
        'http://portal.tax.example:8443',
        'https://evil-portal.tax.example:8443',
        'https://portal.tax.example.evil.example:8443',
        'https://tax.example:8443',
        'null',
      ])
        expect(await proxiedLogin(origin), origin).toBe(403);
    } finally {
      await proxied.stop();
    }
  });

  it("refuses an API call with the session's cookie and CSRF token from another origin: 403 PORTAL_FOREIGN_ORIGIN", async () => {
    const s = await session();
    const res = await fetch(`${portal.url}/api/payments`, {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        'X-CSRF-Token': s.csrf,
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
      },
      body: JSON.stringify({ values: await paymentValues(s), submissionKey: `evil-${Date.now()}` }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      code: 'PORTAL_FOREIGN_ORIGIN',
      title: '请求并非来自本站页面，已拒绝',
    });
  });
});

describe('acting on the portal', () => {
  it('answers 401 without a session and 403 without the CSRF token', async () => {
    expect((await call(undefined, '/api/forms/payment')).status).toBe(401);
    const s = await session();
    const res = await fetch(`${portal.url}/api/payments`, {
      method: 'POST',
      headers: { Cookie: s.cookie, 'Content-Type': 'application/json', Origin: portal.url },
      body: JSON.stringify({ values: {}, submissionKey: 'k-12345678' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('PORTAL_CSRF');
  });

  it('submits the signed envelope the gateway expects, once per form submission', async () => {
    const s = await session();
    const key = `form-${Date.now()}-${n++}`;
    const body = { values: await paymentValues(s), submissionKey: key };
    const first = await call(s, '/api/payments', body);
    expect(first.status).toBe(202);
    const { caseId } = (await first.json()) as { caseId: string };
    // The same form submission again (a double click, a resend) is the same case.
    const again = await call(s, '/api/payments', body);
    expect(((await again.json()) as { caseId: string }).caseId).toBe(caseId);

    const stored = await gw.client('operator-dev').getCase<{
      submission: Record<string, unknown>;
    }>(caseId);
    expect(stored.body.submission).toMatchObject({
      itemCode: 'SW-005',
      mode: 'online',
      receivingRegion: '510104',
      handlingRegion: '530323',
      applicant: { type: 'enterprise', creditCode: '91510104MA6CXY120G' },
      payload: { taxpayerId: '91510104MA6CXY120G', agreementNo: '5303230001234567' },
      callbackUrl: `${portal.url}/callbacks/gateway`,
    });
  });

  it("keeps for a retry the enterprise's own taxpayer, not one typed over the fixed fields of the form", async () => {
    const s = await session();
    const values = {
      ...(await paymentValues(s)),
      taxpayerId: '92510104MA6DJK7L00',
      taxpayerName: '成都市锦江区晓红建材经营部',
    };
    const sent = await call(s, '/api/payments', { values, submissionKey: `tampered-${n++}-abc` });
    expect(sent.status).toBe(202);
    const { caseId } = (await sent.json()) as { caseId: string };
    const retry = await fetch(`${portal.url}/api/forms/payment?retry=${caseId}`, {
      headers: { Cookie: s.cookie },
    });
    const { values: prefilled } = (await retry.json()) as { values: Record<string, unknown> };
    expect(prefilled).toMatchObject({
      taxpayerId: '91510104MA6CXY120G',
      taxpayerName: '四川蜀道路桥建设有限公司',
    });
  });

  it('sends an Idempotency-Key that names no account, the same for a retry of the form and another for another account', async () => {
    // What the gateway received, read off its HTTP server: the key as it arrived.
    const received: string[] = [];
    const capture = (req: IncomingMessage) => {
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && req.url === '/v1/cases' && typeof key === 'string')
        received.push(key);
    };
    gw.server.on('request', capture);
    try {
      const submissionKey = `form-${Date.now()}-${n++}`;
      const ids: string[] = [];
      for (const login of ['shudao', 'shudao', 'xiaohong']) {
        const s = await session(login);
        const res = await call(s, '/api/payments', {
          values: await paymentValues(s),
          submissionKey,
        });
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { caseId: string }).caseId);
      }
      expect(received).toHaveLength(3);
      const [first, retry, other] = received;
      // The same form submission again is the same key, so the gateway answers the same case.
      expect(retry).toBe(first);
      expect(ids[1]).toBe(ids[0]);
      // Another account's form, even with the same submission key, is another case.
      expect(other).not.toBe(first);
      expect(ids[2]).not.toBe(ids[0]);
      const identifying = TEST_ACCOUNTS.flatMap((a) => [
        a.login,
        a.applicant.name,
        a.applicant.creditCode,
        a.applicant.phone,
        a.applicant.contactIdNumber,
      ]);
      for (const key of received) {
        expect(identifying.filter((value) => key.includes(value))).toEqual([]);
        expect(key).toMatch(/^portal-[A-Za-z0-9_-]{43}$/);
      }
    } finally {
      gw.server.off('request', capture);
    }
  });

  it('passes the gateway refusal on with each pointer on a form field, the handling region on the project region', async () => {
    const s = await session();
    const values = await paymentValues(s);
    (values.project as Record<string, unknown>).region = '';
    const res = await call(s, '/api/payments', { values, submissionKey: `bad-${n++}-abcdefgh` });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string; messageZh: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain('/payload/project/region');
  });

  it('refuses a 项目名称 over its 100 characters with 422 and its pointer, sending nothing cut', async () => {
    const s = await session();
    const values = await paymentValues(s);
    const name = '师宗县城乡道路改造工程'.repeat(11);
    (values.project as Record<string, unknown>).name = name;
    const res = await call(s, '/api/payments', { values, submissionKey: `long-${n++}-abcdefgh` });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string; messageZh: string }[] };
    expect(problem.errors).toContainEqual(
      expect.objectContaining({ path: '/payload/project/name', messageZh: '不应多于 100 个字符' }),
    );
  });

  it('lists a submitted case on the home page under the minute it was sent in Beijing time, as the case page shows its history', async () => {
    const minute = (at: number) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'Asia/Shanghai',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).format(at);
    const s = await session();
    const before = Date.now();
    const res = await call(s, '/api/payments', {
      values: await paymentValues(s),
      submissionKey: `listed-${n++}-abcdefgh`,
    });
    const after = Date.now();
    const { caseId } = (await res.json()) as { caseId: string };
    const home = await (await fetch(`${portal.url}/`, { headers: { Cookie: s.cookie } })).text();
    const row = new RegExp(`href="/cases/${caseId}"[^]*?<span class="muted">([^<]*)</span>`).exec(
      home,
    );
    // Within the minute of the call (the minute before or after, should the call cross one).
    expect([minute(before), minute(after)]).toContain(row?.[1]);
  });

  it('names on each home-page row what was paid — the item, the project and the amount sent — so two payments can be told apart, and shows no bank account', async () => {
    const s = await session();
    const pay = async (project: string, amount: string) => {
      const values = await paymentValues(s);
      const lines = (values.lines as Record<string, unknown>[]).map((l) => ({ ...l, amount }));
      const res = await call(s, '/api/payments', {
        values: {
          ...values,
          project: { ...(values.project as object), name: project },
          lines,
          totalAmount: amount,
        },
        submissionKey: `told-apart-${n++}-abcdefgh`,
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { caseId: string }).caseId;
    };
    const road = await pay('师宗县城乡道路改造工程', '38400.00');
    const bridge = await pay('罗平县九龙河大桥工程', '1920.50');
    const home = await (await fetch(`${portal.url}/`, { headers: { Cookie: s.cookie } })).text();
    const row = (caseId: string) =>
      new RegExp(`<li><a href="/cases/${caseId}"[^]*?</li>`).exec(home)?.[0] ?? '';
    const text = (html: string) =>
      html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    expect(text(row(road))).toMatch(
      new RegExp(`^异地电子缴税 师宗县城乡道路改造工程 ¥38,400\\.00 ${road} `),
    );
    expect(text(row(bridge))).toMatch(
      new RegExp(`^异地电子缴税 罗平县九龙河大桥工程 ¥1,920\\.50 ${bridge} `),
    );
    for (const html of [row(road), row(bridge)]) {
      expect(html).not.toContain('6222020200112233445');
      expect(html).not.toMatch(/\*{4}3445/);
    }
  });

  it('shows a project name shaped like a page placeholder — {{csrf}}, {{{account}}}, markup — as typed, never filled in or drawn as markup', async () => {
    const s = await session();
    const project = '工程{{csrf}}{{{account}}}{{title}}<b>粗</b>';
    const values = await paymentValues(s);
    const res = await call(s, '/api/payments', {
      values: { ...values, project: { ...(values.project as object), name: project } },
      submissionKey: `placeholder-${n++}-abcdefgh`,
    });
    expect(res.status).toBe(202);
    const { caseId } = (await res.json()) as { caseId: string };
    const home = await (await fetch(`${portal.url}/`, { headers: { Cookie: s.cookie } })).text();
    const row = new RegExp(`<li><a href="/cases/${caseId}"[^]*?</li>`).exec(home)?.[0] ?? '';
    expect(row).toContain(
      '<span class="case-project">工程{{csrf}}{{{account}}}{{title}}&lt;b&gt;粗&lt;/b&gt;</span>',
    );
    expect(row).not.toContain(s.csrf);
  });

  it('gives the case page each history time in China time to the second, as the home page and the console write times (one formatter)', async () => {
    const s = await session();
    const res = await call(s, '/api/payments', {
      values: await paymentValues(s),
      submissionKey: `shown-at-${n++}-abcdefgh`,
    });
    const { caseId } = (await res.json()) as { caseId: string };
    const view = (await (await call(s, `/api/cases/${caseId}`)).json()) as {
      history: { at: string; shownAt: string }[];
    };
    const apart = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'short',
      timeStyle: 'medium',
    });
    expect(view.history.length).toBeGreaterThan(0);
    for (const h of view.history) expect(h.shownAt).toBe(apart.format(new Date(h.at)));
  });

  it("hides one enterprise's cases from another", async () => {
    const mine = await session('shudao');
    const res = await call(mine, '/api/payments', {
      values: await paymentValues(mine),
      submissionKey: `own-${n++}-abcdefgh`,
    });
    const { caseId } = (await res.json()) as { caseId: string };
    const other = await session('xiaohong');
    expect((await call(other, `/api/cases/${caseId}`)).status).toBe(404);
    expect(
      (await fetch(`${portal.url}/cases/${caseId}`, { headers: { Cookie: other.cookie } })).status,
    ).toBe(404);
    expect((await call(mine, `/api/cases/${caseId}`)).status).toBe(200);
  });
});

describe('what the browser may keep or frame', () => {
  it('answers every page and call with Cache-Control: no-store and X-Frame-Options: DENY, and only the versioned assets as cacheable', async () => {
    const s = await session();
    const res = await call(s, '/api/payments', {
      values: await paymentValues(s),
      submissionKey: `no-store-${n++}-abcdefgh`,
    });
    expect(res.status).toBe(202);
    const { caseId } = (await res.json()) as { caseId: string };
    const withSession = { headers: { Cookie: s.cookie }, redirect: 'manual' } as const;
    // The live stream stays open: its headers are what is read, then it is closed.
    const streaming = new AbortController();
    const stream = await fetch(`${portal.url}/api/cases/${caseId}/stream`, {
      ...withSession,
      signal: streaming.signal,
    });
    streaming.abort();
    const answers = {
      'GET /login': await fetch(`${portal.url}/login`),
      'POST /login': await login(),
      'GET /': await fetch(`${portal.url}/`, withSession),
      'GET /pay': await fetch(`${portal.url}/pay`, withSession),
      'GET /cases/{id}': await fetch(`${portal.url}/cases/${caseId}`, withSession),
      'GET /cases/{id}/receipt': await fetch(`${portal.url}/cases/${caseId}/receipt`, withSession),
      'GET /api/cases/{id}': await call(s, `/api/cases/${caseId}`),
      'GET /api/cases/{id}/stream': stream,
      'GET /api/forms/payment': await call(s, '/api/forms/payment'),
      'POST /api/payments': res,
      'GET /cases/{id} without a session': await fetch(`${portal.url}/cases/${caseId}`, {
        redirect: 'manual',
      }),
    };
    for (const [what, answer] of Object.entries(answers)) {
      expect(answer.status, what).toBeLessThan(400);
      expect(answer.headers.get('cache-control'), what).toMatch(/^no-store\b/);
      expect(answer.headers.get('x-frame-options'), what).toBe('DENY');
      expect(answer.headers.get('content-security-policy'), what).toContain(
        "frame-ancestors 'none'",
      );
    }
    const home = await (await fetch(`${portal.url}/`, withSession)).text();
    const script = /src="(\/assets\/sign-out\.js\?v=[0-9a-f]{12})"/.exec(home)![1]!;
    const asset = await fetch(`${portal.url}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('callbacks from the gateway', () => {
  const path = '/callbacks/gateway';
  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${portal.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body,
    });
  const body = JSON.stringify({
    caseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    status: 'CLOSED',
    sequence: 9,
  });
  const signed = (secret: string, extra: { timestamp?: number; nonce?: string } = {}) =>
    signRequest({ clientId: 'gateway', secret }, { method: 'POST', url: path, body, ...extra });

  it('accepts one signed with its own secret by the gateway, once', async () => {
    const headers = signed(devSecret('portal-sc'));
    expect((await post(headers, body)).status).toBe(204);
    expect((await post(headers, body)).status).toBe(401);
  });

  it.each([
    ['unsigned', () => ({})],
    ["signed with another portal's secret", () => signed(devSecret('portal-cq'))],
    [
      'signed as a client other than the gateway',
      () => ({ ...signed(devSecret('portal-sc')), 'X-Gw-Client': 'portal-sc' }),
    ],
    [
      'ten minutes old',
      () => signed(devSecret('portal-sc'), { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    ],
  ])('refuses one %s with 401', async (_, headers) => {
    expect((await post(headers(), body)).status).toBe(401);
  });

  it('refuses one whose query is not percent-encoding with 401 PORTAL_CALLBACK_REFUSED, not a 503 that asks for a retry', async () => {
    for (const query of ['?x=%zz', '?%=1', '?x=%E0%A4%A']) {
      const url = `${path}${query}`;
      // Signed without the query: no signature can cover a query that has no canonical form.
      const headers = {
        ...signRequest(
          { clientId: 'gateway', secret: devSecret('portal-sc') },
          { method: 'POST', url: path, body },
        ),
        'Content-Type': 'application/json',
      };
      const res = await fetch(`${portal.url}${url}`, { method: 'POST', headers, body });
      expect(res.status, query).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('PORTAL_CALLBACK_REFUSED');
    }
  });
});

describe('repeated failed logins', () => {
  // Last in the file: the account stays locked for five minutes.
  it('lock a login after five failures, even against the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('xiaohong', 'wrong')).status).toBe(401);
    expect((await login('xiaohong')).status).toBe(429);
  });
});

describe('portal configuration', () => {
  it('refuses, in production, a development secret, a callback URL the gateway would not call, no PORTAL_DATA_KEYS and no PORTAL_LOGIN_KEY', () => {
    let problems: readonly string[] = [];
    try {
      loadPortalConfig({
        PORTAL_ENV: 'production',
        PORTAL_CLIENT_SECRET: devSecret('portal-sc'),
        PORTAL_PUBLIC_URL: 'http://127.0.0.1:8081',
        PORTAL_REDIS_URL: 'redis://127.0.0.1:6379',
      });
    } catch (error) {
      if (error instanceof PortalConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      'PORTAL_CLIENT_SECRET: production refuses a development secret',
      expect.stringMatching(/^PORTAL_PUBLIC_URL must be set to an https URL/),
      expect.stringMatching(/^PORTAL_PUBLIC_URL must be reachable by the gateway/),
      expect.stringMatching(/^PORTAL_DATA_KEYS is required in production/),
      'PORTAL_LOGIN_KEY is required in production: logins are stored only as their keyed digests (README.md#the-taxpayer-portal)',
    ]);
  });

  it('refuses a PORTAL_DATA_LOSS_CHECK_MS that is not a whole number of ms from 100 to 600000', () => {
    for (const value of ['99', '600001', '1.5', 'soon'])
      expect(() => testPortalConfig({ PORTAL_DATA_LOSS_CHECK_MS: value }), value).toThrow(
        'PORTAL_DATA_LOSS_CHECK_MS must be a whole number of ms, 100–600000',
      );
    expect(testPortalConfig().dataLossCheckMs).toBe(2000);
  });

  it('refuses a PORTAL_GATEWAY_RETRY_MS that is not a whole number of ms from 1000 to 60000, and waits 5000 unless set', () => {
    for (const value of ['999', '60001', '1.5', 'soon'])
      expect(() => testPortalConfig({ PORTAL_GATEWAY_RETRY_MS: value }), value).toThrow(
        'PORTAL_GATEWAY_RETRY_MS must be a whole number of ms, 1000–60000',
      );
    expect(testPortalConfig().gatewayRetryMs).toBe(5000);
    expect(testPortalConfig({ PORTAL_GATEWAY_RETRY_MS: '1000' }).gatewayRetryMs).toBe(1000);
  });

  it('bounds a login’s stream openings at PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE, 60 unless set, and refuses 0 (no page could follow its case)', () => {
    expect(
      testPortalConfig({ PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE: undefined })
        .sessionStreamOpeningsPerMinute,
    ).toBe(60);
    expect(() => testPortalConfig({ PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE: '0' })).toThrow(
      'PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE must be 1–65535',
    );
  });
});
