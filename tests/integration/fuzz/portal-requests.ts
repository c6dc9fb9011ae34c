// The requests the portal's route sweep sends (portal-sweep.test.ts), built from a seeded generator
// so a failure replays: each route the portal's app mounts, as each kind of visitor (no session,
// a forged or broken cookie, a real session with its CSRF token missing or wrong, the owner, another
// account), with odd path and query parameters, another account's case id, request bodies of the
// wrong media type, truncated, huge, deeply nested, of the wrong types or with prototype keys (the
// gateway fuzz test's mutations, body-mutations.ts), and, for the callback endpoint, signatures
// that are bad, stale, replayed or over another body.
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { BODY_MUTATIONS, write, type State } from './body-mutations.ts';
import type { Rng } from './prng.ts';

export interface Visitor {
  label: string;
  cookie?: string;
  csrf?: string;
  /** The account whose session this is, when it is one: the other account's data must not show. */
  account?: 'a' | 'b';
  /** The page's origin, sent as a browser does (request-origin.ts refuses a POST without one). */
  origin?: string;
}

export interface SweepContext {
  /** Sessions of the two accounts. */
  a: { cookie: string; csrf: string };
  b: { cookie: string; csrf: string };
  /** A's closed payment, and B's payment (another account's case for A). */
  caseA: string;
  caseB: string;
  /**
   * A payment the gateway accepts, as each account's form sends it: B paying with A's values made
   * A's project B's own, on B's home page (which names each case's project).
   */
  paymentValues: Record<'a' | 'b', Record<string, unknown>>;
  callbackSecret: string;
  /** Where the portal listens (a login's own Origin). */
  portalUrl: string;
  /** The sweep's seed: names the payments' submission keys. */
  seed: number;
}

export interface PortalRequest {
  label: string;
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The account whose data may appear in the answer ('a', 'b' or none). */
  account?: 'a' | 'b';
  /** Why the portal must refuse it (a 4xx, or a page's redirect to /login), when it must. */
  mustRefuse?: string;
}

export const ODD_IDS = [
  '%00',
  '..',
  '%2e%2e',
  'A'.repeat(3000),
  '%E0%A4%A',
  '%zz',
  '%',
  '%EF%BC%91%EF%BC%92%EF%BC%93',
  'x%2Fy',
  '__proto__',
  'constructor',
  '%E2%80%AE01J',
  '01JZZZZZZZZZZZZZZZZZZZZZZZ',
];

export function visitors(ctx: SweepContext): Visitor[] {
  const sid = (cookie: string) => cookie.split('=').slice(1).join('=');
  const csrfLike = (c: string) => `${c.slice(0, -1)}${c.endsWith('A') ? 'B' : 'A'}`;
  const fromPortal = (v: Visitor): Visitor => ({ ...v, origin: ctx.portalUrl });
  const sessions: Visitor[] = [
    { label: 'no session' },
    { label: 'A', ...ctx.a, account: 'a' },
    { label: 'B', ...ctx.b, account: 'b' },
    { label: 'A without CSRF', cookie: ctx.a.cookie, account: 'a' },
    { label: 'A with wrong CSRF', cookie: ctx.a.cookie, csrf: csrfLike(ctx.a.csrf), account: 'a' },
    { label: "A with B's CSRF", cookie: ctx.a.cookie, csrf: ctx.b.csrf, account: 'a' },
    // Same length as the token, but not ASCII: one character, two bytes.
    {
      label: 'A with non-ASCII CSRF',
      cookie: ctx.a.cookie,
      csrf: `é${ctx.a.csrf.slice(1)}`,
      account: 'a',
    },
    { label: 'forged session', cookie: `portal_sid=${'A'.repeat(43)}`, csrf: ctx.a.csrf },
    { label: 'empty cookie', cookie: 'portal_sid=', csrf: ctx.a.csrf },
    { label: 'NUL cookie', cookie: 'portal_sid=%00', csrf: ctx.a.csrf },
    { label: 'huge cookie', cookie: `portal_sid=${'x'.repeat(6000)}` },
    { label: 'garbage cookie', cookie: 'portal_sid; ;=;==x; portal_sid=\u00ff\u00fe' },
    // The first portal_sid counts: a forged one before the real one is no session.
    { label: 'forged then A', cookie: `portal_sid=forged; ${ctx.a.cookie}`, csrf: ctx.a.csrf },
    { label: "A's id with '='", cookie: `portal_sid==${sid(ctx.a.cookie)}`, csrf: ctx.a.csrf },
  ];
  // Each as the portal's own page sends it; and A's whole session from another site's page.
  return [
    ...sessions.map(fromPortal),
    { label: 'A from another site', ...ctx.a, account: 'a', origin: 'https://evil.example' },
  ];
}

