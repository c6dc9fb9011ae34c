// HTTP/1.1 pipelining and an oversized body sent slowly (gateway/README.md#body-checks): a client
// may write its next request before the answer to the last, on one socket. Each request is then
// read with its own body and signature — never the next one's bytes — and answered in order, a
// refused one between two good ones included. A body over GW_BODY_LIMIT_BYTES, sent in slow
// chunks or declared by its Content-Length, is refused 413 once the limit is passed and the
// connection closed, not read to its end nor held until the body timeout.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../support/api-gateway.ts';

let gw: ApiGateway;
let port: number;
beforeAll(async () => {
  gw = await startApiGateway({
    GW_BODY_LIMIT_BYTES: '65536',
    // Long, so a 413 comes from the limit, never from the body timeout.
    GW_BODY_TIMEOUT_MS: '60000',
    GW_REQUEST_TIMEOUT_MS: '120000',
  });
  port = Number(new URL(gw.url).port);
});
afterAll(async () => gw?.close());

/** A signed POST /v1/cases as bytes, under `key`; `tamper` breaks its signature. */
function submission(body: Record<string, unknown>, key: string, tamper = false): string {
  const json = JSON.stringify(body);
  const signed = signRequest(
    { clientId: 'portal-sc', secret: devSecret('portal-sc') },
    { method: 'POST', url: '/v1/cases', body: json },
  );
  if (tamper) signed['X-Gw-Signature'] = '0'.repeat(64);
  const headers = Object.entries({
    Host: 'gw',
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(json)),
    'Idempotency-Key': key,
    ...signed,
  }).map(([k, v]) => `${k}: ${v}\r\n`);
  return `POST /v1/cases HTTP/1.1\r\n${headers.join('')}\r\n${json}`;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Writes `bytes` at once and reads `count` answers off the socket, in the order they come. */
function pipelined(bytes: string, count: number): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const answers: Answer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        answers.push({
          status: Number(head.split(' ')[1]),
          body: JSON.parse(body) as Answer['body'],
        });
        buffer = buffer.subarray(end + 4 + length);
        if (answers.length === count) {
          socket.destroy();
          resolve(answers);
          return;
        }
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`closed after ${answers.length} of ${count} answers`)),
    );
    socket.write(bytes);
  });
}

describe('requests pipelined on one socket', () => {
  it('answers three signed submissions written at once in order — 202, 401 for the tampered one, 202 — each case storing the body sent with it', async () => {
    const run = Date.now();
    const first = { ...validExample('SF-009'), receivingRegion: '510104' };
    const third = { ...validExample('SF-009'), receivingRegion: '510105' };
    const answers = await pipelined(
      submission(first, `pipe-1-${run}`) +
        submission(validExample('SF-009'), `pipe-2-${run}`, true) +
        submission(third, `pipe-3-${run}`),
      3,
    );
    expect(answers.map((a) => a.status)).toEqual([202, 401, 202]);
    expect(answers[1]!.body.code).toMatch(/^GW_/);
    const one = String(answers[0]!.body.caseId);
    const three = String(answers[2]!.body.caseId);
    expect(one).not.toBe(three);
    expect((await gw.services.store.get(one))?.receivingRegion).toBe('510104');
    expect((await gw.services.store.get(three))?.receivingRegion).toBe('510105');
  });
});

/** Writes `head` (and nothing after it) and reads the one answer, as text. */
function answerTo(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      text ? resolve(text) : reject(new Error('closed without an answer')),
    );
    socket.write(head);
  });
}

describe('a body over the limit sent slowly', () => {
  it('answers a Content-Length over GW_BODY_LIMIT_BYTES with 413 and closes before any of the body is sent', async () => {
    const answer = await answerTo(
      'POST /v1/cases HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n' +
        'Content-Length: 10000000\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toMatch(/"code":"GW_PAYLOAD_TOO_LARGE"/);
  });

  it('answers 413 GW_PAYLOAD_TOO_LARGE once the chunks pass GW_BODY_LIMIT_BYTES, and closes', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.write(
        'POST /v1/cases HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n',
      );
      const chunk = `{"pad":"${'x'.repeat(8000)}`;
      // 8 KB every 20 ms: past the 64 KiB limit after nine chunks, long before the body timeout.
      const timer = setInterval(() => {
        if (socket.writable) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      }, 20);
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('error', () => undefined);
      // The answer closes the connection: the rest of the body is not read.
      socket.on('close', () => {
        clearInterval(timer);
        if (text) resolve(text);
        else reject(new Error('closed without an answer'));
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toMatch(/"code":"GW_PAYLOAD_TOO_LARGE"/);
  });
});
