// The requests the portal's route sweep (portal-sweep.test.ts) sends to each route its app mounts,
// drawn from a seeded generator so a failure replays: every visitor (portal-requests.ts) with the
// owner's case, another account's case and odd ids; the reads' retry parameter odd, twice or
// bracketed; the JSON calls' bodies odd and mutated; logins that must not succeed; logouts that
// never end the sweep's own sessions; and callbacks genuine, replayed, badly signed or odd.
import type { Rng } from './prng.ts';
import {
  callback,
  headersOf,
  mutatedBody,
  ODD_IDS,
  oddBodies,
  visitors,
  type PortalRequest,
  type SweepContext,
} from './portal-requests.ts';

// `..` is resolved by the URL parser before it is sent: it asks for another page.
const DOT_SEGMENTS = new Set(['..', '%2e%2e']);

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** The requests sent to one route of the portal, drawn from `r`. */
export function requestsFor(route: string, r: Rng, ctx: SweepContext): PortalRequest[] {
  const [method, template] = route.split(' ') as [string, string];
  const all = visitors(ctx);
  const out: PortalRequest[] = [];
  // A session whose CSRF token is missing or wrong (the visitor's label says so).
  const badCsrf = (v: (typeof all)[number]) => v.label.includes('CSRF');
  // A session's whole request sent from another site's page (request-origin.ts).
  const foreign = (v: (typeof all)[number]) => v.origin !== ctx.portalUrl;
  const idsFor = (account: 'a' | 'b' | undefined) => [
    ...(account ? [[account === 'a' ? ctx.caseA : ctx.caseB, undefined] as const] : []),
    [account === 'b' ? ctx.caseA : ctx.caseB, "another account's case"] as const,
    ...ODD_IDS.map(
      (id) => [id, DOT_SEGMENTS.has(id) ? undefined : `odd id ${id.slice(0, 12)}`] as const,
    ),
  ];
  const fill = (id: string) => template.replace('{caseId}', id);

  switch (route) {
    // The operations endpoints: every visitor, session or none, the same public answer.
    case 'GET /healthz':
    case 'GET /readyz':
    case 'GET /login':
      for (const v of all)
        out.push({ label: v.label, method, url: template, headers: headersOf(v) });
      break;
    case 'GET /':
    case 'GET /pay':
    case 'GET /api/forms/payment': {
      for (const v of all)
        out.push({
          label: v.label,
          method,
          url: template,
          headers: headersOf(v),
          account: v.account,
          mustRefuse: v.account ? undefined : 'no session',
        });
      if (template === '/') break;
      for (const v of all.filter((x) => x.label === 'A' || x.label === 'B'))
        for (const q of [
          `retry=${v.account === 'a' ? ctx.caseB : ctx.caseA}`,
          `retry=${ctx.caseA}&retry=${ctx.caseB}`,
          `retry[]=${ctx.caseB}`,
          `retry[__proto__]=x`,
          ...ODD_IDS.map((id) => `retry=${id}`),
        ])
          out.push({
            label: `${v.label} ${q.slice(0, 30)}`,
            method,
            url: `${template}?${q}`,
            headers: headersOf(v),
            account: v.account,
          });
      break;
    }
    case 'GET /cases/{caseId}':
    case 'GET /api/cases/{caseId}':
    case 'GET /api/cases/{caseId}/stream':
    case 'GET /cases/{caseId}/receipt':
      for (const v of all)
        for (const [id, odd] of idsFor(v.account)) {
          out.push({
            label: `${v.label} ${odd ?? 'own case'}`,
            method,
            url: fill(id),
            headers: headersOf(v),
            account: v.account,
            mustRefuse: v.account ? odd : 'no session',
          });
        }
      for (const m of ['HEAD', 'OPTIONS'])
        out.push({
          label: `A ${m}`,
          method: m,
          url: fill(ctx.caseA),
          headers: headersOf(all[1]!),
          account: 'a',
        });
      break;
    case 'POST /api/payments':
    case 'POST /api/cases/{caseId}/evaluation':
    case 'POST /api/cases/{caseId}/re-rating': {
      const base = (i: number, account: 'a' | 'b' = 'a'): Record<string, unknown> =>
        template === '/api/payments'
          ? { values: ctx.paymentValues[account], submissionKey: `sweep-${ctx.seed}-${i}` }
          : { level: 1 + (i % 5), comment: '好' };
      let i = 0;
      for (const v of all)
        for (const [id, odd] of template.includes('{caseId}')
          ? idsFor(v.account)
          : [['', undefined] as const]) {
          out.push({
            label: `${v.label} ${odd ?? ''}`,
            method,
            url: fill(id),
            headers: headersOf(v, 'application/json'),
            body: json(base(i++, v.account)),
            account: v.account,
            mustRefuse: !v.account
              ? 'no session'
              : badCsrf(v)
                ? 'CSRF'
                : foreign(v)
                  ? 'another site'
                  : odd,
          });
        }
      const a = all[1]!;
      const url = fill(ctx.caseA);
      for (const [label, body, type] of oddBodies(base(i++)))
        out.push({
          label: `body ${label}`,
          method,
          url,
          headers: headersOf(a, type),
          body,
          account: 'a',
          mustRefuse: label,
        });
      for (let k = 0; k < 40; k++) {
        const [label, body] = mutatedBody(r, base(i++));
        out.push({
          label: `mutated ${label}`,
          method,
          url,
          headers: headersOf(a, 'application/json'),
          body,
          account: 'a',
        });
      }
      if (template === '/api/payments')
        out.push({
          label: "relatedCaseId of another account's case",
          method,
          url,
          headers: headersOf(a, 'application/json'),
          body: json({ ...base(i++), relatedCaseId: ctx.caseB }),
          account: 'a',
          mustRefuse: "another account's case as the related case",
        });
      break;
    }
    case 'POST /login': {
      const form = 'application/x-www-form-urlencoded';
      const origin = ctx.portalUrl;
      const bodies: [string, string, Record<string, string>][] = [
        ['unknown login', 'login=nobody&password=x', { Origin: origin }],
        ['login twice', 'login=nobody&login=xiaohong&password=xiaohong-2026', { Origin: origin }],
        ['bracketed', 'login[]=xiaohong&password[]=xiaohong-2026', { Origin: origin }],
        ['__proto__', '__proto__=x&login=nobody&password=x', { Origin: origin }],
        ['huge', `login=nobody&password=${'x'.repeat(10_000)}`, { Origin: origin }],
        ['percent garbage', 'login=%zz%E0%A4%A&password=%', { Origin: origin }],
        [
          'right password, other origin',
          'login=xiaohong&password=xiaohong-2026',
          { Origin: 'https://evil.example' },
        ],
        [
          'right password, origin null',
          'login=xiaohong&password=xiaohong-2026',
          { Origin: 'null' },
        ],
        [
          'right password, origin garbage',
          'login=xiaohong&password=xiaohong-2026',
          { Origin: '%%' },
        ],
      ];
      for (const [label, body, headers] of bodies)
        for (const type of [form, 'application/json', 'text/plain'])
          out.push({
            label: `${label} ${type}`,
            method,
            url: template,
            headers: { ...headers, 'Content-Type': type },
            body: Buffer.from(body),
            mustRefuse: label,
          });
      break;
    }
    // The payment review's reads: a place's name, the total in 大写; odd values answered 4xx.
    case 'GET /api/places/{code}':
    case 'GET /api/amount-in-words': {
      const good = template.includes('{code}') ? '530323' : 'amount=40320.00';
      const odd = template.includes('{code}')
        ? ['999999', '5303231', ...ODD_IDS]
        : [
            'amount=38400',
            'amount=-1.00',
            'amount[]=1.00',
            'amount=1.00&amount=2.00',
            '',
            // Past 万亿, the largest unit: was 200 with 壹undefined元整.
            'amount=10000000000000000.00',
            `amount=${'9'.repeat(4000)}.99`,
          ];
      const urlOf = (value: string) =>
        template.includes('{code}')
          ? template.replace('{code}', value)
          : `${template}${value ? `?${value}` : ''}`;
      for (const v of all)
        out.push({
          label: v.label,
          method,
          url: urlOf(good),
          headers: headersOf(v),
          account: v.account,
          mustRefuse: v.account ? undefined : 'no session',
        });
      for (const v of all.filter((x) => x.label === 'A'))
        for (const value of odd)
          out.push({
            label: `${v.label} ${value.slice(0, 30)}`,
            method,
            url: urlOf(value),
            headers: headersOf(v),
            account: v.account,
            mustRefuse: `odd ${value.slice(0, 30)}`,
          });
      break;
    }
    case 'POST /logout':
      // Never with A's or B's real cookie: the sweep keeps using those sessions.
      for (const v of all.filter((x) => !x.account && !x.cookie?.includes(ctx.a.cookie)))
        out.push({ label: v.label, method, url: template, headers: headersOf(v) });
      break;
    case 'POST /callbacks/gateway':
      out.push(...callbacks(ctx, r));
      break;
    default:
      throw new Error(`the sweep does not know how to send ${route}`);
  }
  if (out.length === 0) throw new Error(`nothing sent to ${route}`);
  return out;
}

