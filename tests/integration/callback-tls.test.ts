// Portal callbacks over real TLS, as production sends them (gateway/README.md#callbacks, TLS): the
// real worker process (adapters/worker.ts, in a child process on the test Redis) posts through its
// production agents — certificate verification on, the host name sent as SNI, kept-alive
// connections — to portals on https that serve certificates of a throwaway private CA
// (tests/support/test-pki.ts). The worker trusts that CA the way an operator makes it trust one,
// NODE_EXTRA_CA_CERTS in its environment, read by Node at start. A portal checks each callback's
// signature with the reference portal's verifier (portal/server/callback-verifier.ts). A portal
// whose certificate the worker cannot trust — another CA, another name, expired — gets nothing:
// each attempt fails with a reason saying TLS and what is wrong, is retried as any transient
// failure, counted on the worker's /metrics, and the worker carries on.
// Test mode (GW_ENV=test), since production refuses loopback: the agents are the production ones
// but for that judgement (callback-addresses.test.ts judges https hosts in production mode).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACKS } from '../../gateway/metrics/worker-metrics.ts';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { CallbackVerifier } from '../../portal/server/callback-verifier.ts';
import { portalKeys } from '../../portal/server/portal-keys.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { startNodeChild, type NodeChild } from '../support/node-child.ts';
import { testPortalConfig } from '../support/portal-config.ts';
import { plainRedis, testDataKeys, testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';
import { createTestPki, type TestPki } from '../support/test-pki.ts';

/** An https portal: the TLS connections it accepted and the callbacks it received on them. */
interface HttpsPortal {
  port: number;
  /** Per TLS connection, the name the client sent as SNI (false or null: none). */
  connections: (string | false | null)[];
  /** Per callback: which connection (index into connections) and the verifier's verdict. */
  callbacks: { url: string; connection: number; problem: string | undefined }[];
  close: () => Promise<void>;
}

const redis = plainRedis();
const portalConfig = testPortalConfig({
  PORTAL_GATEWAY_URL: 'http://127.0.0.1:9',
  PORTAL_LOGIN_KEY: generateDataKeys('login'),
});
const verifier = new CallbackVerifier({
  secret: devSecret('portal-sc'),
  redis,
  keys: portalKeys(uniquePrefix('cb-tls-portal'), portalConfig.loginKey),
});

async function httpsPortal(
  certFile: string,
  keyFile: string,
  host = '127.0.0.1',
): Promise<HttpsPortal> {
  const sockets = new Map<TLSSocket, number>();
  const portal: Omit<HttpsPortal, 'port' | 'close'> = { connections: [], callbacks: [] };
  const server: Server = createServer(
    { cert: readFileSync(certFile), key: readFileSync(keyFile) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void verifier
          .problem({
            method: req.method ?? '',
            url: req.url ?? '',
            header: (name) => {
              const value = req.headers[name];
              return Array.isArray(value) ? value[0] : value;
            },
            rawBody: Buffer.concat(chunks),
          })
          .then((problem) => {
            portal.callbacks.push({
              url: req.url ?? '',
              connection: sockets.get(req.socket as TLSSocket) ?? -1,
              problem,
            });
            res.writeHead(problem === undefined ? 204 : 401).end();
          });
      });
    },
  );
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.set(socket, portal.connections.length);
    portal.connections.push(socket.servername);
  });
  // A handshake the worker refused: the worker's side says why.
  server.on('tlsClientError', () => undefined);
  server.listen(0, host);
  await once(server, 'listening');
  return {
    ...portal,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

let pki: TestPki;
/** Another CA, which the worker was not told to trust. */
let strangerPki: TestPki;
let gw: ApiGateway;
let worker: NodeChild;
let metricsUrl: string;
let trusted: HttpsPortal;
let stranger: HttpsPortal;
let expired: HttpsPortal;
/** The trusted certificate (127.0.0.1, localhost), served at an address it does not name. */
let misnamed: HttpsPortal;

beforeAll(async () => {
  pki = createTestPki();
  strangerPki = createTestPki();
  trusted = await httpsPortal(pki.serverCertFile, pki.serverKeyFile);
  stranger = await httpsPortal(strangerPki.serverCertFile, strangerPki.serverKeyFile);
  expired = await httpsPortal(pki.expiredServerCertFile, pki.serverKeyFile);
  misnamed = await httpsPortal(pki.serverCertFile, pki.serverKeyFile, '127.0.0.2');
  gw = await startApiGateway();
  const metricsPort = await freePort();
  worker = startNodeChild(projectPath('adapters/worker.ts'), {
    REDIS_URL: testRedisUrl(),
    GW_KEY_PREFIX: gw.config.keyPrefix,
    GW_DATA_KEYS: testDataKeys(),
    GW_WORKER_METRICS_PORT: String(metricsPort),
    GW_WORKER_METRICS_HOST: '127.0.0.1',
    NODE_EXTRA_CA_CERTS: pki.caFile,
    LOG_FLUSH_MS: '0',
  });
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitFor(
    async () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      return (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200;
    },
    { timeoutMs: 30_000, what: 'worker process ready' },
  );
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await gw?.close();
  for (const portal of [trusted, stranger, expired, misnamed]) await portal?.close();
  pki?.remove();
  strangerPki?.remove();
  redis.disconnect();
});

let seq = 0;
/**
 * Queues an event callback for portal-sc to `url` (two attempts 10 ms apart: a failure is retried
 * once, quickly) and waits until it is delivered or has failed for good.
 */
async function callback(url: string) {
  const caseId = `case-tls-${++seq}`;
  const jobId = `cb-tls-${seq}`;
  await gw.services.callbacks.queue.add(
    'event',
    { caseId, clientId: 'portal-sc', url, at: new Date().toISOString(), body: { type: 'test' } },
    { jobId, attempts: 2, backoff: { type: 'fixed', delay: 10 } },
  );
  const state = await waitFor(
    async () => {
      const s = await gw.services.callbacks.queue.getJobState(jobId);
      return s === 'completed' || s === 'failed' ? s : undefined;
    },
    { timeoutMs: 15_000, what: `callback ${caseId} delivered or failed for good` },
  );
  const job = await gw.services.callbacks.queue.getJob(jobId);
  const attemptsMade = job?.attemptsMade ?? 0;
  // The worker logs an attempt's failure once BullMQ has recorded it, so the last one's line may
  // come after the state is read: wait for one per failed attempt (a line still being written
  // does not parse: read again).
  const failed = await waitFor(
    () => {
      const lines = worker
        .lines()
        .filter((l) => l.msg === 'callback failed' && l.caseId === caseId)
        .map((l) => ({ attempt: l.attempt, reason: l.reason }));
      return lines.length >= (state === 'failed' ? attemptsMade : attemptsMade - 1) && lines;
    },
    { what: `the worker's callback failed lines for ${caseId}` },
  );
  return { state, attemptsMade, failedReason: job?.failedReason, failed };
}

const counted = async () => ({
  delivered: await seriesValue(metricsUrl, CALLBACKS, '{outcome="delivered"}'),
  retry: await seriesValue(metricsUrl, CALLBACKS, '{outcome="retry"}'),
  failed: await seriesValue(metricsUrl, CALLBACKS, '{outcome="failed"}'),
});

describe('callbacks to a portal on https whose CA the worker trusts (NODE_EXTRA_CA_CERTS)', () => {
  it('delivers two callbacks over one TLS connection that sent the host name as SNI, each verified by the portal', async () => {
    const before = await counted();
    const url = `https://localhost:${trusted.port}/hooks/swgw?portal=sc`;
    expect(await callback(url)).toMatchObject({ state: 'completed', failed: [] });
    expect(await callback(url)).toMatchObject({ state: 'completed', failed: [] });
    expect(trusted.connections).toEqual(['localhost']);
    expect(trusted.callbacks).toEqual([
      { url: '/hooks/swgw?portal=sc', connection: 0, problem: undefined },
      { url: '/hooks/swgw?portal=sc', connection: 0, problem: undefined },
    ]);
    expect(await counted()).toEqual({ ...before, delivered: before.delivered! + 2 });
  });
});

describe('callbacks to a portal on https whose certificate the worker cannot trust', () => {
  it.each([
    {
      what: 'signed by a CA the worker does not trust',
      portal: () => stranger,
      host: 'localhost',
      reason:
        'portal TLS failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE): its certificate is not signed by a CA the gateway trusts (NODE_EXTRA_CA_CERTS)',
    },
    {
      what: 'expired',
      portal: () => expired,
      host: 'localhost',
      reason: 'portal TLS failed (CERT_HAS_EXPIRED): its certificate has expired',
    },
    {
      what: 'naming another host',
      portal: () => misnamed,
      host: '127.0.0.2',
      reason:
        'portal TLS failed (ERR_TLS_CERT_ALTNAME_INVALID): its certificate does not name the host called',
    },
  ])(
    'a certificate $what: no callback reaches it, each attempt fails with a TLS reason, is retried, counted, and the worker carries on',
    async ({ portal, host, reason }) => {
      const before = await counted();
      const result = await callback(`https://${host}:${portal().port}/hooks/swgw?portal=sc`);
      expect(result).toEqual({
        state: 'failed',
        attemptsMade: 2,
        failedReason: reason,
        failed: [
          { attempt: 1, reason },
          { attempt: 2, reason },
        ],
      });
      expect(portal().callbacks).toEqual([]);
      expect(await counted()).toEqual({
        ...before,
        retry: before.retry! + 1,
        failed: before.failed! + 1,
      });
      // Still running, and still delivering.
      expect(worker.child.exitCode).toBeNull();
      expect(await callback(`https://localhost:${trusted.port}/hooks/alive`)).toMatchObject({
        state: 'completed',
      });
    },
  );
});
