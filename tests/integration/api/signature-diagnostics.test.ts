// gateway/README.md#when-the-signature-does-not-match: a 401 GW_AUTH_BAD_SIGNATURE carries the
// string-to-sign the gateway computed (`stringToSign`), so a portal developer can find the line
// that differs from theirs; the other 401s do not, and nothing in it is secret. Requests are built
// by hand where an independent portal would make the mistake.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../../gateway/auth/client-registry.ts';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import {
  startApiGateway,
  devSecret,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');
const now = () => String(Math.floor(Date.now() / 1000));
let nonces = 0;
const freshNonce = () => `diag-nonce-${Date.now()}-${++nonces}`;

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

async function send(
  url: string,
  headers: Record<string, string>,
  init: RequestInit = {},
  base = gw.url,
): Promise<Answer> {
  const res = await fetch(`${base}${url}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

/** Headers an independent portal makes: HMAC-SHA256 over the six lines it believes right. */
function handSigned(lines: string[], secret = devSecret('portal-sc'), client = 'portal-sc') {
  return {
    'X-Gw-Client': client,
    'X-Gw-Timestamp': lines[3]!,
    'X-Gw-Nonce': lines[4]!,
    'X-Gw-Signature-Method': 'HMAC-SHA256',
    'X-Gw-Signature': hmac(secret, lines.join('\n')),
  };
}

function stringToSignOf(answer: Answer): string[] {
  expect(answer).toMatchObject({ status: 401, body: { code: 'GW_AUTH_BAD_SIGNATURE' } });
  expect(typeof answer.body.stringToSign).toBe('string');
  return (answer.body.stringToSign as string).split('\n');
}

describe('the string-to-sign in a 401 GW_AUTH_BAD_SIGNATURE', () => {
  it('ends in the digest of the body bytes sent when the portal signed the JSON serialised again', async () => {
    const envelope = validExample('SW-005');
    // What goes on the wire: the portal's pretty-printed text, not what it hashed.
    const sent = JSON.stringify(envelope, null, 2);
    const reserialised = JSON.stringify(JSON.parse(sent));
    const lines = ['POST', '/v1/cases', '', now(), freshNonce(), sha256(reserialised)];
    const answer = await send(
      '/v1/cases',
      {
        ...handSigned(lines),
        'Content-Type': 'application/json',
        'Idempotency-Key': 'diag-reserialised-0001',
      },
      { method: 'POST', body: sent },
    );
    const theirs = stringToSignOf(answer);
    expect(theirs).toHaveLength(6);
    expect(theirs.slice(0, 5)).toEqual(lines.slice(0, 5));
    expect(theirs[5]).toBe(sha256(Buffer.from(sent, 'utf8')));
    expect(theirs[5]).not.toBe(lines[5]);
    expect(answer.body.detail).toMatch(/line by line/);
    expect(answer.body.detail).toMatch(/raw body bytes as sent/);
  });

  it('shows the canonical query when the portal signed the query in the order and escaping it sent', async () => {
    const rawQuery = 'mode=online&q=%e6%88%b7&department=SW';
    const lines = ['GET', '/v1/catalogue/items', rawQuery, now(), freshNonce(), sha256('')];
    const theirs = stringToSignOf(await send(`/v1/catalogue/items?${rawQuery}`, handSigned(lines)));
    expect(theirs[2]).toBe('department=SW&mode=online&q=%E6%88%B7');
    expect(theirs.filter((line, i) => line !== lines[i])).toEqual([theirs[2]]);
  });

  it('is the very string the portal signed when only the secret is wrong', async () => {
    const lines = ['GET', '/v1/divisions/530323', '', now(), freshNonce(), sha256('')];
    const answer = await send('/v1/divisions/530323', handSigned(lines, 'w'.repeat(40)));
    expect(answer.body.stringToSign).toBe(lines.join('\n'));
  });

  it('comes only with a checked signature that does not match: unknown client, stale timestamp, replayed nonce and a signature method the client may not use answer without it', async () => {
    const url = '/v1/divisions/530323';
    const mismatch = await send(
      url,
      handSigned(['GET', url, '', now(), freshNonce(), sha256('')], 'w'.repeat(40)),
    );
    expect(mismatch.body).toHaveProperty('stringToSign');

    const unknown = signRequest(
      { clientId: 'portal-bj', secret: 'y'.repeat(40) },
      { method: 'GET', url },
    );
    const stale = signRequest(
      { clientId: 'portal-sc', secret: devSecret('portal-sc') },
      { method: 'GET', url, timestamp: Math.floor(Date.now() / 1000) - 301 },
    );
    const once = signRequest(
      { clientId: 'portal-sc', secret: devSecret('portal-sc') },
      { method: 'GET', url },
    );
    expect((await send(url, once)).status).toBe(200);
    const refusals = [
      [await send(url, unknown), 'GW_AUTH_UNKNOWN_CLIENT'],
      [await send(url, stale), 'GW_AUTH_STALE_TIMESTAMP'],
      [await send(url, once), 'GW_AUTH_REPLAYED_NONCE'],
    ] as const;

    // A portal registered for HMAC-SM3 only, signing with HMAC-SHA256.
    const dir = mkdtempSync(join(tmpdir(), 'swgw-sm3-only-'));
    const clientsFile = join(dir, 'clients.json');
    const clients = JSON.parse(
      readFileSync(projectPath('config/clients.dev.json'), 'utf8'),
    ) as object[];
    const sm3Secret = 's'.repeat(40);
    clients.push({
      id: 'portal-sm3',
      kind: 'portal',
      province: '51',
      secret: sm3Secret,
      signatureMethods: ['HMAC-SM3'],
    });
    writeFileSync(clientsFile, JSON.stringify(clients));
    const restricted = await startApiGateway(
      {},
      {
        data: { ...gw.data, clients: loadClientRegistry({ env: 'test', clientsFile }) },
        relay: false,
      },
    );
    try {
      const sha = signRequest(
        { clientId: 'portal-sm3', secret: sm3Secret },
        { method: 'GET', url },
      );
      const methodRefused = await send(url, sha, {}, restricted.url);
      expect(methodRefused.body.detail).toBe('HMAC-SHA256 is not allowed for this client');
      for (const [answer, code] of [
        ...refusals,
        [methodRefused, 'GW_AUTH_BAD_SIGNATURE'] as const,
      ]) {
        expect(answer, code).toMatchObject({ status: 401, body: { code } });
        expect(answer.body, code).not.toHaveProperty('stringToSign');
      }
    } finally {
      await restricted.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never holds the secret, the signature sent or the signature expected', async () => {
    const secret = devSecret('portal-sc');
    const wrongSecret = 'w'.repeat(40);
    const sent = JSON.stringify(validExample('SW-005'), null, 1);
    const cases = [
      // Right secret over another body: the expected signature is HMAC(secret, their string).
      {
        secret,
        lines: [
          'POST',
          '/v1/cases',
          '',
          now(),
          freshNonce(),
          sha256(JSON.stringify(JSON.parse(sent))),
        ],
      },
      // Wrong secret over the right string.
      { secret: wrongSecret, lines: ['POST', '/v1/cases', '', now(), freshNonce(), sha256(sent)] },
    ];
    for (const { secret: signedWith, lines } of cases) {
      const headers = handSigned(lines, signedWith);
      const answer = await send(
        '/v1/cases',
        {
          ...headers,
          'Content-Type': 'application/json',
          'Idempotency-Key': `diag-secrets-${lines[4]}`,
        },
        { method: 'POST', body: sent },
      );
      const theirs = stringToSignOf(answer).join('\n');
      const expected = hmac(secret, theirs);
      for (const value of [secret, wrongSecret, headers['X-Gw-Signature'], expected]) {
        expect(answer.text).not.toContain(value);
      }
      // Nothing but what the request sent: its method, path, query, timestamp, nonce and body.
      expect(theirs).toBe(['POST', '/v1/cases', '', lines[3], lines[4], sha256(sent)].join('\n'));
    }
  });
});
