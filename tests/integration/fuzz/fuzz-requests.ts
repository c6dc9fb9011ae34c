// Builds one fuzz request from a seeded generator: a valid item example (schemas/items/*.examples.json)
// mutated in its structure (types, deletions, huge strings, unicode oddities, duplicate members,
// odd numbers, prototype keys), its text and bytes (truncation, invalid UTF-8, charsets,
// Content-Encoding), its headers (signature, client, timestamp, nonce, Idempotency-Key) and its
// path and method; or a read, a province event, or a raw request with header oddities.
import { canonicalJson } from '../../../gateway/shared/canonical-json.ts';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { QueryEncodingError } from '../../../gateway/client/signing.ts';
import { BODY_MUTATIONS, ODD_TEXT, refusedContent, write, type State } from './body-mutations.ts';
import type { Rng } from './prng.ts';
import {
  asSent,
  CONTENT_TYPES,
  ENCODINGS,
  HEADER_MUTATIONS,
  METHODS,
  PATH_MUTATIONS,
  READABLE,
  TEXT_MUTATIONS,
} from './wire-mutations.ts';

export interface Example {
  code: string;
  envelope: Record<string, unknown>;
  portal: string;
}

/** A case stored before the run: replays and events refer to these, so cases stay replayable. */
export interface PoolCase {
  caseId: string;
  key: string;
  body: string;
  clientId: string;
  adapter: string;
}

export interface FuzzContext {
  examples: readonly Example[];
  pool: readonly PoolCase[];
  secret: (clientId: string) => string;
  base: string;
}

export interface FuzzRequest {
  kind: 'submit' | 'event' | 'read' | 'raw';
  method: string;
  /** Path and query as sent (already in the form fetch sends, so the signature matches). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The whole request, for the raw socket. */
  raw?: string;
  /** Set when this request's Idempotency-Key is unique to it: refused means no record. */
  freshKey?: { clientId: string; key: string };
  /** The pool case an event targets. */
  eventCase?: string;
  /** Why the gateway must refuse this request (a 4xx), when it must. */
  mustRefuse?: string;
  label: string[];
}

const PORTALS = ['portal-gx', 'portal-cq', 'portal-sc', 'portal-gz', 'portal-yn', 'portal-xz'];
const PROVINCES = ['province-gx', 'province-cq', 'province-sc', 'province-yn', 'province-xz'];

function ulidish(r: Rng): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let id = '01J';
  for (let i = 0; i < 23; i++) id += alphabet[r.int(0, 31)];
  return id;
}

/** Text JSON cannot express through JSON.stringify (1e400, -0, 1E2…). */
function sign(
  ctx: FuzzContext,
  r: Rng,
  clientId: string,
  method: string,
  path: string,
  body: Buffer | undefined,
  label: string[],
) {
  const secret = ctx.secret(clientId);
  const credentials = {
    clientId,
    secret: r.chance(0.02) ? (label.push('sig:wrong-secret!'), `${secret}x`) : secret,
    signatureMethod: r.chance(0.3) ? ('HMAC-SM3' as const) : ('HMAC-SHA256' as const),
  };
  try {
    return signRequest(credentials, { method, url: path, body: body ?? '' });
  } catch (error) {
    if (!(error instanceof QueryEncodingError)) throw error;
    // A query that is not percent-encoding cannot be signed; the gateway must still answer 400.
    label.push('sig:query-unsignable!');
    return signRequest(credentials, { method, url: path.split('?')[0]!, body: body ?? '' });
  }
}

function sameJson(body: Buffer, text: string): boolean {
  try {
    return canonicalJson(JSON.parse(body.toString('utf8'))) === canonicalJson(JSON.parse(text));
  } catch {
    return false;
  }
}

function mustRefuse(reasons: string[], label: string[]): string | undefined {
  const all = [...reasons, ...label.filter((l) => l.endsWith('!'))];
  return all.length > 0 ? all.join(', ') : undefined;
}

function signedOver(r: Rng, body: Buffer | undefined, label: string[]): Buffer | undefined {
  if (!r.chance(0.02)) return body;
  label.push('sig:other-body!');
  return Buffer.from(' ');
}

