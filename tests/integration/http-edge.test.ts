import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ bodyLimitBytes: 4096 });
});
afterAll(async () => gw.close());

async function post(body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${gw.url}/v1/anything`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: res.headers.get('x-request-id') });
  expect(body.type).toBe(`https://swgw.example/problems/${code}`);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  return body;
}

describe('HTTP edge', () => {
  it('answers malformed JSON with 400 GW_MALFORMED_JSON', async () => {
    await expectProblem(await post('{"itemCode": '), 400, 'GW_MALFORMED_JSON');
  });

  it('answers a JSON scalar body (strict JSON objects only) with 400', async () => {
    await expectProblem(await post('"just a string"'), 400, 'GW_MALFORMED_JSON');
  });

  it('reads an object after leading whitespace as JSON (the route is looked up, no 400)', async () => {
    await expectProblem(await post(' \r\n\t{"itemCode": "SW-005"}'), 404, 'GW_ROUTE_NOT_FOUND');
  });

  it('answers a scalar after leading whitespace, or only whitespace, with 400 GW_MALFORMED_JSON', async () => {
    await expectProblem(await post('\n  42'), 400, 'GW_MALFORMED_JSON');
    await expectProblem(await post(' \t '), 400, 'GW_MALFORMED_JSON');
  });

  it('reads an empty chunked body as {} (the route is looked up, no 400)', async () => {
    const res = await fetch(`${gw.url}/v1/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ start: (controller) => controller.close() }),
      duplex: 'half',
    });
    await expectProblem(res, 404, 'GW_ROUTE_NOT_FOUND');
  });

  it('answers bytes that are not UTF-8 with 400 GW_MALFORMED_JSON', async () => {
    const res = await post(
      new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    );
    const body = await expectProblem(res, 400, 'GW_MALFORMED_JSON');
    expect(body.detail).toMatch(/UTF-8/);
  });

  it('answers a body over the limit with 413 GW_PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    await expectProblem(await post(big), 413, 'GW_PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON content type with 415 GW_UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectProblem(
      await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'GW_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers an unknown route with 404 GW_ROUTE_NOT_FOUND', async () => {
    await expectProblem(await post('{}'), 404, 'GW_ROUTE_NOT_FOUND');
    await expectProblem(await fetch(`${gw.url}/nowhere`), 404, 'GW_ROUTE_NOT_FOUND');
  });

  it('echoes a well-formed X-Request-Id and uses it in the problem and the log', async () => {
    const res = await fetch(`${gw.url}/nowhere`, {
      headers: { 'x-request-id': 'portal-sc-0001-abc' },
    });
    expect(res.headers.get('x-request-id')).toBe('portal-sc-0001-abc');
    expect(((await res.json()) as { requestId: string }).requestId).toBe('portal-sc-0001-abc');
    expect(
      gw.logLines().some((l) => l.requestId === 'portal-sc-0001-abc' && l.status === 404),
    ).toBe(true);
  });

  it('replaces a malformed X-Request-Id with a generated one', async () => {
    const res = await fetch(`${gw.url}/healthz`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates a request id when none is sent', async () => {
    const a = await fetch(`${gw.url}/healthz`);
    const b = await fetch(`${gw.url}/healthz`);
    expect(a.headers.get('x-request-id')).toBeTruthy();
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('serves /healthz and /readyz 200 with Redis up', async () => {
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'up' } });
  });
});
