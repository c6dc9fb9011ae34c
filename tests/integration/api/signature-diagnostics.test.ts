// gateway/README.md#when-the-signature-does-not-match: a 401 GW_AUTH_BAD_SIGNATURE carries the
// string-to-sign the gateway computed (`stringToSign`), so a portal developer can find the line
// that differs from theirs; the other 401s do not, and nothing in it is secret. Requests are built
// by hand where an independent portal would make the mistake, and sent by the shipped
// GatewayClient where it names the differing line itself, and through the reference portal, which
// logs it and keeps it from its pages.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../../gateway/auth/client-registry.ts';
import { GatewayClient, signRequest } from '../../../gateway/client/gateway-client.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { GatewayLink } from '../../../portal/server/gateway-link.ts';
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

  it('says X-Gw-Signature must be 64 lowercase hex digits when the right HMAC is sent in upper-case hex or base64, rather than that the secret differs', async () => {
    const url = '/v1/divisions/530323';
    const lines = ['GET', url, '', now(), freshNonce(), sha256('')];
    const upper = await send(url, {
      ...handSigned(lines),
      'X-Gw-Signature': hmac(devSecret('portal-sc'), lines.join('\n')).toUpperCase(),
    });
    expect(stringToSignOf(upper)).toEqual(lines);
    expect(upper.body.detail).toMatch(/64 lowercase hex digits: this one has upper-case letters/);

    const again = ['GET', url, '', now(), freshNonce(), sha256('')];
    const base64 = createHmac('sha256', devSecret('portal-sc'))
      .update(again.join('\n'))
      .digest('base64');
    const answer = await send(url, { ...handSigned(again), 'X-Gw-Signature': base64 });
    expect(stringToSignOf(answer)).toEqual(again);
    expect(answer.body.detail).toMatch(/64 lowercase hex digits: this one is 44 characters/);
    expect(answer.text).not.toContain(base64);

    const wrongSecret = await send(
      url,
      handSigned([...again.slice(0, 4), freshNonce(), again[5]!], 'w'.repeat(40)),
    );
    expect(wrongSecret.body.detail).toMatch(/^X-Gw-Signature is not the HMAC/);
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

/** A proxy in front of the gateway that pretty-prints every JSON body it forwards. */
async function reserialisingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length
        ? JSON.stringify(JSON.parse(Buffer.concat(chunks).toString()), null, 2)
        : undefined;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ) as Record<string, string>;
      fetch(`${target}${req.url}`, { method: req.method, headers, body }).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? '',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('GatewayClient on a 401 GW_AUTH_BAD_SIGNATURE', () => {
  it('names the body digest line when a proxy on the way serialised the JSON again', async () => {
    const proxy = await reserialisingProxy(gw.url);
    try {
      const client = new GatewayClient(proxy.url, {
        clientId: 'portal-sc',
        secret: devSecret('portal-sc'),
      });
      const res = await client.submitCase(validExample('SW-005'), 'diag-proxy-0001');
      expect(res.status).toBe(401);
      const mismatch = res.signatureMismatch!;
      expect(mismatch).toBeInstanceOf(Error);
      expect(mismatch.differingLines.map((d) => [d.line, d.name])).toEqual([[6, 'body digest']]);
      expect(mismatch.message).toMatch(
        /^GW_AUTH_BAD_SIGNATURE: .*line 6 \(body digest\): signed "[0-9a-f]{64}", the gateway computed "[0-9a-f]{64}"$/,
      );
      expect(mismatch.gatewayStringToSign).toBe(
        (res.body as { stringToSign: string }).stringToSign,
      );
    } finally {
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it('says the secret differs when the gateway computed the string it signed', async () => {
    const client = new GatewayClient(gw.url, { clientId: 'portal-sc', secret: 'w'.repeat(40) });
    const res = await client.getCase('01J0000000000000000000000X');
    expect(res.status).toBe(401);
    expect(res.signatureMismatch?.differingLines).toEqual([]);
    expect(res.signatureMismatch?.message).toBe(
      "GW_AUTH_BAD_SIGNATURE: the gateway computed the string-to-sign this client signed, so the secret of portal-sc differs from the gateway's",
    );
  });
});

describe('the reference portal on a 401 GW_AUTH_BAD_SIGNATURE', () => {
  it('logs which line differs for its operator and passes no stringToSign on to the page', async () => {
    const warnings: string[] = [];
    const link = new GatewayLink(
      { gatewayUrl: gw.url, gatewayTimeoutMs: 5000, clientId: 'portal-sc', secret: 'w'.repeat(40) },
      (message) => warnings.push(message),
    );
    const answer = await link.evaluate(
      '01J0000000000000000000000X',
      { level: 5 },
      'diag-rating-0001',
    );
    expect(answer).toMatchObject({ status: 401, body: { code: 'GW_AUTH_BAD_SIGNATURE' } });
    expect(answer.body).not.toHaveProperty('stringToSign');
    expect(warnings).toEqual([
      "portal: GW_AUTH_BAD_SIGNATURE: the gateway computed the string-to-sign this client signed, so the secret of portal-sc differs from the gateway's",
    ]);
  });
});

describe('the shipped GatewayClient and the path it sends', () => {
  const client = () =>
    new GatewayClient(gw.url, { clientId: 'portal-sc', secret: devSecret('portal-sc') });

  it('signs a path with a space or a non-ASCII character as fetch percent-encodes it: the gateway answers, no 401', async () => {
    for (const code of ['SW 005', '税务-005']) {
      const res = await client().request<{ code: string }>('GET', `/v1/catalogue/items/${code}`);
      expect(res.signatureMismatch).toBeUndefined();
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('GW_ITEM_NOT_FOUND');
    }
  });

  it('signs a path with a dot segment as fetch resolves it: the item named after it is read', async () => {
    const res = await client().request<{ code: string }>(
      'GET',
      '/v1/catalogue/./items/../items/SW-005?lang=zh',
    );
    expect(res.status).toBe(200);
    expect(res.body.code).toBe('SW-005');
  });

  it('sends a path beginning with // to that path, as fetch does, and signs it as sent: its first segment is not taken for a host', async () => {
    const seen: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const secret = devSecret('portal-sc');
      await new GatewayClient(base, { clientId: 'portal-sc', secret }).request(
        'GET',
        '//v1/cases?b=2&a=1',
      );
      await fetch(`${base}//v1/cases?b=2&a=1`);
      expect(seen.map((req) => req.url)).toEqual(['//v1/cases?b=2&a=1', '//v1/cases?b=2&a=1']);
      const headers = seen[0]!.headers as Record<string, string>;
      const text = [
        'GET',
        '//v1/cases',
        'a=1&b=2',
        headers['x-gw-timestamp'],
        headers['x-gw-nonce'],
        sha256(''),
      ].join('\n');
      expect(headers['x-gw-signature']).toBe(hmac(secret, text));
    } finally {
      server.close();
    }
  });

  it('refuses a url that is not a path beginning with / before sending anything, as fetch after the base url would', async () => {
    await expect(client().request('GET', 'v1/catalogue/items/SW-005')).rejects.toThrow(
      'url must be a path beginning with /',
    );
  });
});
