// Every operation of the served OpenAPI document (GET /openapi.json), not only the submission the
// seeded fuzz test mutates (envelope-fuzz.test.ts): each is sent, by an operator with every right,
// one with none, a portal, a province and no one, with odd path parameters (NUL, `..`, over-long,
// broken percent-encoding, full-width digits, an encoded slash), each query parameter odd, twice
// (express 5 makes that an array) or bracketed, bodies of the wrong shape or media type, and as
// HEAD and OPTIONS. The contract (gateway/README.md#errors): never a 5xx or a hang; every refusal
// a problem+json with a GW_ code and the request's id; a refused parameter located at its pointer
// (/query/<name>); an odd path parameter, a duplicated query parameter or a body of the wrong
// shape never accepted. The fixtures — a closed case, its 差评's rectification, a draft — make
// each id one that exists, so a refusal is the odd input's doing. On a redis-server of its own:
// the data keys' census and re-seal walk the whole keyspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ownRedis } from '../../support/redis.ts';
import { ODD_IDS, ODD_VALUES, sweepRecords } from './odd-parameters.ts';

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: boolean;
}

const CLIENTS = ['operator-dev', 'operator-readonly', 'portal-sc', 'province-yn', undefined];

const BODIES: [string, string | undefined, string][] = [
  ['empty', '', 'application/json'],
  ['array', '[{}]', 'application/json'],
  ['scalar-string', '"x"', 'application/json'],
  ['null', 'null', 'application/json'],
  ['text', '{}', 'text/plain'],
  ['form', 'a=1', 'application/x-www-form-urlencoded'],
  ['charset', '{}', 'application/json; charset=latin1'],
  ['prototype', '{"__proto__":{"admin":true}}', 'application/json'],
  [
    'wrong-types',
    '{"level":"1","rated":["handling"],"type":1,"note":{},"reason":[]}',
    'application/json',
  ],
  ['duplicate', '{"level":1,"level":2}', 'application/json'],
];

let own: Awaited<ReturnType<typeof ownRedis>>;
let gw: ApiGateway;
let operations: Operation[] = [];
let ids: Record<string, string> = {};

beforeAll(async () => {
  own = await ownRedis('route-sweep');
  gw = await startApiGateway(
    // A generous command timeout: the sweep judges answers to odd input, and on a busy machine a
    // 503 from a slow Redis is the contract, not a finding.
    { GW_RATE_LIMIT_PER_SECOND: '1000000', GW_REDIS_COMMAND_TIMEOUT_MS: '5000' },
    { redisUrl: own.url, liveCatalogue: true },
  );
  const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
    components: { parameters: Record<string, { name: string; in: string }> };
  };
  const parameter = (p: unknown) => {
    const ref = (p as { $ref?: string }).$ref;
    return ref
      ? doc.components.parameters[ref.split('/').pop()!]!
      : (p as { name: string; in: string });
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
      .map(([method, op]) => {
        const params = (op.parameters ?? []).map(parameter);
        return {
          method: method.toUpperCase(),
          path,
          pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
          body: op.requestBody !== undefined,
        };
      }),
  );
  ids = {
    ...(await sweepRecords(gw)),
    file: 'swagger-ui.css',
  };
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await own?.stop();
});

interface Sent {
  label: string;
  client: string | undefined;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  mustRefuse: boolean;
}

