// Defects 5 and 6 of issue 12, at the edge (gateway/README.md#submission): only UTF-8 JSON is
// read, an object may not name a member twice (the last one used to win and could decide the
// route), and no text may carry bidirectional controls, byte order marks, line/paragraph
// separators, C0/C1 controls other than \t \n \r, or unpaired surrogates. Every refusal is a
// problem with a JSON pointer and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';
import { expectProblem } from '../../support/problem.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

let n = 0;
async function post(
  body: string | Uint8Array,
  options: { contentType?: string; url?: string; clientId?: string } = {},
) {
  const url = options.url ?? '/v1/cases';
  const clientId = options.clientId ?? 'portal-sc';
  const headers = signRequest(
    { clientId, secret: devSecret(clientId) },
    { method: 'POST', url, body },
  );
  return fetch(`${gw.url}${url}`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': options.contentType ?? 'application/json',
      'idempotency-key': `body-checks-${Date.now()}-${n++}`,
    },
    body,
  });
}

async function storedCases(): Promise<number> {
  return (await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length;
}

const SW005 = JSON.stringify(validExample('SW-005'));

describe('charsets', () => {
  it.each([
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json;charset="utf-8"',
  ])('accepts %s', async (contentType) => {
    expect((await post(SW005, { contentType })).status).toBe(202);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses Content-Type %s with 415 GW_UNSUPPORTED_MEDIA_TYPE, its detail naming the type to send',
    async (contentType) => {
      const problem = await expectProblem(
        await post(SW005, { contentType }),
        415,
        'GW_UNSUPPORTED_MEDIA_TYPE',
      );
      expect(problem.detail).toBe(
        'A body is sent as Content-Type: application/json (or application/*+json), in UTF-8',
      );
    },
  );

  it('refuses charset=utf-7 with 415 instead of storing mojibake', async () => {
    // "+ZwpmDg-" is 李明 in UTF-7: read as UTF-7 the body is a valid envelope with another name.
    const body = SW005.replace('"李明"', '"+Zw5mDg-"');
    const before = await storedCases();
    const problem = await expectProblem(
      await post(body, { contentType: 'application/json; charset=utf-7' }),
      415,
      'GW_UNSUPPORTED_MEDIA_TYPE',
    );
    expect(problem.detail).toMatch(/utf-8/i);
    expect(await storedCases()).toBe(before);
  });

  it.each([
    'application/json; charset=utf-16le',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; charset=iso-8859-1',
    'application/json; charset=gbk',
    'application/json; charset=gb18030',
  ])('refuses %s with 415 GW_UNSUPPORTED_MEDIA_TYPE', async (contentType) => {
    const body = contentType.includes('utf-16')
      ? new Uint8Array(Buffer.from(SW005, 'utf16le'))
      : SW005;
    await expectProblem(await post(body, { contentType }), 415, 'GW_UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    'application/json; charset=utf-8; charset=latin1',
    'application/json; charset=latin1; charset=utf-8',
    'application/json; charset=utf-8; CHARSET="utf-8"',
    'application/json; foo="a;b"; charset=utf-8;charset=utf-8',
  ])(
    'refuses %s, a charset named twice, with 415 GW_UNSUPPORTED_MEDIA_TYPE',
    async (contentType) => {
      const before = await storedCases();
      const problem = await expectProblem(
        await post(SW005, { contentType }),
        415,
        'GW_UNSUPPORTED_MEDIA_TYPE',
      );
      expect(problem.detail).toMatch(/charset.*twice/i);
      expect(await storedCases()).toBe(before);
    },
  );

  it.each([
    'application/json; foo="x; charset=latin1"; charset=utf-8',
    'application/json; foo="x\\"; charset=latin1"; charset=utf-8',
  ])(
    "reads a charset written inside another parameter's quoted value as no charset (%s)",
    async (contentType) => {
      expect((await post(SW005, { contentType })).status).toBe(202);
    },
  );

  it.each(['application/json; charset', 'application/json;;', 'application/json; charset="utf-7'])(
    'reads a body whose Content-Type parameters do not parse (%j) as UTF-8, like body-parser',
    async (contentType) => {
      expect((await post(SW005, { contentType })).status).toBe(202);
    },
  );
});

describe('duplicate member names', () => {
  it('refuses a second handlingRegion (which used to decide the route) with its pointer', async () => {
    const body = SW005.replace(
      '"handlingRegion":"530323"',
      '"handlingRegion":"530323","handlingRegion":"500103"',
    );
    expect(body).not.toBe(SW005);
    const before = await storedCases();
    const problem = await expectProblem(await post(body), 422, 'GW_DUPLICATE_KEY');
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: '/handlingRegion', keyword: 'duplicateKey' }),
    ]);
    expect(problem.errors![0]!.messageZh).toMatch(/重复/);
    expect(await storedCases()).toBe(before);
  });

  it('finds a duplicate deep inside the payload, spelled with an escape', async () => {
    const body = SW005.replace('"amount":"1920.00"', '"amount":"1920.00","\\u0061mount":"1.00"');
    const problem = await expectProblem(await post(body), 422, 'GW_DUPLICATE_KEY');
    expect(problem.errors!.map((e) => e.path)).toEqual(['/payload/lines/1/amount']);
  });

  it('refuses duplicates in a province event too', async () => {
    const res = await post('{"type":"accepted","type":"decided","at":"2026-01-01T00:00:00Z"}', {
      url: '/v1/cases/01JUNKNOWNCASE0000000000000/events',
      clientId: 'province-sc',
    });
    const problem = await expectProblem(res, 422, 'GW_DUPLICATE_KEY');
    expect(problem.errors!.map((e) => e.path)).toEqual(['/type']);
  });
});

