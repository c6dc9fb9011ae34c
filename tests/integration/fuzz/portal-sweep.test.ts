// Every route the reference taxpayer portal's app mounts (README.md#the-taxpayer-portal), read from
// its own router so a new route fails this test until it is swept, as route-sweep.test.ts does for
// the gateway: its pages, its /api calls, its live feed and the callback endpoint the gateway
// calls, each sent by every kind of visitor (portal-requests.ts, portal-route-requests.ts) with odd case ids, another
// account's case, odd query parameters, bodies of the wrong shape, media type or size and seeded
// mutations of valid ones, and callbacks badly signed, stale, replayed or over another body. The
// contract: never a 5xx or a hang (each request has its own deadline); a refusal is a 4xx in the
// portal's shape — JSON `{code: PORTAL_…}` (or the gateway's GW_ problem passed on) for /api and
// /callbacks, a page otherwise — never a stack trace; what must be refused never accepted; no
// answer carries the other account's data; and afterwards the portal still takes a payment and
// shows its case. Beside the sweep, the rating endpoint is sent hostile levels and comments on
// fresh closed cases (RATING_LEVELS, RATING_COMMENTS): only a JSON whole number 1–5 is recorded,
// its 201 carries the `at` the case view shows, a press again is the same 201 (the gateway's
// replay), another level is 409 PORTAL_ALREADY_RATED with that rating, and the comment kept is the
// one sent, trimmed and cut at 500 characters. PORTAL_SWEEP_SEED replays a seed (the default is
// fixed).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { createPortalApp } from '../../../portal/server/portal-app.ts';
import type { PortalConfig } from '../../../portal/server/portal-config.ts';
import {
  connectPortalRedis,
  startPortal,
  type RunningPortal,
} from '../../../portal/server/portal-process.ts';
import { TEST_ACCOUNTS } from '../../../portal/server/test-accounts.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { event, readCase } from '../../support/case-flow.ts';
import { mountedRoutes, routeName } from '../../support/mounted-routes.ts';
import { paidResultOf } from '../../support/payment-results.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { uniquePrefix } from '../../support/redis.ts';
import { rng } from './prng.ts';
import {
  headersOf,
  RATING_COMMENTS,
  RATING_LEVELS,
  type PortalRequest,
  type SweepContext,
} from './portal-requests.ts';
import { requestsFor } from './portal-route-requests.ts';

const SEED = Number(process.env.PORTAL_SWEEP_SEED ?? 20261203);

/** Every route the portal mounts; a route added to the app fails the first test until listed. */
const ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'POST /callbacks/gateway',
  'GET /login',
  'POST /login',
  'POST /logout',
  'GET /',
  'GET /pay',
  'GET /api/forms/payment',
  'GET /api/places/{code}',
  'GET /api/amount-in-words',
  'POST /api/payments',
  'GET /cases/{caseId}',
  'GET /api/cases/{caseId}',
  'GET /api/cases/{caseId}/stream',
  'GET /cases/{caseId}/receipt',
  'POST /api/cases/{caseId}/evaluation',
  'POST /api/cases/{caseId}/re-rating',
];

const ASSETS: [string, string | undefined][] = [
  ['portal.css', undefined],
  ['..%2f..%2fpackage.json', 'traversal'],
  ['%2e%2e/%2e%2e/package.json', 'traversal'],
  ['..%5c..%5cpackage.json', 'traversal'],
  ['%00', 'NUL'],
  ['portal.css%00.js', 'NUL'],
  ['%zz', 'percent garbage'],
  ['A'.repeat(3000), 'over-long'],
  ['nowhere.js', 'no such file'],
];

let gw: ApiGateway;
let config: PortalConfig;
let portal: RunningPortal;
let ctx: SweepContext;
let mounted: string[] = [];
const client = portalClient(() => portal.url);

beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' });
  config = testPortalConfig({
    PORTAL_GATEWAY_URL: gw.url,
    PORTAL_REDIS_PREFIX: uniquePrefix('portal-sweep'),
  });
  portal = await startPortal({ config });
  // The app as the portal builds it, only to read its routes.
  const redis = await connectPortalRedis(config);
  mounted = mountedRoutes(
    createPortalApp({
      config,
      redis,
      publicUrl: () => portal.url,
      readinessWarnings: () => Promise.resolve([]),
    }),
  ).map(routeName);
  redis.disconnect();

  const [a, b] = [await client.session('shudao'), await client.session('xiaohong')];
  const pay = async (s: typeof a, key: string) => {
    const res = await client.call(s, '/api/payments', {
      values: await client.paymentValues(s),
      submissionKey: key,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { caseId: string }).caseId;
  };
  const caseA = await pay(a, `sweep-a-${SEED}`);
  const caseB = await pay(b, `sweep-b-${SEED}`);
  const at = new Date().toISOString();
  await event(gw, 'province-yn', caseA, 'accepted', at);
  await event(gw, 'province-yn', caseA, 'decided', at, { result: await paidResultOf(gw, caseA) });
  await event(gw, 'province-yn', caseA, 'result-delivered', at);
  ctx = {
    a,
    b,
    caseA,
    caseB,
    paymentValues: { a: await client.paymentValues(a), b: await client.paymentValues(b) },
    callbackSecret: config.secret,
    portalUrl: portal.url,
    seed: SEED,
  };
}, 60_000);
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
});