/** Callbacks: genuine, replayed, badly signed, and signed over odd bodies. */
function callbacks(ctx: SweepContext, r: Rng): PortalRequest[] {
  const genuine = json({ caseId: ctx.caseA, status: 'CLOSED' });
  const out: PortalRequest[] = [];
  const once = callback(ctx, r, 'genuine', genuine);
  out.push(once, { ...once, label: 'callback replayed', mustRefuse: 'replayed nonce' });
  const spoilt: [string, (h: Record<string, string>) => void][] = [
    ['bad signature', (h) => (h['X-Gw-Signature'] = `${h['X-Gw-Signature']!.slice(0, -2)}AA`)],
    ['no signature', (h) => delete h['X-Gw-Signature']],
    ['portal client', (h) => (h['X-Gw-Client'] = 'portal-sc')],
    ['stale', (h) => (h['X-Gw-Timestamp'] = String(Number(h['X-Gw-Timestamp']) - 1000))],
    ['huge timestamp', (h) => (h['X-Gw-Timestamp'] = '9'.repeat(40))],
    ['short nonce', (h) => (h['X-Gw-Nonce'] = 'n')],
    ['unknown method', (h) => (h['X-Gw-Signature-Method'] = 'HMAC-MD5')],
    [
      'nothing',
      (h) => {
        for (const k of Object.keys(h)) if (k.startsWith('X-Gw')) delete h[k];
      },
    ],
  ];
  for (const [label, spoil] of spoilt)
    out.push({ ...callback(ctx, r, label, genuine, spoil), mustRefuse: label });
  out.push({
    ...callback(ctx, r, 'other body', genuine),
    body: json({ caseId: ctx.caseB }),
    mustRefuse: 'signed over another body',
  });
  out.push({
    ...callback(ctx, r, 'query added', genuine),
    url: '/callbacks/gateway?x=1',
    mustRefuse: 'signed without the query',
  });
  // A query with no canonical form (broken percent-encoding) cannot be signed at all.
  for (const query of ['?x=%zz', '?%=1', '?x=%E0%A4%A', '?x=%'])
    out.push({
      ...callback(ctx, r, `query ${query}`, genuine),
      url: `/callbacks/gateway${query}`,
      mustRefuse: 'a query that is not percent-encoding',
    });
  const signedOdd: [string, Buffer][] = [
    ['null', Buffer.from('null')],
    ['array', Buffer.from('[]')],
    ['string', Buffer.from('"x"')],
    ['number', Buffer.from('1')],
    ['empty', Buffer.alloc(0)],
    ['truncated', genuine.subarray(0, 10)],
    ['invalid utf-8', Buffer.from([0x7b, 0xff, 0x7d])],
    ['caseId a number', json({ caseId: 1, status: 'CLOSED' })],
    ['caseId odd', json({ caseId: '../..\u0000', status: 'CLOSED' })],
    ["another account's case", json({ caseId: ctx.caseB, status: '__proto__' })],
    ['status an object', json({ caseId: ctx.caseA, status: { toString: 1 } })],
    ['__proto__', Buffer.from(`{"__proto__":{"caseId":"${ctx.caseA}"},"caseId":"__proto__"}`)],
    ['deep nesting', Buffer.from(`{"caseId":${'['.repeat(5000)}${']'.repeat(5000)}}`)],
    ['huge', json({ caseId: ctx.caseA, pad: 'x'.repeat(100_000) })],
  ];
  for (const [label, body] of signedOdd) out.push(callback(ctx, r, label, body));
  for (let k = 0; k < 20; k++) {
    const [label, body] = mutatedBody(r, {
      caseId: ctx.caseA,
      status: 'CLOSED',
      at: new Date().toISOString(),
    });
    out.push(callback(ctx, r, `mutated ${label}`, body));
  }
  return out;
}
