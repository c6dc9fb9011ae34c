// While a portal's secret rotates (README.md#rotating-a-clients-secret) the gateway accepts its
// requests signed with either secret, and signs its callbacks with the previous (old) one, which
// the portal knows in every step of the rotation: a case submitted with the new secret is called
// back signed with the old one. (Once the rotation ends, no previous secret, the callbacks are signed
// with the only secret, as every other callback test checks.)
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
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { waitFor } from '../support/redis.ts';

interface Received {
  caseId: string;
  method: string;
  withNew: boolean;
  withOld: boolean;
}

const NEW_SECRET = 'rotating-portal-new-secret-'.padEnd(40, 'n');
const OLD_SECRET = 'rotating-portal-old-secret-'.padEnd(40, 'o');
let dir: string;
let gw: ApiGateway;
let callbacks: TestCallbackWorker;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

/** Whether `secret` verifies the callback, by the method it names. */
function verifies(headers: IncomingHttpHeaders, path: string, raw: string, secret: string) {
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
  return sign(method, secret, text) === h('x-gw-signature');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swgw-rotating-callbacks-'));
  const clientsFile = join(dir, 'clients.json');
  const clients = JSON.parse(
    readFileSync(projectPath('config/clients.dev.json'), 'utf8'),
  ) as object[];
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
      const path = req.url ?? '';
      const body = JSON.parse(raw) as { caseId: string };
      received.push({
        caseId: body.caseId,
        method: String(req.headers['x-gw-signature-method']),
        withNew: verifies(req.headers, path, raw, NEW_SECRET),
        withOld: verifies(req.headers, path, raw, OLD_SECRET),
      });
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

describe('callbacks to a portal whose secret is rotating', () => {
  it('signs the callback of a case submitted with the current secret with the previous secret only', async () => {
    const newSigner = new GatewayClient(gw.url, {
      clientId: 'portal-rotating',
      secret: NEW_SECRET,
    });
    const submitted = await newSigner.submitCase<{ caseId: string }>(
      { ...validExample('SW-005'), callbackUrl: receiverUrl },
      `rotating-${Date.now()}`,
    );
    expect(submitted.status).toBe(202);
    const of = () => received.find((r) => r.caseId === submitted.body.caseId);
    await waitFor(() => !!of(), { timeoutMs: 15_000, what: 'the ROUTED callback' });
    expect(of()).toEqual({
      caseId: submitted.body.caseId,
      method: 'HMAC-SHA256',
      withNew: false,
      withOld: true,
    });
  });
});
