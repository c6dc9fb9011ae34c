// The shared backend client: failure classification every dialect relies on
// (adapters/README.md#permanent-and-transient-failures) and debug logs that carry method,
// origin+path, status and duration only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import {
  classifyHttpFailure,
  classifyNetworkError,
  HttpBackend,
  parseRetryAfter,
} from '../../../adapters/kit/http-backend.ts';
import { PERSONAL, testContext } from '../../support/province-test-kit.ts';

const BASE = 'http://backend.platform.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('classifyHttpFailure', () => {
  it.each([400, 401, 403, 404, 409, 410, 413, 422])('refuses HTTP %i for good', (status) => {
    const error = classifyHttpFailure(status);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as PermanentDeliveryError).provinceCode).toBe(String(status));
  });

  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(classifyHttpFailure(status, '5')).toMatchObject({
      name: 'TransientDeliveryError',
      retryAfterMs: 5000,
    });
  });

  it('carries the province code when the dialect has one', () => {
    expect(classifyHttpFailure(422, null, 'OUT_OF_AREA')).toMatchObject({
      provinceCode: 'OUT_OF_AREA',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates, and ignores anything else', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('classifyNetworkError', () => {
  it('retries timeouts, aborts and socket errors, and passes classified errors through', () => {
    expect(classifyNetworkError(new DOMException('t', 'TimeoutError'))).toBeInstanceOf(
      TransientDeliveryError,
    );
    expect(classifyNetworkError(new DOMException('a', 'AbortError'))).toBeInstanceOf(
      TransientDeliveryError,
    );
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(classifyNetworkError(refused).message).toContain('ECONNREFUSED');
    const permanent = new PermanentDeliveryError('no', 'X');
    expect(classifyNetworkError(permanent)).toBe(permanent);
  });

  // Real handshakes: tests/integration/adapters/province-tls.test.ts. Here the table of codes.
  it('retries a failed TLS handshake, its reason naming TLS, the code and which certificate', () => {
    const reason = (code: string) => {
      const error = classifyNetworkError(Object.assign(new Error('handshake'), { code }));
      expect(error).toBeInstanceOf(TransientDeliveryError);
      return error.message;
    };
    expect(reason('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(
      'province TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT): its certificate is not signed by a CA this adapter trusts (tlsCaFile)',
    );
    expect(reason('CERT_NOT_YET_VALID')).toBe(
      'province TLS failed (CERT_NOT_YET_VALID): its certificate is not valid yet (check the clock)',
    );
    expect(reason('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).toBe(
      'province TLS failed (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA): the province does not trust the CA of our client certificate',
    );
    expect(reason('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED')).toBe(
      'province TLS failed (ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED): the province says our client certificate has expired',
    );
    // TLS on a port that speaks plain HTTP, or a handshake no named case covers.
    expect(reason('ERR_SSL_WRONG_VERSION_NUMBER')).toBe(
      'province TLS failed (ERR_SSL_WRONG_VERSION_NUMBER): the TLS handshake failed',
    );
    expect(reason('ECONNRESET')).toBe('province unreachable (ECONNRESET)');
  });
});

describe('HttpBackend', () => {
  const backend = new HttpBackend('test', { baseUrl: `${BASE}/`, timeoutMs: 5000 });

  it('sends a form body and logs method, path, status and duration only', async () => {
    nock(BASE, {
      reqheaders: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    })
      .post('/submit', 'name=%E5%BC%A0%E4%B8%89&id=53032319900101123X')
      .query(true)
      .reply(200, 'ok');
    const { context, lines } = testContext();
    const response = await backend.send(
      {
        method: 'POST',
        path: `/submit?id=${PERSONAL.idNumber}`,
        form: { name: '张三', id: PERSONAL.idNumber },
        headers: { Authorization: 'Bearer secret-token' },
      },
      context,
    );
    expect(response).toMatchObject({ status: 200, text: 'ok' });
    expect(lines).toHaveLength(1);
    const logged = lines[0]?.obj as Record<string, unknown>;
    expect(Object.keys(logged).sort()).toEqual([
      'adapter',
      'durationMs',
      'method',
      'status',
      'url',
    ]);
    expect(logged).toMatchObject({ method: 'POST', url: `${BASE}/submit`, status: 200 });
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });

  it('returns every HTTP status for the dialect to judge', async () => {
    nock(BASE).post('/x').reply(503, 'busy');
    const response = await backend.send(
      { method: 'POST', path: '/x', json: {} },
      testContext().context,
    );
    expect(response.status).toBe(503);
  });

  it('answers a call made without a signal, as the job runner makes them', async () => {
    nock(BASE).post('/x').reply(201, 'made');
    const { log } = testContext().context;
    const response = await backend.send({ method: 'POST', path: '/x', json: {} }, { log });
    expect(response).toMatchObject({ status: 201, text: 'made' });
  });

  it("ends a call made without a signal at the adapter's timeout, as a transient failure", async () => {
    // A real server that never answers (nock's delayed replies trip undici once the call aborts).
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { port } = silent.address() as AddressInfo;
      const quick = new HttpBackend('test', {
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 50,
      });
      const { log } = testContext().context;
      await expect(
        quick.send({ method: 'POST', path: '/slow', json: {} }, { log }),
      ).rejects.toMatchObject({ name: 'TransientDeliveryError', message: 'province timed out' });
    } finally {
      nock.disableNetConnect();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('turns the job aborting into TransientDeliveryError', async () => {
    nock(BASE).post('/x').reply(200, 'ok');
    const controller = new AbortController();
    controller.abort();
    await expect(
      backend.send(
        { method: 'POST', path: '/x', json: {} },
        testContext(controller.signal).context,
      ),
    ).rejects.toBeInstanceOf(TransientDeliveryError);
  });
  it('answers a redirect to the dialect instead of following it with the case elsewhere', async () => {
    nock(BASE).post('/x').reply(307, '', { Location: 'http://elsewhere.platform.test/y' });
    const elsewhere = nock('http://elsewhere.platform.test').post('/y').reply(201, 'taken');
    const response = await backend.send(
      { method: 'POST', path: '/x', json: { name: '张三' } },
      testContext().context,
    );
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe('http://elsewhere.platform.test/y');
    expect(elsewhere.isDone()).toBe(false);
  });

  it('keeps one connection open for calls one after another', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.socket.remotePort}`);
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const local = new HttpBackend('test', {
        baseUrl: `http://127.0.0.1:${port}/api`,
        timeoutMs: 5000,
      });
      const { log } = testContext().context;
      for (let i = 0; i < 3; i++) {
        const answer = await local.send({ method: 'POST', path: '/x', json: { i } }, { log });
        expect(answer).toMatchObject({ status: 200, text: '{}' });
      }
      expect(new Set(seen).size).toBe(1);
      expect(seen).toHaveLength(3);
    } finally {
      nock.disableNetConnect();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
