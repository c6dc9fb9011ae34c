// A delivery over real TLS through the production path (adapters/README.md#tls): a real gateway
// takes the case, a real worker (BullMQ on the test Redis) delivers it with settings resolved from
// an adapters file's tls* keys, to 成都's sandbox behind a TLS front door that serves a certificate
// of a throwaway private CA, and for mutual TLS asks for a client certificate. Trusted and
// presented, the case is DELIVERED (the door saw our certificate's subject); without the CA, or
// without the client certificate, it is a dead letter whose reason says TLS and what failed — the
// worker carries on.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAdapterSettings } from '../../adapters/kit/adapter-config.ts';
import type { Sandbox } from '../../adapters/kit/sandbox-kit.ts';
import { createSandbox } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import type { CaseRecord } from '../../gateway/cases/case-record.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';
import { CLIENT_CN, createTestPki, type TestPki } from '../support/test-pki.ts';
import { startTlsFrontDoor, type TlsFrontDoor } from '../support/tls-front-door.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

let pki: TestPki;
let gw: ApiGateway;
let sandbox: Sandbox;
/** Server certificate of the private CA only. */
let door: TlsFrontDoor;
/** The same, and a client certificate of the CA required. */
let mutualDoor: TlsFrontDoor;

beforeAll(async () => {
  pki = createTestPki();
  gw = await startApiGateway({ GW_BREAKER_THRESHOLD: '1000' });
  const dev = resolveAdapterSettings(FILE, 'test', {});
  sandbox = createSandbox('sc-chengdu', {
    settings: dev['sc-chengdu'],
    progression: { enabled: false },
  });
  const { port } = await sandbox.start(0);
  door = await startTlsFrontDoor({ pki, target: port });
  mutualDoor = await startTlsFrontDoor({ pki, target: port, requireClientCert: true });
});
afterAll(async () => {
  await door?.close();
  await mutualDoor?.close();
  await sandbox?.stop();
  await gw?.close();
  pki?.remove();
});

/**
 * Runs a worker for 成都 whose adapters file entry has these keys (one attempt: a failure is a
 * dead letter at once), submits one case, and returns it once delivered or failed.
 */
async function deliverWith(entry: Record<string, unknown>): Promise<CaseRecord> {
  const settings = resolveAdapterSettings(
    {
      ...FILE,
      'sc-chengdu': { ...FILE['sc-chengdu'], attempts: 1, backoffMs: 20, ...entry },
    },
    'test',
    {},
  );
  const workers: RunningWorkers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['sc-chengdu'],
    adapterSettings: settings,
  });
  try {
    const res = await gw.client('portal-yn').submitCase<{
      caseId: string;
      route: { adapter?: string };
    }>(validExample('SW-001'), `tls-${Date.now()}-${Math.random()}`);
    expect(res.status).toBe(202);
    expect(res.body.route.adapter).toBe('sc-chengdu');
    return (await waitFor(
      async () => {
        const record = await gw.services.store.get(res.body.caseId);
        return record && ['DELIVERED', 'DELIVERY_FAILED'].includes(record.status)
          ? record
          : undefined;
      },
      { timeoutMs: 15_000, what: `case ${res.body.caseId} delivered or failed` },
    )) as CaseRecord;
  } finally {
    await workers.stop();
  }
}

const reasonOf = (record: CaseRecord) => gw.services.store.failureReason(record)?.reason;

describe('a delivery over TLS to a province with a private CA', () => {
  it('with the CA in tlsCaFile, is delivered', async () => {
    const record = await deliverWith({ baseUrl: door.url, tlsCaFile: pki.caFile });
    expect(record.status).toBe('DELIVERED');
    expect(sandbox.received().map((c) => c.caseId)).toContain(record.id);
  });

  it('without tlsCaFile, fails with a TLS reason: its certificate is not signed by a CA we trust', async () => {
    const record = await deliverWith({ baseUrl: door.url });
    expect(record.status).toBe('DELIVERY_FAILED');
    expect(reasonOf(record)).toMatch(
      /^gave up after 1 attempts: province TLS failed \([A-Z_]+\): its certificate is not signed by a CA this adapter trusts \(tlsCaFile\)$/,
    );
    expect(sandbox.received().map((c) => c.caseId)).not.toContain(record.id);
  });

  it('requiring a client certificate, with tlsCertFile and tlsKeyFile, is delivered and the province saw our subject', async () => {
    const seen = mutualDoor.clientSubjects.length;
    const record = await deliverWith({
      baseUrl: mutualDoor.url,
      tlsCaFile: pki.caFile,
      tlsCertFile: pki.clientCertFile,
      tlsKeyFile: pki.clientKeyFile,
      tlsKeyPassphrase: pki.clientKeyPassphrase,
    });
    expect(record.status).toBe('DELIVERED');
    expect(mutualDoor.clientSubjects.slice(seen)).toContain(CLIENT_CN);
  });

  it('requiring a client certificate, without one, fails with a TLS reason saying so', async () => {
    const record = await deliverWith({ baseUrl: mutualDoor.url, tlsCaFile: pki.caFile });
    expect(record.status).toBe('DELIVERY_FAILED');
    expect(reasonOf(record)).toBe(
      'gave up after 1 attempts: province TLS failed (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): the province requires a client certificate (tlsCertFile, tlsKeyFile)',
    );
  });
});
