// The request bodies and queries the API accepts are JSON Schemas checked at the edge
// (gateway/http/request-validation.ts): a province event (gateway/cases/case-event.ts) and the
// queries of the catalogue list and the route resolver. Every refusal names the field by a JSON
// pointer in English and Chinese, with the catalogue's wording, and changes nothing; the OpenAPI
// document publishes the very schema the gateway checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_EVENT_SCHEMA } from '../../../gateway/cases/case-event.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

interface Problem {
  code: string;
  errors?: { path: string; message: string; messageZh: string; keyword?: string }[];
}

let gw: ApiGateway;
let caseId: string;
beforeAll(async () => {
  gw = await startApiGateway();
  // GA-009 from a 四川 portal routes to yn; no worker runs here, so the case stays ROUTED and
  // province-yn may report on it. The item types no result, so any object of at most 4 KiB is one
  // (typed results: tests/integration/api/typed-results.test.ts).
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('GA-009'), `contracts-${Date.now()}`);
  caseId = res.body.caseId;
});
afterAll(async () => gw?.close());

const at = () => new Date().toISOString();

function postEvent(body: unknown) {
  return gw
    .client('province-yn')
    .request<Problem & { status?: string }>('POST', `/v1/cases/${caseId}/events`, { json: body });
}

async function historyLength(): Promise<number> {
  const res = await gw.client('operator-dev').getCase<{ history: unknown[] }>(caseId);
  return res.body.history.length;
}

function paths(problem: Problem): string[] {
  return (problem.errors ?? []).map((e) => e.path).sort();
}

describe('the province event body', () => {
  it.each([
    ['an unknown property', { type: 'accepted', at: at(), colour: 'red' }, '/colour'],
    ['decided without its result', { type: 'decided', at: at() }, '/result'],
    ['a note of 501 characters', { type: 'accepted', at: at(), note: 'x'.repeat(501) }, '/note'],
    [
      'a provinceCaseNo of 65 characters',
      { type: 'accepted', at: at(), provinceCaseNo: 'A'.repeat(65) },
      '/provinceCaseNo',
    ],
    [
      'a provinceCaseNo with a space',
      { type: 'accepted', at: at(), provinceCaseNo: 'YN 1' },
      '/provinceCaseNo',
    ],
    [
      'a result over 4 KiB as JSON',
      { type: 'decided', at: at(), result: { text: 'x'.repeat(4100) } },
      '/result',
    ],
    [
      'a result that is not an object',
      { type: 'decided', at: at(), result: 'approved' },
      '/result',
    ],
    ['a date that is not RFC 3339', { type: 'accepted', at: 'yesterday' }, '/at'],
    ['an unknown type', { type: 'finished', at: at() }, '/type'],
    ['no type', { at: at() }, '/type'],
    ['an array', [{ type: 'accepted', at: at() }], ''],
  ])('refuses %s with 422 pointing at the field, and records nothing', async (_, body, path) => {
    const before = await historyLength();
    const res = await postEvent(body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(paths(res.body)).toEqual([path]);
    const [problem] = res.body.errors!;
    expect(problem!.message).not.toBe('');
    expect(problem!.messageZh).toMatch(/[\u4e00-\u9fff]/);
    expect(await historyLength()).toBe(before);
  });

  it('words an enum refusal as the catalogue does, listing the allowed values', async () => {
    const res = await postEvent({ type: 'finished', at: at() });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/type',
        keyword: 'enum',
        message: expect.stringMatching(/^must be one of: "accepted", /),
        messageZh: expect.stringMatching(/^应为以下值之一:"accepted"、/),
      }),
    ]);
  });

  it('accepts a decided event with a result of exactly 4 KiB', async () => {
    expect((await postEvent({ type: 'accepted', at: at(), provinceCaseNo: 'YN-1' })).status).toBe(
      200,
    );
    const result = { text: '' };
    result.text = 'x'.repeat(4096 - JSON.stringify(result).length);
    expect(JSON.stringify(result)).toHaveLength(4096);
    const res = await postEvent({ type: 'decided', at: at(), result, note: 'n'.repeat(500) });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('DECIDED');
  });

  it('is published in OpenAPI as the schema the gateway checks, size limit marked x-gw-check', () => {
    const published = gw.services.openapi.components.schemas.CaseEvent as Record<string, unknown>;
    const { result, ...rest } = CASE_EVENT_SCHEMA.properties;
    expect(published.properties).toMatchObject(rest);
    expect(published.required).toEqual(['type', 'at']);
    expect(published.additionalProperties).toBe(false);
    expect(published.then).toEqual({ required: ['result'] });
    expect((published.properties as Record<string, unknown>).result).toMatchObject({
      type: 'object',
      'x-gw-check': 'maxJsonLength:4096',
    });
  });
});

