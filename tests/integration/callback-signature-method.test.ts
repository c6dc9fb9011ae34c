// Callbacks to a portal registered for HMAC-SM3 alone (GB/T 39786: the national algorithms only)
// are signed with HMAC-SM3, the one method it accepts; portals allowed HMAC-SHA256 keep getting it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import {
  bodyDigest,
  sign,
  stringToSign,
  type SignatureMethod,
} from '../../gateway/client/signing.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../support/api-gateway.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { waitFor } from '../support/redis.ts';

interface Received {
  caseId: string;
  status: string;
  method: string;
  verified: boolean;
}

const SM3_SECRET = 'sm3-only-portal-secret-'.padEnd(40, 'x');
let dir: string;
let gw: ApiGateway;
let callbacks: TestCallbackWorker;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

/** Verifies a callback with the method it names, under the secret of the portal it went to. */
function verified(headers: IncomingHttpHeaders, path: string, raw: string, secret: string) {
  const h = (name: string) => String(headers[name] ?? '');
  const method = h('x-gw-signature-method') as SignatureMethod;
  const [pathname = '', query = ''] = path.split('?');
  const text = stringToSign({
    method: 'POST',
    path: pathname,
    rawQuery: query,
    timestamp: h('x-gw-timestamp'),
    nonce: h('x-gw-nonce'),
    bodyDigestHex: bodyDigest(method, raw),
  });
  return { method, ok: sign(method, secret, text) === h('x-gw-signature') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swgw-sm3-callbacks-'));
  const clientsFile = join(dir, 'clients.json');
  const clients = JSON.parse(
    readFileSync(projectPath('config/clients.dev.json'), 'utf8'),
  ) as object[];
  clients.push({
    id: 'portal-sm3',
    kind: 'portal',
    province: '51',
    secret: SM3_SECRET,
    signatureMethods: ['HMAC-SM3'],
  });
  writeFileSync(clientsFile, JSON.stringify(clients));
  const shared = await startApiGateway({}, { relay: false });
  gw = await startApiGateway(
    {},
    { data: { ...shared.data, clients: loadClientRegistry({ env: 'test', clientsFile }) } },
  );
  await shared.close();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const portal = new URL(req.url ?? '/', 'http://x').searchParams.get('portal') ?? '';
      const secret = portal === 'sm3' ? SM3_SECRET : devSecret('portal-sc');
      const { method, ok } = verified(req.headers, req.url ?? '', raw, secret);
      const body = JSON.parse(raw) as { caseId: string; status: string };
      received.push({ caseId: body.caseId, status: body.status, method, verified: ok });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  callbacks = startGatewayCallbackWorker(gw);
}, 60_000);
afterAll(async () => {
  await callbacks?.close();
  receiver?.close();
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the method a callback is signed with', () => {
  it('signs with HMAC-SM3 for a portal registered for HMAC-SM3 alone, and with HMAC-SHA256 for a portal allowed both', async () => {
    const sm3Portal = new GatewayClient(gw.url, {
      clientId: 'portal-sm3',
      secret: SM3_SECRET,
      signatureMethod: 'HMAC-SM3',
    });
    const sm3Case = await sm3Portal.submitCase<{ caseId: string }>(
      { ...validExample('SW-005'), callbackUrl: `${receiverUrl}?portal=sm3` },
      `sm3-${Date.now()}`,
    );
    expect(sm3Case.status).toBe(202);
    const shaCase = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(
        { ...validExample('SW-005'), callbackUrl: `${receiverUrl}?portal=sc` },
        `sha-${Date.now()}`,
      );
    expect(shaCase.status).toBe(202);
    const of = (caseId: string) => received.find((r) => r.caseId === caseId);
    await waitFor(() => !!of(sm3Case.body.caseId) && !!of(shaCase.body.caseId), {
      timeoutMs: 15_000,
      what: 'the ROUTED callback of both cases',
    });
    expect(of(sm3Case.body.caseId)).toMatchObject({ method: 'HMAC-SM3', verified: true });
    expect(of(shaCase.body.caseId)).toMatchObject({ method: 'HMAC-SHA256', verified: true });
  });
});
