import express from 'express';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type HandlerResult } from '../../../gateway/http/respond.ts';

// The same results answered by handle() and by express's own res.json(), side by side.
const RESULTS: Record<string, HandlerResult> = {
  accepted: {
    status: 202,
    headers: { Location: '/v1/cases/01KBX' },
    body: { caseId: '01KBX', note: '办件 accepted — ✓', n: 1.5, list: [null, true] },
  },
  long: { status: 200, body: { pad: '字'.repeat(800) } },
  conflict: { status: 409, body: { code: 'GW_X' } },
  noContent: { status: 204, body: { dropped: true } },
  typed: { status: 200, headers: { 'Content-Type': 'application/geo+json' }, body: { a: 1 } },
};

let server: ReturnType<express.Express['listen']>;
let port = 0;
beforeAll(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const [name, result] of Object.entries(RESULTS)) {
    app.all(
      `/handled/${name}`,
      handle(() => result),
    );
    app.all(`/express/${name}`, (_req, res) => {
      if (result.headers) res.set(result.headers);
      res.status(result.status).json(result.body);
    });
  }
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function call(method: string, path: string) {
  return new Promise<{
    status?: number;
    headers: string[];
    body: Buffer;
    raw: IncomingHttpHeaders;
  }>((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          // Names and values in the order sent, without the clock's Date.
          headers: res.rawHeaders.filter((_, i, all) => all[i - (i % 2)] !== 'Date'),
          body: Buffer.concat(chunks),
          raw: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'HEAD' ? undefined : '{}');
  });
}

describe('handle', () => {
  for (const method of ['POST', 'PUT', 'GET', 'HEAD']) {
    for (const name of Object.keys(RESULTS)) {
      it(`answers ${method} ${name} with res.json()'s status, headers in order and bytes`, async () => {
        const ours = await call(method, `/handled/${name}`);
        const theirs = await call(method, `/express/${name}`);
        expect(ours.status).toBe(theirs.status);
        expect(ours.headers).toEqual(theirs.headers);
        expect(ours.body.equals(theirs.body)).toBe(true);
      });
    }
  }

  it('counts a JSON answer’s length in UTF-8 bytes, not characters', async () => {
    const { raw, body } = await call('POST', '/handled/long');
    expect(Number(raw['content-length'])).toBe(body.length);
    expect(body.length).toBeGreaterThan(2400);
    expect(raw['content-type']).toBe('application/json; charset=utf-8');
  });
});