describe('characters in text fields', () => {
  it.each([
    ['a right-to-left override in a name', '李\\u202e明', 'U+202E'],
    ['a raw right-to-left override in a name', '李\u202e明', 'U+202E'],
    ['a left-to-right isolate', '\\u2066李明', 'U+2066'],
    ['a pop directional isolate', '李明\\u2069', 'U+2069'],
    ['a byte order mark', '\\ufeff李明', 'U+FEFF'],
    ['a line separator', '李\\u2028明', 'U+2028'],
    ['a paragraph separator', '李\u2029明', 'U+2029'],
    ['a C1 control (NEL)', '李\\u0085明', 'U+0085'],
    ['DEL', '李\\u007f明', 'U+007F'],
    ['a C0 control (BEL)', '李\\u0007明', 'U+0007'],
    ['a form feed', '李\\f明', 'U+000C'],
    ['an unpaired high surrogate', '李\\ud83d明', 'U+D83D'],
    ['an unpaired low surrogate', '李\\ude00明', 'U+DE00'],
    ['surrogates in the wrong order', '\\ude00\\ud83d', 'U+DE00'],
  ])('refuses %s with 422 and the pointer of the field', async (_label, name, codePoint) => {
    const body = SW005.replace('"contactName":"李明"', `"contactName":"${name}"`);
    expect(body).not.toBe(SW005);
    const before = await storedCases();
    const problem = await expectProblem(await post(body), 422, 'GW_FORBIDDEN_CHARACTER');
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: '/applicant/contactName', keyword: 'forbiddenCharacter' }),
    ]);
    expect(problem.errors![0]!.message).toContain(codePoint);
    expect(problem.errors![0]!.messageZh).toContain(codePoint);
    expect(await storedCases()).toBe(before);
  });

  it('reports every offending field, in the payload too', async () => {
    const body = SW005.replace('"contactName":"李明"', '"contactName":"\\u202e李明"').replace(
      '"name":"师宗县城乡道路改造工程"',
      '"name":"师宗县\\u2028工程"',
    );
    const problem = await expectProblem(await post(body), 422, 'GW_FORBIDDEN_CHARACTER');
    expect(problem.errors!.map((e) => e.path)).toEqual([
      '/applicant/contactName',
      '/payload/project/name',
    ]);
  });

  it('refuses a member name with a forbidden character, pointing at its object', async () => {
    const body = SW005.replace('"payload":{', '"payload":{"x\\u202e":1,');
    const problem = await expectProblem(await post(body), 422, 'GW_FORBIDDEN_CHARACTER');
    expect(problem.errors!.map((e) => e.path)).toEqual(['/payload']);
  });

  it('refuses a bidirectional override in a province event note', async () => {
    const res = await post(
      JSON.stringify({ type: 'accepted', at: '2026-01-01T00:00:00Z', note: 'ok\u202e' }),
      { url: '/v1/cases/01JUNKNOWNCASE0000000000000/events', clientId: 'province-sc' },
    );
    const problem = await expectProblem(res, 422, 'GW_FORBIDDEN_CHARACTER');
    expect(problem.errors!.map((e) => e.path)).toEqual(['/note']);
  });

  it('accepts a newline and a tab in a free-text field whose schema allows them', async () => {
    const envelope = validExample('ZR-002');
    (envelope.payload as Record<string, unknown>).purpose = '办理继承公证:\n\t查询本人名下不动产。';
    const res = await gw.client('portal-gx').submitCase(envelope, `text-nl-${Date.now()}`);
    expect(res.status).toBe(202);
  });

  it('accepts a surrogate pair (an emoji) where the field allows it', async () => {
    const envelope = validExample('ZR-002');
    (envelope.payload as Record<string, unknown>).purpose = '办理继承公证 😀 查询不动产。';
    const res = await gw.client('portal-gx').submitCase(envelope, `text-emoji-${Date.now()}`);
    expect(res.status).toBe(202);
  });
});