export function headersOf(v: Visitor, contentType?: string): Record<string, string> {
  return {
    ...(v.cookie !== undefined ? { Cookie: v.cookie } : {}),
    ...(v.csrf !== undefined ? { 'X-CSRF-Token': v.csrf } : {}),
    ...(v.origin !== undefined ? { Origin: v.origin } : {}),
    ...(contentType ? { 'Content-Type': contentType } : {}),
  };
}

/** Bodies every JSON route is sent: [label, bytes, content type, refused?]. */
export function oddBodies(base: Record<string, unknown>): [string, Buffer, string | undefined][] {
  const json = JSON.stringify(base);
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  return [
    ['empty', Buffer.alloc(0), 'application/json'],
    ['truncated', Buffer.from(json.slice(0, json.length >> 1)), 'application/json'],
    ['invalid json', Buffer.from(`{'values': 1,}`), 'application/json'],
    ['null', Buffer.from('null'), 'application/json'],
    ['array', Buffer.from('[{}]'), 'application/json'],
    ['string', Buffer.from('"x"'), 'application/json'],
    ['text/plain', Buffer.from(json), 'text/plain'],
    ['form', Buffer.from('values=1&submissionKey=aaaaaaaaaa'), 'application/x-www-form-urlencoded'],
    ['no content type', Buffer.from(json), undefined],
    ['latin1 charset', Buffer.from(json), 'application/json; charset=latin1'],
    ['unknown charset', Buffer.from(json), 'application/json; charset=klingon'],
    [
      'huge',
      Buffer.from(JSON.stringify({ ...base, pad: 'x'.repeat(2_000_000) })),
      'application/json',
    ],
    ['deep nesting', Buffer.from(`{"values":${deep(5000)}}`), 'application/json'],
    [
      'invalid utf-8',
      Buffer.concat([Buffer.from(json), Buffer.from([0xff, 0xfe])]),
      'application/json',
    ],
    ['__proto__', Buffer.from(`{"__proto__":${json}}`), 'application/json'],
    ['constructor', Buffer.from(`{"constructor":{"prototype":${json}}}`), 'application/json'],
  ];
}

/** A seeded mutation of a valid body (the gateway fuzz test's structural mutations). */
export function mutatedBody(r: Rng, base: Record<string, unknown>): [string, Buffer] {
  const body = structuredClone(base);
  const state: State = { refuse: [] };
  const labels: string[] = [];
  for (let i = r.int(1, 3); i > 0; i--) labels.push(r.weighted(BODY_MUTATIONS)(r, body, state));
  return [labels.join(' '), Buffer.from(write(body, state.dup))];
}

/** A callback as the gateway would sign it (README.md#callbacks), then possibly spoiled. */
export function callback(
  ctx: SweepContext,
  r: Rng,
  label: string,
  body: Buffer,
  spoil: (headers: Record<string, string>) => void = () => undefined,
  url = '/callbacks/gateway',
): PortalRequest {
  const headers = {
    ...signRequest(
      {
        clientId: 'gateway',
        secret: ctx.callbackSecret,
        signatureMethod: r.chance(0.3) ? 'HMAC-SM3' : 'HMAC-SHA256',
      },
      { method: 'POST', url, body },
    ),
    'Content-Type': 'application/json',
  };
  spoil(headers);
  return { label: `callback ${label}`, method: 'POST', url, headers, body };
}

/**
 * Levels a hostile or broken page may send to POST /api/cases/{id}/evaluation, as JSON text, with
 * the level the portal must record, or undefined when it must refuse (400 PORTAL_BAD_FORM): only a
 * JSON number that is a whole 1–5 (`5.0` and `1e0` are such numbers) is a level.
 */
export const RATING_LEVELS: readonly (readonly [string, number | undefined])[] = [
  ['1', 1],
  ['2', 2],
  ['3', 3],
  ['4', 4],
  ['5', 5],
  ['5.0', 5],
  ['1e0', 1],
  ['4e-0', 4],
  ['true', undefined],
  ['false', undefined],
  ['null', undefined],
  ['"5"', undefined],
  ['" 2 "', undefined],
  ['"0x3"', undefined],
  ['"\uff15"', undefined], // ５, full width
  ['[4]', undefined],
  ['[]', undefined],
  ['{}', undefined],
  ['{"valueOf":3}', undefined],
  ['0', undefined],
  ['-0', undefined],
  ['6', undefined],
  ['-1', undefined],
  ['4.5', undefined],
  ['1e400', undefined],
  ['9007199254740993', undefined],
];

/** Comments sent with a level, and the comment the gateway must keep (undefined: none). */
export const RATING_COMMENTS: readonly (readonly [string, string | undefined])[] = [
  ['', undefined],
  ['   ', undefined],
  [' 好 ', '好'],
  ['x'.repeat(600), 'x'.repeat(500)],
  [`${'评'.repeat(499)}😀😀`, `${'评'.repeat(499)}😀`],
  ['😀'.repeat(501), '😀'.repeat(500)],
];
