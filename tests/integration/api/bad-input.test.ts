// A malicious or broken client gets a clear 4xx problem, never a 500, never a hang, and nothing
// is stored (gateway/README.md#personal-data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

let n = 0;
async function postRaw(body: string | Uint8Array, contentType = 'application/json') {
  const headers = signRequest(
    { clientId: 'portal-sc', secret: devSecret('portal-sc') },
    { method: 'POST', url: '/v1/cases', body },
  );
  const res = await fetch(`${gw.url}/v1/cases`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': contentType,
      'idempotency-key': `bad-input-${Date.now()}-${n++}`,
    },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: JSON.parse(text) as { code: string },
  };
}

async function caseKeys() {
  return gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`);
}

function deep(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const cases: [string, () => string | Uint8Array, number, string?][] = [
  ['malformed JSON', () => '{"itemCode": "SW-005",', 400, 'GW_MALFORMED_JSON'],
  ['an empty body', () => '', 422],
  ['a JSON array', () => '[1,2,3]', 422],
  [
    'wrong types everywhere',
    () =>
      JSON.stringify({
        itemCode: 5,
        itemVersion: 'one',
        mode: ['online'],
        receivingRegion: 510104,
        applicant: 'me',
        payload: [],
      }),
    422,
    'GW_VALIDATION_FAILED',
  ],
  [
    'a 1 MiB body',
    () => JSON.stringify({ ...validExample('SW-005'), pad: 'x'.repeat(1024 * 1024) }),
    413,
    'GW_PAYLOAD_TOO_LARGE',
  ],
  ['deep nesting (10 000 levels)', () => deep(10_000), 400, 'GW_BAD_REQUEST'],
  [
    'deep nesting inside the payload',
    () => JSON.stringify({ ...validExample('SW-005'), payload: JSON.parse(deep(500)) as unknown }),
    400,
    'GW_BAD_REQUEST',
  ],
  [
    'a __proto__ key',
    () => JSON.stringify(validExample('SW-005')).replace('{', '{"__proto__":{"admin":true},'),
    422,
    'GW_VALIDATION_FAILED',
  ],
  [
    'a constructor.prototype key in the payload',
    () =>
      JSON.stringify(validExample('SW-005')).replace(
        '"payload":{',
        '"payload":{"constructor":{"prototype":{"x":1}},',
      ),
    422,
    'GW_PAYLOAD_INVALID',
  ],
  [
    'invalid UTF-8',
    () => new Uint8Array([0x7b, 0x22, 0x69, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    400,
    'GW_MALFORMED_JSON',
  ],
  [
    'a huge number',
    () => JSON.stringify(validExample('SW-005')).replace('"itemVersion":1', '"itemVersion":1e400'),
    422,
    'GW_VALIDATION_FAILED',
  ],
  [
    'a string of 100 000 characters in a field',
    () => JSON.stringify({ ...validExample('SW-005'), itemCode: 'S'.repeat(100_000) }),
    422,
    'GW_VALIDATION_FAILED',
  ],
  [
    'control characters in a name',
    () =>
      JSON.stringify(validExample('SW-005')).replace(
        '"name":"四川蜀道路桥建设有限公司"',
        '"name":"四川\\u0000公司"',
      ),
    422,
  ],
];

describe('bad input on POST /v1/cases', () => {
  it.each(cases)(
    'answers %s with a %i problem and stores nothing',
    async (_label, make, status, code) => {
      const before = (await caseKeys()).length;
      const res = await postRaw(make());
      expect(res.status).toBe(status);
      expect(res.type).toMatch(/application\/problem\+json/);
      if (code) expect(res.body.code).toBe(code);
      expect((await caseKeys()).length).toBe(before);
    },
  );

  it('answers a body of valid JSON that is not an object or array (a string, a number, true, null) with 400 GW_MALFORMED_JSON whose detail says so, not that the JSON is invalid', async () => {
    for (const body of ['"SW-005"', ' 42', 'true', 'null']) {
      const res = await postRaw(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'GW_MALFORMED_JSON',
        detail: 'The body is not a JSON object or array: it begins with neither { nor [',
      });
    }
    const broken = await postRaw('{"itemCode": "SW-005",');
    expect(broken.body).toMatchObject({
      code: 'GW_MALFORMED_JSON',
      detail: 'The body is not valid JSON',
    });
  });

  it('answers a form body with 415', async () => {
    const res = await postRaw('itemCode=SW-005', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
  });

  it('does not pollute Object.prototype', () => {
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('tells an envelope without mode only that mode is missing, not what a joint case would need', async () => {
    const { mode: _mode, ...envelope } = validExample('SW-005');
    const res = await postRaw(JSON.stringify(envelope));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'GW_VALIDATION_FAILED' });
    expect(
      (res.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path),
    ).toEqual(['/mode']);
  });

  it('tells an applicant without type only that type is missing, not what a person would need', async () => {
    const example = validExample('SW-005') as { applicant: Record<string, unknown> };
    const { type: _type, ...applicant } = example.applicant;
    const res = await postRaw(JSON.stringify({ ...example, applicant }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'GW_VALIDATION_FAILED' });
    expect(
      (res.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path),
    ).toEqual(['/applicant/type']);
  });

  it('answers objects with a valueOf or toString of their own among unique items (HJ-001 pollutants) with 422 at their pointers, not a 500', async () => {
    const example = validExample('HJ-001') as {
      payload: { airOutlets: { pollutants: unknown }[] };
    };
    example.payload.airOutlets[0]!.pollutants = [{}, { valueOf: 0 }, { toString: 'so2' }];
    const res = await postRaw(JSON.stringify(example));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    const paths = (res.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([1, 2].map((i) => `/payload/airOutlets/0/pollutants/${i}`)),
    );
  });

  it('keeps serving after all of it', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase(validExample('SW-005'), `after-${Date.now()}`);
    expect(res.status).toBe(202);
  });
});
