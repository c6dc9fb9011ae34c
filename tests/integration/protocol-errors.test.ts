// Defect 3 of issue 12, below express: requests Node's HTTP parser refuses are answered with a
// minimal problem+json and the connection is closed (gateway/README.md#protocol-errors), instead
// of Node's bare "400 Bad Request" without a body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { problemOf, rawRequest, type RawResponse } from '../support/raw-http.ts';

let gw: ApiGateway;
let port: number;
beforeAll(async () => {
  gw = await startApiGateway();
  port = Number(new URL(gw.url).port);
});
afterAll(async () => gw.close());

function expectRawProblem(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers.connection).toBe('close');
  expect(res.closed).toBe(true);
  const problem = problemOf(res);
  expect(problem).toMatchObject({
    status,
    code,
    type: `https://swgw.example/problems/${code}`,
    requestId: res.headers['x-request-id'],
  });
  expect(res.body).not.toMatch(/HPE_|node:|\.ts:\d+|\.js:\d+/);
  return problem;
}

const post = (headers: string, body = '') =>
  `POST /v1/cases HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

describe('requests the HTTP parser refuses', () => {
  it.each([
    [
      'a chunk size that is not hex',
      post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'),
      /chunk/i,
    ],
    [
      'Content-Length together with Transfer-Encoding',
      post('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n'),
      /Transfer-Encoding/,
    ],
    [
      'two different Content-Length headers',
      post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'),
      /Content-Length/,
    ],
    [
      'a control character in a header value',
      post('X-Note: a\x01b\r\nContent-Length: 0\r\n'),
      /header/i,
    ],
    ['a space inside a header name', post('X Note: ab\r\nContent-Length: 0\r\n'), /header/i],
    ['an unknown method', 'BREW /v1/cases HTTP/1.1\r\nHost: gw\r\n\r\n', /method/i],
    ['an unsupported HTTP version', 'GET /healthz HTTP/7.1\r\nHost: gw\r\n\r\n', /version/i],
    ['a request line with only a method', 'GET\r\n\r\n', /request/i],
    ['a space inside the request target', 'GET /a b HTTP/1.1\r\nHost: gw\r\n\r\n', /request/i],
    ['a bare LF in the request line', 'GET /healthz HTTP/1.1\nHost: gw\r\n\r\n', /./],
  ])('answers %s with 400 GW_BAD_REQUEST and closes', async (_label, bytes, detail) => {
    const problem = expectRawProblem(await rawRequest(port, bytes), 400, 'GW_BAD_REQUEST');
    expect(problem.detail).toMatch(detail);
  });

  it('answers headers over the size limit with 431 GW_HEADERS_TOO_LARGE', async () => {
    const res = await rawRequest(
      port,
      `GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectRawProblem(res, 431, 'GW_HEADERS_TOO_LARGE');
  });

  it('answers a CONNECT request with 405 GW_METHOD_NOT_ALLOWED instead of a silent close', async () => {
    const res = await rawRequest(port, 'CONNECT gw:443 HTTP/1.1\r\nHost: gw:443\r\n\r\n');
    expectRawProblem(res, 405, 'GW_METHOD_NOT_ALLOWED');
  });

  it('answers an HTTP/1.1 request without Host with 400 problem+json', async () => {
    const res = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(res).code).toBe('GW_BAD_REQUEST');
  });

  it('answers an absolute-form target that is no URL with 404 problem+json, not HTML', async () => {
    const res = await rawRequest(port, 'GET http://[::1 HTTP/1.1\r\nHost: gw\r\n\r\n');
    expectRawProblem(res, 404, 'GW_ROUTE_NOT_FOUND');
  });

  it('does not act on a request whose framing was refused (nothing stored)', async () => {
    const before = (await gw.services.redis.keys(`${gw.config.keyPrefix}:*`)).length;
    await rawRequest(
      port,
      post('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n'),
    );
    expect((await gw.services.redis.keys(`${gw.config.keyPrefix}:*`)).length).toBe(before);
  });

  it('keeps serving ordinary requests after all of it', async () => {
    const res = await rawRequest(
      port,
      'GET /healthz HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(200);
  });
});