function submission(r: Rng, ctx: FuzzContext): FuzzRequest {
  const example = r.pick(ctx.examples);
  const label = [example.code];
  const envelope = structuredClone(example.envelope);
  const state: State = { refuse: [] };
  const count = r.weighted([
    [3, 0],
    [5, 1],
    [2, 2],
    [1, 3],
  ] as const);
  for (let i = 0; i < count; i++) label.push(r.weighted(BODY_MUTATIONS)(r, envelope, state));
  const [plain, textLabel, textRefused] = r.weighted(TEXT_MUTATIONS)(r, write(envelope, state.dup));
  label.push(textLabel);
  state.refuse.push(...refusedContent(envelope, state.dup));
  if (textRefused) state.refuse.push('not a JSON object');

  let clientId = example.portal;
  if (r.chance(0.05)) {
    clientId = r.pick([...PORTALS, ...PROVINCES, 'operator-dev']);
    label.push(`client:${clientId}`);
  }
  const method = r.weighted(METHODS);
  const path = asSent(ctx.base, r.weighted(PATH_MUTATIONS));
  if (method !== 'POST' || path !== '/v1/cases') label.push(`${method} ${path}`);
  if (method !== 'POST') state.refuse.push('no such method');
  if (path !== '/v1/cases' && path !== '/v1/cases?b=2&a=1&a=0') state.refuse.push('no such path');
  const body = method === 'GET' ? undefined : plain;

  // Replays of a pool case's key: the same body (202 again) or another one (409).
  let key = `fuzz-${r.int(0, 2 ** 31)}-${r.int(0, 2 ** 31)}`;
  let fresh = true;
  let signedBody = body;
  if (body && r.chance(0.03) && ctx.pool.length > 0) {
    const earlier = r.pick(ctx.pool);
    key = earlier.key;
    fresh = false;
    clientId = earlier.clientId;
    if (r.chance(0.5)) {
      signedBody = Buffer.from(earlier.body);
      // The earlier, valid body replaces the mutated one: only the request's own faults remain.
      state.refuse = state.refuse.filter((reason) => reason.startsWith('no such'));
    }
    // An unmutated example of the same item is the same body as far as idempotency goes.
    const other = signedBody === body && !sameJson(body, earlier.body);
    label.push(other ? 'replay:other-body!' : 'replay:same-body');
  }
  const sent = signedBody;
  const headers: Record<string, string> = {
    ...sign(ctx, r, clientId, method, path, signedOver(r, sent, label), label),
    'Idempotency-Key': key,
  };
  const contentType = r.weighted(CONTENT_TYPES);
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  if (contentType !== 'application/json') label.push(`ct:${contentType ?? 'none'}`);
  if (!READABLE.has(contentType ?? '')) state.refuse.push('content type');
  let wire = sent;
  if (sent) {
    const [encoded, encoding] = r.weighted(ENCODINGS)(r, sent);
    wire = encoded;
    if (encoding) {
      headers['Content-Encoding'] = encoding.replace(/ \(.*\)$/, '');
      label.push(`ce:${encoding}`);
      if (!['gzip', 'deflate', 'br', 'identity'].includes(encoding)) {
        state.refuse.push('content encoding');
      }
    }
  }
  const headerMutation = r.weighted(HEADER_MUTATIONS);
  if (headerMutation) label.push(headerMutation(r, headers));
  // Only a key made for this request says 'refused, so no record': mutated keys are shared.
  const keyFresh = fresh && headers['Idempotency-Key'] === key;
  return {
    kind: 'submit',
    method,
    path,
    headers,
    body: wire,
    freshKey: keyFresh ? { clientId, key } : undefined,
    mustRefuse: mustRefuse(state.refuse, label),
    label,
  };
}

function event(r: Rng, ctx: FuzzContext): FuzzRequest {
  const target = r.pick(ctx.pool);
  const known = r.chance(0.85);
  const caseId = known ? target.caseId : ulidish(r);
  const event: Record<string, unknown> = {
    type: r.pick([
      'accepted',
      'in-progress',
      'correction-required',
      'suspended',
      'resumed',
      'decided',
      'result-delivered',
      'not-accepted',
      'exploded',
      '',
    ]),
    at: r.pick([new Date().toISOString(), '2026-13-45T99:00:00Z', 'yesterday', 12]),
  };
  if (r.chance(0.4)) event.note = `备注${r.pick(ODD_TEXT)}`;
  if (r.chance(0.2)) event.provinceCaseNo = r.pick(['P-1', 'x'.repeat(300), 7]);
  if (r.chance(0.2)) event.result = r.pick([{ decision: 'approved' }, 'approved', null]);
  const state: State = { refuse: [] };
  const label = [`event:${String(event.type)}`];
  if (!known) state.refuse.push('unknown case');
  if (typeof event.type !== 'string' || ['exploded', ''].includes(event.type)) {
    state.refuse.push('unknown event type');
  }
  if (r.chance(0.2)) label.push(BODY_MUTATIONS[0]![1](r, event, state));
  if (r.chance(0.1)) label.push(BODY_MUTATIONS[11]![1](r, event, state));
  const body = Buffer.from(write(event, state.dup));
  const clientId = r.chance(0.8)
    ? `province-${target.adapter}`
    : r.pick([...PROVINCES, 'portal-sc']);
  const path = `/v1/cases/${caseId}/events`;
  const headers: Record<string, string> = {
    ...sign(ctx, r, clientId, 'POST', path, body, label),
    'Content-Type': 'application/json',
  };
  return {
    kind: 'event',
    method: 'POST',
    path,
    headers,
    body,
    eventCase: known ? caseId : undefined,
    mustRefuse: mustRefuse(state.refuse, label),
    label,
  };
}