describe('a POST that sends no body at all', () => {
  // No body, no Content-Type: read as the empty object, so the answer names each member to send,
  // exactly as `{}` does, rather than a lone "must be object" at pointer "".
  async function noBodyAndEmptyObject(
    path: string,
    headers: () => Record<string, string> = () => ({}),
  ) {
    const client = gw.client(path === '/v1/cases' ? 'portal-sc' : 'province-yn');
    const none = await client.request<Problem>('POST', path, { headers: headers() });
    const empty = await client.request<Problem>('POST', path, { json: {}, headers: headers() });
    return { none, empty };
  }

  it('is answered as an empty JSON object is: a province event names type and at', async () => {
    const before = await historyLength();
    const { none, empty } = await noBodyAndEmptyObject(`/v1/cases/${caseId}/events`);
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('GW_VALIDATION_FAILED');
    expect(paths(none.body)).toEqual(['/at', '/type']);
    expect(none.body.errors).toEqual(empty.body.errors);
    expect(await historyLength()).toBe(before);
    const documented = gw.services.openapi.paths as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(documented['/v1/cases/{caseId}/events']!.post!.requestBody).toMatchObject({
      description: expect.stringContaining('A request without any body is read as `{}`'),
    });
  });

  it('is answered as an empty JSON object is: a submission names each required member', async () => {
    let n = 0;
    const key = () => ({ 'Idempotency-Key': `no-body-${Date.now()}-${n++}` });
    const { none, empty } = await noBodyAndEmptyObject('/v1/cases', key);
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('GW_VALIDATION_FAILED');
    expect(paths(none.body)).toEqual([
      '/applicant',
      '/itemCode',
      '/mode',
      '/payload',
      '/receivingRegion',
    ]);
    expect(none.body.errors).toEqual(empty.body.errors);
  });
});

describe('query parameters', () => {
  const get = (path: string) => gw.client('portal-sc').request<Problem>('GET', path);

  it('refuses a catalogue filter outside its values with 400 and a /query pointer', async () => {
    const res = await get('/v1/catalogue/items?mode=teleport&q=' + 'x'.repeat(101));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('GW_INVALID_PARAMETER');
    expect(paths(res.body)).toEqual(['/query/mode', '/query/q']);
    expect(res.body.errors![0]!.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a repeated parameter (a list, not one value)', async () => {
    const res = await get('/v1/catalogue/items?mode=online&mode=proxy');
    expect(res.status).toBe(400);
    expect(new Set(paths(res.body))).toEqual(new Set(['/query/mode']));
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ path: '/query/mode', keyword: 'type', message: 'must be string' }),
    );
  });

  it('takes empty parameters as absent, as a form with empty fields sends them', async () => {
    const all = await get('/v1/catalogue/items');
    const empty = await get('/v1/catalogue/items?department=&mode=&q=');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(all.body);
  });

  it('names every missing or malformed parameter of /v1/routes/resolve', async () => {
    const res = await get('/v1/routes/resolve?mode=online&receivingRegion=51x&handlingRegion=');
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['/query/itemCode', '/query/receivingRegion']);
    const ok = await get(
      '/v1/routes/resolve?itemCode=SW-005&mode=online&receivingRegion=510104&handlingRegion=530323',
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ decision: 'routed', route: { adapter: 'yn' } });
  });

  it('publishes each query parameter with the schema the gateway checks', () => {
    const op = (gw.services.openapi.paths['/v1/routes/resolve'] as Record<string, unknown>).get as {
      parameters: { name: string; required: boolean; schema: unknown }[];
    };
    expect(op.parameters.map((p) => [p.name, p.required])).toEqual([
      ['itemCode', true],
      ['mode', true],
      ['receivingRegion', true],
      ['handlingRegion', false],
    ]);
    expect(op.parameters[2]!.schema).toEqual({ type: 'string', pattern: '^[0-9]{6,12}$' });
  });
});
