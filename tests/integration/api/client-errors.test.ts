// Defect 3 of issue 12: client errors that express or body-parser raise with a status (a body
// that does not match its Content-Encoding, an unknown encoding, bad percent-encoding in a path
// parameter) are 4xx problems with a stable GW_ code, never a 500 (gateway/README.md#errors).
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
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
/** POST /v1/cases signed over `signedBody` (the inflated bytes), sending `wire` as the body. */
async function postEncoded(wire: Uint8Array, encoding: string, signedBody?: string) {
  const headers = signRequest(
    { clientId: 'portal-sc', secret: devSecret('portal-sc') },
    { method: 'POST', url: '/v1/cases', body: signedBody ?? '' },
  );
  return fetch(`${gw.url}/v1/cases`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-encoding': encoding,
      'idempotency-key': `encoding-${Date.now()}-${n++}`,
    },
    body: wire,
  });
}

async function signedGet(path: string, clientId: string) {
  const headers = signRequest(
    { clientId, secret: devSecret(clientId) },
    { method: 'GET', url: path },
  );
  return fetch(`${gw.url}${path}`, { headers });
}

const envelope = JSON.stringify(validExample('SW-005'));
const gzipped = gzipSync(envelope);

describe('bodies that do not match their Content-Encoding', () => {
  it.each([
    ['gzip', 'gzip', Buffer.from('this is not gzip at all')],
    ['deflate', 'deflate', Buffer.from('neither is this deflate')],
    ['br', 'br', Buffer.from('nor brotli, not at all')],
    ['truncated gzip', 'gzip', gzipped.subarray(0, gzipped.length - 12)],
    ['truncated deflate', 'deflate', deflateSync(envelope).subarray(0, 40)],
    ['gzip cut after its header', 'gzip', gzipped.subarray(0, 10)],
  ])('answers a corrupt %s body with 400 GW_BAD_ENCODING', async (_label, encoding, wire) => {
    const body = await expectProblem(await postEncoded(wire, encoding), 400, 'GW_BAD_ENCODING');
    expect(body.detail).toMatch(/Content-Encoding/);
  });

  it.each(['compress', 'x-unknown', 'gzip, gzip', 'identity;q=0'])(
    'answers Content-Encoding %j with 415 GW_UNSUPPORTED_ENCODING',
    async (encoding) => {
      await expectProblem(
        await postEncoded(Buffer.from(envelope), encoding, envelope),
        415,
        'GW_UNSUPPORTED_ENCODING',
      );
    },
  );

  it('answers a gzip bomb (inflates past the body limit) with 413 GW_PAYLOAD_TOO_LARGE', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectProblem(await postEncoded(bomb, 'gzip'), 413, 'GW_PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['gzip', gzipped],
    ['deflate', deflateSync(envelope)],
    ['br', brotliCompressSync(envelope)],
  ])('still accepts a valid %s body signed over its inflated bytes', async (encoding, wire) => {
    const res = await postEncoded(wire, encoding, envelope);
    expect(res.status).toBe(202);
  });
});

describe('bad percent-encoding in a path parameter', () => {
  it.each([
    ['/v1/catalogue/items/%zz', 'portal-sc'],
    ['/v1/catalogue/items/%E4%B8', 'portal-sc'],
    ['/v1/divisions/%', 'portal-sc'],
    ['/v1/cases/%zz', 'portal-sc'],
    ['/v1/cases/%C3%28', 'operator-dev'],
  ])('answers a validly signed GET %s with 400 GW_INVALID_PARAMETER', async (path, clientId) => {
    const body = await expectProblem(await signedGet(path, clientId), 400, 'GW_INVALID_PARAMETER');
    expect(body.detail).toMatch(/percent-encoding/);
  });

  it('answers a validly signed POST /v1/cases/%zz/events with 400 GW_INVALID_PARAMETER', async () => {
    const body = JSON.stringify({ type: 'accepted', at: new Date().toISOString() });
    const headers = signRequest(
      { clientId: 'province-sc', secret: devSecret('province-sc') },
      { method: 'POST', url: '/v1/cases/%zz/events', body },
    );
    const res = await fetch(`${gw.url}/v1/cases/%zz/events`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    await expectProblem(res, 400, 'GW_INVALID_PARAMETER');
  });

  it('answers an unsigned GET /v1/cases/%zz with 401 before looking at the path', async () => {
    await expectProblem(await fetch(`${gw.url}/v1/cases/%zz`), 401, 'GW_AUTH_MISSING');
  });
});

// A query the signature cannot canonicalise is refused like any bad query parameter, at its
// pointer (README: bad input and limits); the answer had no `errors` before.
describe('bad percent-encoding in a query parameter', () => {
  it.each([
    ['/v1/routes/resolve?itemCode=SW-005&receivingRegion=%E0%A4%A', '/query/receivingRegion'],
    ['/v1/catalogue/items?q=%zz', '/query/q'],
    ['/v1/rectifications?status=%C3%28', '/query/status'],
    ['/v1/catalogue/items?%zz=1', '/query/%zz'],
  ])('answers a signed GET %s with 400 GW_INVALID_PARAMETER at %s', async (url, pointer) => {
    // Signed without the query, which cannot be canonicalised; it is refused before the signature.
    const headers = signRequest(
      { clientId: 'operator-dev', secret: devSecret('operator-dev') },
      { method: 'GET', url: url.split('?')[0]! },
    );
    const res = await fetch(`${gw.url}${url}`, { headers });
    const body = await expectProblem(res, 400, 'GW_INVALID_PARAMETER');
    expect(body.errors?.map((e) => e.path)).toEqual([pointer]);
  });
});