function read(r: Rng, ctx: FuzzContext): FuzzRequest {
  const junk = () =>
    r.pick([
      '%zz',
      '%',
      '%E4%B8',
      'SW-005',
      'sw-005',
      '530323',
      '5303',
      'x'.repeat(200),
      '%E2%80%AE',
      '..%2F..',
      '%00',
    ]);
  const raw = r.pick<() => string>([
    () => `/v1/catalogue/items/${r.chance(0.5) ? r.pick(ctx.examples).code : junk()}`,
    () =>
      `/v1/catalogue/items?department=${junk()}&mode=${r.pick(['online', 'x', ''])}&q=${junk()}`,
    () =>
      `/v1/divisions/${r.chance(0.5) ? r.pick(['530323', '510104', '540171', '110105']) : junk()}`,
    () =>
      `/v1/routes/resolve?itemCode=${r.pick(['SW-005', junk()])}&mode=${r.pick(['online', 'joint', junk()])}&receivingRegion=${r.pick(['510104', junk()])}&handlingRegion=${r.pick(['530323', junk()])}`,
    () => `/v1/cases/${r.chance(0.6) ? r.pick(ctx.pool).caseId : junk()}`,
    // 好差评 and 督办 reads (issue 15): statuses, cursors, limits, dates and ids as junk.
    () =>
      `/v1/rectifications?status=${r.pick(['OPEN', 'CLOSED', junk()])}&cursor=${junk()}&limit=${r.pick(['1', '200', '201', junk()])}`,
    () => `/v1/rectifications/${r.pick([`RC53${'0'.repeat(26)}`, junk()])}`,
    () => `/v1/supervision/notices?cursor=${junk()}&limit=${r.pick(['50', '0', junk()])}`,
    () =>
      `/v1/stats/evaluations?province=${r.pick(['53', junk()])}&itemCode=${r.pick(['SW-005', junk()])}&from=${r.pick(['2026-09-10', junk()])}&to=${r.pick(['2026-02-30', junk()])}`,
    () => `/v1/stats/supervision?province=${junk()}&itemCode=${junk()}`,
    () => r.pick(['/healthz', '/readyz', '/openapi.json', '/nowhere', '/v1', '/v1/']),
  ])();
  const path = asSent(ctx.base, raw);
  const clientId = r.pick([...PORTALS, ...PROVINCES, 'operator-dev', 'operator-readonly']);
  const label = [`GET ${path.slice(0, 80)}`];
  const headers = sign(ctx, r, clientId, 'GET', path, undefined, label);
  const headerMutation = r.weighted(HEADER_MUTATIONS);
  if (headerMutation) label.push(headerMutation(r, headers));
  // A read's junk parameters may still name something; only broken authentication must fail.
  const unsigned = ['/healthz', '/readyz', '/openapi.json'].includes(path);
  return {
    kind: 'read',
    method: 'GET',
    path,
    headers,
    mustRefuse: unsigned
      ? undefined
      : mustRefuse(
          [],
          label.filter((l) => !l.startsWith('header:idempotency-key')), // reads take no key
        ),
    label,
  };
}

function rawRequestText(r: Rng, ctx: FuzzContext): FuzzRequest {
  const example = r.pick(ctx.examples);
  const body = JSON.stringify(example.envelope);
  const signed = sign(ctx, r, example.portal, 'POST', '/v1/cases', Buffer.from(body), []);
  const oddity = r.pick([
    ['X-Note: a\u0001b\r\n', 'raw:control-in-header'],
    ['X-Note: a\r\n folded\r\n', 'raw:obs-fold'],
    [`Content-Length: ${Buffer.byteLength(body) + 1}\r\n`, 'raw:two-content-lengths'],
    ['X Note: a\r\n', 'raw:space-in-name'],
    [`X-Big: ${'a'.repeat(20_000)}\r\n`, 'raw:huge-header'],
    ['Transfer-Encoding: chunked\r\n', 'raw:te-and-cl'],
    ['Expect: the-unexpected\r\n', 'raw:unknown-expect'],
    ['Expect: 100-continue\r\n', 'raw:expect-continue'],
  ] as const);
  const head = [
    'POST /v1/cases HTTP/1.1',
    'Host: gw',
    'Connection: close',
    'Content-Type: application/json',
    `Idempotency-Key: fuzz-raw-${r.int(0, 2 ** 31)}`,
    ...Object.entries(signed).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  return {
    kind: 'raw',
    method: 'POST',
    path: '/v1/cases',
    headers: {},
    raw: `${head}\r\n${oddity[0]}\r\n${body}`,
    mustRefuse:
      oddity[1].startsWith('raw:expect') || oddity[1] === 'raw:unknown-expect'
        ? undefined
        : oddity[1],
    label: [example.code, oddity[1]],
  };
}

export function fuzzRequest(r: Rng, ctx: FuzzContext): FuzzRequest {
  return r.weighted([
    [78, submission],
    [8, event],
    [11, read],
    [3, rawRequestText],
  ] as const)(r, ctx);
}
