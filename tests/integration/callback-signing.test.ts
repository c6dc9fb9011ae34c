// How the gateway signs a portal's callbacks. The method: to a portal registered for HMAC-SM3 alone
// (GB/T 39786: the national algorithms only) with HMAC-SM3, the one method it accepts; portals
// allowed HMAC-SHA256 keep getting it. The secret: while a portal's secret rotates
// (README.md#rotating-a-clients-secret) the gateway accepts its requests signed with either, and
// signs its callbacks with the previous (old) one, which the portal knows in every step of the
// rotation; once the rotation ends (no previous secret) with its only secret, as for portal-sc here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../support/api-gateway.ts';
import { callbackSignedWith } from '../support/callback-signature.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { waitFor } from '../support/redis.ts';

interface Received {
  caseId: string;
  status: string;
  method: string;
  /** Signed with the secret of the portal it went to (the rotating portal's new one). */
  verified: boolean;
  /** Signed with the rotating portal's old secret. */
  withOld: boolean;
}

const SM3_SECRET = 'sm3-only-portal-secret-'.padEnd(40, 'x');
const NEW_SECRET = 'rotating-portal-new-secret-'.padEnd(40, 'n');
const OLD_SECRET = 'rotating-portal-old-secret-'.padEnd(40, 'o');
const SECRETS: Record<string, string> = {
  sm3: SM3_SECRET,
  rotating: NEW_SECRET,
  sc: devSecret('portal-sc'),
};
let dir: string;
let gw: ApiGateway;
let callbacks: TestCallbackWorker;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

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
  clients.push({
    id: 'portal-rotating',
    kind: 'portal',
    province: '51',
    secret: NEW_SECRET,
    previousSecret: OLD_SECRET,
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
      const url = req.url ?? '';
      const { method, ok } = callbackSignedWith(req.headers, url, raw, SECRETS[portal] ?? '');
      const withOld = callbackSignedWith(req.headers, url, raw, OLD_SECRET).ok;
      const body = JSON.parse(raw) as { caseId: string; status: string };
      received.push({ caseId: body.caseId, status: body.status, method, verified: ok, withOld });
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

describe('the secret a callback is signed with', () => {
  it("signs the callback of a case submitted with a rotating portal's new secret with its previous secret only", async () => {
    const newSigner = new GatewayClient(gw.url, {
      clientId: 'portal-rotating',
      secret: NEW_SECRET,
    });
    const submitted = await newSigner.submitCase<{ caseId: string }>(
      { ...validExample('SW-005'), callbackUrl: `${receiverUrl}?portal=rotating` },
      `rotating-${Date.now()}`,
    );
    expect(submitted.status).toBe(202);
    const of = () => received.find((r) => r.caseId === submitted.body.caseId);
    await waitFor(() => !!of(), { timeoutMs: 15_000, what: 'the ROUTED callback' });
    expect(of()).toMatchObject({ method: 'HMAC-SHA256', verified: false, withOld: true });
  });
});