/**
 * Strings that are one account's own: they may appear only in that account's answers. What the
 * two share (phone, ID number, agreement) or the published schema shows as an example is left out.
 */
function ownData(account: 'a' | 'b'): string[] {
  const acc = TEST_ACCOUNTS[account === 'a' ? 0 : 1]!;
  const d = acc.defaults as {
    bank: { accountNo: string };
    crossRegionReportNo: string;
    project: { name: string };
  };
  return [
    acc.applicant.name,
    acc.applicant.creditCode,
    acc.applicant.contactName,
    d.bank.accountNo,
    d.crossRegionReportNo,
    d.project.name,
    account === 'a' ? ctx.caseA : ctx.caseB,
  ].filter((s) => !PUBLISHED.includes(s));
}
const PUBLISHED = readFileSync(projectPath('schemas', 'items', 'SW-005.schema.json'), 'utf8');

/** What is wrong with the answer to `req`, or undefined. */
async function problemWith(req: PortalRequest): Promise<string | undefined> {
  const res = await fetch(`${portal.url}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const type = res.headers.get('content-type') ?? '';
  let text: string;
  if (req.method === 'HEAD') text = '';
  else if (type.startsWith('text/event-stream')) {
    // A live stream never ends: its first event (or keep-alive) is the answer.
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    text = Buffer.from(value ?? []).toString('utf8');
  } else text = await res.text();

  const sent = `${req.url} ${req.body?.toString('utf8') ?? ''}`;
  const others = (['a', 'b'] as const).filter((x) => x !== req.account);
  const leaked = others.flatMap(ownData).find((s) => text.includes(s) && !sent.includes(s));
  if (leaked) return `${res.status} shows another account's ${leaked}`;
  if (/\n\s+at .+:\d+:\d+|node_modules/.test(text)) return `${res.status} with a stack trace`;
  if (res.status >= 500) return `${res.status} ${text.slice(0, 160)}`;
  const location = res.headers.get('location');
  if (res.status < 300)
    return req.mustRefuse ? `accepted (${res.status}): ${req.mustRefuse}` : undefined;
  if (res.status < 400)
    // The login page, naming the page to go back to once logged in (login-return.ts) or not.
    return req.mustRefuse && !/^\/login(?:\?next=%2F[%0-9A-Za-z]*)?$/.test(location ?? '')
      ? `${res.status} to ${location}: ${req.mustRefuse}`
      : undefined;
  if (req.method === 'HEAD') return undefined;
  const path = req.url.split('?')[0]!;
  if (path.startsWith('/api/') || path.startsWith('/callbacks/')) {
    if (!type.startsWith('application/json'))
      return `${res.status} as ${type}: ${text.slice(0, 80)}`;
    const code = (JSON.parse(text) as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^(PORTAL|GW)_[A-Z_]+$/.test(code))
      return `${res.status} code ${String(code)}`;
  } else if (!/^text\/(html|plain)/.test(type)) return `${res.status} page as ${type}`;
  return undefined;
}

describe("the portal's routes, swept", () => {
  it('sweeps every route the portal mounts, and only those', () => {
    expect([...mounted].sort()).toEqual([...ROUTES].sort());
  });

  it("never answers 5xx or hangs, refuses in the portal's shape, never accepts what it must refuse, never shows another account's data", async () => {
    const failures: string[] = [];
    let sent = 0;
    const send = async (req: PortalRequest) => {
      sent += 1;
      const wrong = await problemWith(req).catch((e: Error) => `no answer: ${e.message}`);
      if (wrong) failures.push(`${req.method} ${req.url.slice(0, 90)} [${req.label}]: ${wrong}`);
    };
    for (const [index, route] of ROUTES.entries()) {
      const requests = requestsFor(route, rng(SEED, index), ctx);
      // Callbacks one by one (a replay must follow its original); the rest a few at a time.
      const step = route.startsWith('POST /callbacks') ? 1 : 8;
      for (let i = 0; i < requests.length; i += step)
        await Promise.all(requests.slice(i, i + step).map(send));
    }
    // The static files under /assets (express.static, not a route): traversal and odd names.
    for (const [name, mustRefuse] of ASSETS)
      await send({
        label: 'asset',
        method: 'GET',
        url: `/assets/${name}`,
        headers: {},
        mustRefuse,
      });
    expect(sent).toBeGreaterThan(1000);
    expect(failures.slice(0, 30)).toEqual([]);
  }, 120_000);

  it('records a rating only for a JSON whole-number level 1–5, its 201 carrying the at the case view shows, a press again the same 201, another level 409 with that rating, the comment trimmed and cut at 500 characters', async () => {
    const r = rng(SEED, 10_000);
    const started = Date.now();
    const s = await client.session('shudao');
    let cases = 0;
    const closedCase = async () => {
      const res = await client.call(s, '/api/payments', {
        values: await client.paymentValues(s),
        submissionKey: `rating-sweep-${SEED}-${cases++}`,
      });
      expect(res.status).toBe(202);
      const { caseId } = (await res.json()) as { caseId: string };
      const at = new Date().toISOString();
      await event(gw, 'province-yn', caseId, 'accepted', at);
      await event(gw, 'province-yn', caseId, 'decided', at, {
        result: await paidResultOf(gw, caseId),
      });
      await event(gw, 'province-yn', caseId, 'result-delivered', at);
      return caseId;
    };
    const rate = async (caseId: string, body: string) => {
      const res = await fetch(`${portal.url}/api/cases/${caseId}/evaluation`, {
        method: 'POST',
        headers: headersOf(
          { label: 'A', cookie: s.cookie, csrf: s.csrf, origin: portal.url },
          'application/json',
        ),
        body,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const view = async (caseId: string) =>
      (await (await client.call(s, `/api/cases/${caseId}`)).json()) as {
        rating: unknown;
      };
    const failures: string[] = [];

    // Every level it must refuse, in a seeded order, on one case: none rates it.
    const refusedCase = await closedCase();
    const refused = RATING_LEVELS.filter(([, level]) => level === undefined).sort(
      () => r.next() - 0.5,
    );
    for (const [text] of refused) {
      const res = await rate(refusedCase, `{"level":${text},"comment":"好"}`);
      if (res.status !== 400 || res.body.code !== 'PORTAL_BAD_FORM')
        failures.push(`level ${text}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    if ((await view(refusedCase)).rating !== null) failures.push('a refused level rated the case');

    // Every level it must record, each on a fresh case with a seeded comment.
    for (const [text, level] of RATING_LEVELS.filter(([, l]) => l !== undefined)) {
      const [comment, kept] = r.pick(RATING_COMMENTS);
      const caseId = await closedCase();
      const body = `{"comment":${JSON.stringify(comment)},"level":${text}}`;
      const first = await rate(caseId, body);
      const at = String(first.body.at);
      const wrong = (what: string) => failures.push(`level ${text}: ${what}`);
      if (first.status !== 201) {
        wrong(`${first.status} ${JSON.stringify(first.body).slice(0, 160)}`);
        continue;
      }
      if (first.body.level !== level) wrong(`recorded ${String(first.body.level)}`);
      if (first.body.caseId !== caseId) wrong(`201 for ${String(first.body.caseId)}`);
      if (
        new Date(at).toISOString() !== at ||
        Date.parse(at) < started - 1000 ||
        Date.parse(at) > Date.now() + 1000
      )
        wrong(`at ${at}`);
      const shown = (await view(caseId)).rating as Record<string, unknown> | null;
      if (shown?.at !== at || shown.level !== level)
        wrong(`the case view shows ${JSON.stringify(shown)}`);
      const again = await rate(caseId, body);
      if (again.status !== 201 || JSON.stringify(again.body) !== JSON.stringify(first.body))
        wrong(`pressed again: ${again.status} ${JSON.stringify(again.body).slice(0, 160)}`);
      const other = await rate(caseId, `{"level":${(level! % 5) + 1}}`);
      const kept409 = other.body.rating as Record<string, unknown> | undefined;
      if (other.status !== 409 || other.body.code !== 'PORTAL_ALREADY_RATED' || kept409?.at !== at)
        wrong(`another level: ${other.status} ${JSON.stringify(other.body).slice(0, 160)}`);
      // operator-dev holds unmask: the comment as stored.
      const stored = await readCase<{ evaluations: { comment: string | null }[] }>(gw, caseId);
      if (stored.evaluations.length !== 1 || stored.evaluations[0]!.comment !== (kept ?? null))
        wrong(
          `comment kept: ${JSON.stringify(stored.evaluations.map((e) => e.comment)).slice(0, 80)}`,
        );
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('still takes a payment and shows its case after the sweep', async () => {
    const s = await client.session('shudao');
    const res = await client.call(s, '/api/payments', {
      values: await client.paymentValues(s),
      submissionKey: `after-sweep-${SEED}`,
    });
    expect(res.status).toBe(202);
    const { caseId } = (await res.json()) as { caseId: string };
    const view = await client.call(s, `/api/cases/${caseId}`);
    expect(view.status).toBe(200);
    expect(((await view.json()) as { caseId: string }).caseId).toBe(caseId);
    const page = await fetch(`${portal.url}/cases/${caseId}`, { headers: { Cookie: s.cookie } });
    expect(page.status).toBe(200);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
  });
});
