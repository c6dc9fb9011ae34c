// Defect 7 of issue 12: slow clients get 408 problem+json and a closed connection within the
// configured time, never a hang and never a silent close (gateway/README.md#protocol-errors,
// gateway/README.md#body-checks). Short timeouts here; the defaults are in the README.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { problemOf, rawRequest } from '../support/raw-http.ts';

let gw: ApiGateway;
let port: number;
beforeAll(async () => {
  gw = await startApiGateway({
    GW_HEADERS_TIMEOUT_MS: '300',
    GW_BODY_TIMEOUT_MS: '400',
    GW_REQUEST_TIMEOUT_MS: '1500',
    GW_KEEP_ALIVE_TIMEOUT_MS: '300',
  });
  port = Number(new URL(gw.url).port);
});
afterAll(async () => gw.close());

const headers = (length: number) =>
  `POST /v1/cases HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('timeouts', () => {
  it('answers a body that stops after its headers with 408 GW_REQUEST_TIMEOUT and closes', async () => {
    const res = await rawRequest(port, `${headers(100)}{"itemCode":`, { timeoutMs: 3000 });
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.connection).toBe('close');
    expect(problemOf(res)).toMatchObject({ code: 'GW_REQUEST_TIMEOUT', status: 408 });
    expect(problemOf(res).detail).toMatch(/400 ms/);
    expect(res.closed).toBe(true);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(350);
  });

  it('answers a body that trickles a byte at a time past the body timeout with 408', async () => {
    const res = await rawRequest(port, headers(200), {
      trickle: 'x'.repeat(200),
      trickleMs: 20,
      timeoutMs: 3000,
    });
    expect(res.status).toBe(408);
    expect(problemOf(res).code).toBe('GW_REQUEST_TIMEOUT');
    expect(res.closed).toBe(true);
  });

  it('answers headers that never finish with 408 problem+json and closes', async () => {
    const res = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: gw\r\n', {
      timeoutMs: 3000,
    });
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res).code).toBe('GW_REQUEST_TIMEOUT');
    expect(res.closed).toBe(true);
  });

  it('answers headers trickled a byte at a time with 408', async () => {
    const res = await rawRequest(port, 'G', {
      trickle: 'ET /healthz HTTP/1.1\r\nHost: gw\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n\r\n',
      trickleMs: 20,
      timeoutMs: 3000,
    });
    expect(res.status).toBe(408);
    expect(problemOf(res).code).toBe('GW_REQUEST_TIMEOUT');
  });

  it('stores nothing for a submission whose body timed out', async () => {
    const before = (await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length;
    await rawRequest(port, `${headers(40)}{"itemCode":"SW-005"`, { timeoutMs: 3000 });
    expect((await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length).toBe(
      before,
    );
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const res = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n', {
      timeoutMs: 3000,
    });
    expect(res.status).toBe(200);
    expect(res.closed).toBe(true);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(250);
  });

  it('still serves a prompt request', async () => {
    const res = await fetch(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('the whole-request timeout', () => {
  let slow: ApiGateway;
  beforeAll(async () => {
    // The body timeout is longer here, so Node's request timeout is the one that fires.
    slow = await startApiGateway({
      GW_HEADERS_TIMEOUT_MS: '300',
      GW_BODY_TIMEOUT_MS: '10000',
      GW_REQUEST_TIMEOUT_MS: '600',
    });
  });
  afterAll(async () => slow.close());

  it('answers a request still incomplete after GW_REQUEST_TIMEOUT_MS with 408, storing nothing', async () => {
    const before = (await slow.services.redis.keys(`${slow.config.keyPrefix}:{s*}:case:*`)).length;
    const res = await rawRequest(Number(new URL(slow.url).port), headers(300), {
      trickle: 'x'.repeat(300),
      trickleMs: 20,
      timeoutMs: 4000,
    });
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res).code).toBe('GW_REQUEST_TIMEOUT');
    expect(res.closed).toBe(true);
    expect(res.elapsedMs).toBeLessThan(3000);
    expect((await slow.services.redis.keys(`${slow.config.keyPrefix}:{s*}:case:*`)).length).toBe(
      before,
    );
  });
});