/** What is wrong with the answer to `req`, or undefined. */
async function problemWith(req: Sent): Promise<string | undefined> {
  const headers: Record<string, string> = { 'Idempotency-Key': `sweep-${Math.random()}` };
  if (req.contentType && req.body !== undefined) headers['content-type'] = req.contentType;
  if (req.client) {
    const credentials = { clientId: req.client, secret: devSecret(req.client) };
    let signed;
    try {
      signed = signRequest(credentials, { method: req.method, url: req.url, body: req.body });
    } catch {
      // A query that is not percent-encoding cannot be signed: sign the rest.
      signed = signRequest(credentials, {
        method: req.method,
        url: req.url.split('?')[0]!,
        body: req.body,
      });
    }
    Object.assign(headers, signed);
  }
  const res = await fetch(`${gw.url}${req.url}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status >= 500) return `${res.status} ${text.slice(0, 200)}`;
  if (res.status < 400) return req.mustRefuse ? `accepted: ${res.status}` : undefined;
  if (req.method === 'HEAD') return undefined;
  if (!(res.headers.get('content-type') ?? '').startsWith('application/problem+json'))
    return `${res.status} as ${res.headers.get('content-type')}`;
  const problem = JSON.parse(text) as {
    code?: string;
    status?: number;
    requestId?: string;
    errors?: { path?: string }[];
  };
  if (!/^GW_[A-Z_]+$/.test(problem.code ?? '')) return `code ${problem.code}`;
  if (problem.status !== res.status) return `problem status ${problem.status}`;
  if (problem.requestId !== res.headers.get('x-request-id')) return 'requestId differs';
  if (
    problem.code === 'GW_INVALID_PARAMETER' &&
    req.url.includes('?') &&
    !problem.errors?.every((e) => e.path?.startsWith('/query/'))
  )
    return `no /query/ pointer: ${text.slice(0, 200)}`;
  return undefined;
}

function requestsFor(op: Operation): Sent[] {
  const fill = (over: Record<string, string> = {}) =>
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => over[name] ?? ids[name]!);
  const body = op.body ? '{}' : undefined;
  const out: Sent[] = [];
  for (const client of CLIENTS) {
    const base = { client, method: op.method, body, contentType: 'application/json' };
    out.push({ ...base, label: 'as described', url: fill(), mustRefuse: false });
    out.push({
      ...base,
      label: 'HEAD',
      method: 'HEAD',
      url: fill(),
      body: undefined,
      mustRefuse: false,
    });
    out.push({
      ...base,
      label: 'OPTIONS',
      method: 'OPTIONS',
      url: fill(),
      body: undefined,
      mustRefuse: false,
    });
    for (const name of op.pathParams)
      for (const odd of ODD_IDS)
        out.push({
          ...base,
          label: `path ${name}=${odd.slice(0, 12)}`,
          url: fill({ [name]: odd }),
          mustRefuse: true,
        });
    for (const name of op.queryParams) {
      for (const odd of ODD_VALUES)
        out.push({
          ...base,
          label: `query ${name}=${odd.slice(0, 12)}`,
          url: `${fill()}?${name}=${odd}`,
          mustRefuse: false,
        });
      out.push({
        ...base,
        label: `query ${name} twice`,
        url: `${fill()}?${name}=1&${name}=2`,
        mustRefuse: true,
      });
      out.push({
        ...base,
        label: `query ${name}[]`,
        url: `${fill()}?${name}[]=1&${name}[x]=2`,
        mustRefuse: false,
      });
    }
    if (op.body)
      for (const [label, wrong, contentType] of BODIES)
        out.push({
          ...base,
          label: `body ${label}`,
          url: fill(),
          body: wrong,
          contentType,
          mustRefuse: true,
        });
  }
  return out;
}

describe('every operation of the OpenAPI document, swept', () => {
  it('finds the operations it sweeps', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toContain(
      'POST /v1/rectifications/{rectificationId}/re-rating',
    );
  });

  it('never answers 5xx or hangs, refuses as problem+json with a GW_ code and pointer, never accepts what it must refuse', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const requests = requestsFor(op);
      // A few at a time: the sweep is about answers, not load.
      for (let i = 0; i < requests.length; i += 8) {
        await Promise.all(
          requests.slice(i, i + 8).map(async (req) => {
            sent += 1;
            const wrong = await problemWith(req).catch((e: Error) => `no answer: ${e.message}`);
            if (wrong)
              failures.push(
                `${req.client ?? 'unsigned'} ${req.method} ${req.url.slice(0, 100)} [${req.label}]: ${wrong}`,
              );
          }),
        );
      }
    }
    expect(sent).toBeGreaterThan(2000);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);
});
