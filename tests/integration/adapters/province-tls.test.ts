// Adapters over real TLS (adapters/README.md#tls). Every adapter of the registry, its sandbox behind
// a TLS front door that serves a certificate of a private CA and asks for a client certificate,
// made from settings resolved as the worker resolves them (the tls* files read by
// adapter-config.ts): it delivers and answers a status query through the door, and the door saw the
// gateway's client certificate. Then, for one adapter, what an operator reads when TLS fails: a
// transient failure whose reason says TLS and what is wrong, for the delivery and the status query.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  resolveAdapterSettings,
  type AdapterSettingsTable,
} from '../../../adapters/kit/adapter-config.ts';
import { TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import { ADAPTERS, ADAPTER_IDS, type AdapterId } from '../../../adapters/kit/registry.ts';
import type { Sandbox } from '../../../adapters/kit/sandbox-kit.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { sampleDelivery, testContext, waitFor } from '../../support/province-test-kit.ts';
import {
  CLIENT_CN,
  createTestPki,
  issueCaCertificate,
  issueClientCertificate,
  type TestPki,
} from '../../support/test-pki.ts';
import { startOpensslDoor } from '../../support/openssl-door.ts';
import { startTlsFrontDoor, type TlsFrontDoor } from '../../support/tls-front-door.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

let pki: TestPki;
const sandboxes = new Map<AdapterId, Sandbox>();
const ports = new Map<AdapterId, number>();
const doors = new Map<AdapterId, TlsFrontDoor>();
/** Every adapter at its mutual-TLS door with the CA and the client certificate. */
let table: AdapterSettingsTable;

/** config/adapters.json with these adapters' entries changed; resolved as in test mode. */
function settingsWith(entries: Partial<Record<AdapterId, Record<string, unknown>>>) {
  const raw: Record<string, unknown> = { ...FILE };
  for (const [id, entry] of Object.entries(entries)) raw[id] = { ...FILE[id], ...entry };
  return resolveAdapterSettings(raw, 'test', {});
}

function mutualTls(): Record<string, unknown> {
  return {
    tlsCaFile: pki.caFile,
    tlsCertFile: pki.clientCertFile,
    tlsKeyFile: pki.clientKeyFile,
    tlsKeyPassphrase: pki.clientKeyPassphrase,
  };
}

beforeAll(async () => {
  pki = createTestPki();
  const dev = resolveAdapterSettings(FILE, 'test', {});
  for (const descriptor of ADAPTERS) {
    const { id } = descriptor;
    const province = descriptor.sandbox({ settings: dev[id], progression: { enabled: false } });
    const { port } = await province.start(0);
    sandboxes.set(id, province);
    ports.set(id, port);
    doors.set(id, await startTlsFrontDoor({ pki, target: port, requireClientCert: true }));
  }
  table = settingsWith(
    Object.fromEntries(
      ADAPTER_IDS.map((id) => [id, { baseUrl: doors.get(id)!.url, ...mutualTls() }]),
    ),
  );
});
afterAll(async () => {
  await Promise.all([...doors.values()].map((door) => door.close()));
  await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.stop()));
  pki?.remove();
});

describe('every adapter over mutual TLS with a private CA', () => {
  for (const descriptor of ADAPTERS) {
    it(`${descriptor.id}: delivers and queries status through the door, which saw our client certificate`, async () => {
      const adapter = descriptor.create(table[descriptor.id]);
      const { context, lines } = testContext();
      const delivery = sampleDelivery({ targetRegion: descriptor.contractRegion });
      const result = await adapter.deliver(delivery, context);
      const sandbox = sandboxes.get(descriptor.id)!;
      expect(sandbox.received().map((c) => c.caseId)).toContain(delivery.caseId);
      const status = await adapter.queryStatus(
        { caseId: delivery.caseId, provinceCaseNo: result.provinceCaseNo },
        context,
      );
      expect(status).toMatchObject({ found: true, provinceCaseNo: result.provinceCaseNo });
      expect(doors.get(descriptor.id)!.clientSubjects).toContain(CLIENT_CN);
      // Neither the passphrase nor key material reaches a log line.
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain(pki.clientKeyPassphrase);
      expect(logged).not.toContain('PRIVATE KEY');
    });
  }
});

describe('a TLS failure, for 成都', () => {
  const id = 'sc-chengdu';

  async function failure(
    entry: Record<string, unknown>,
  ): Promise<{ deliver: unknown; query: unknown }> {
    const adapter = ADAPTERS.find((a) => a.id === id)!.create(settingsWith({ [id]: entry })[id]);
    const { context } = testContext();
    const delivery = sampleDelivery({ targetRegion: '510104' });
    return {
      deliver: await adapter.deliver(delivery, context).catch((e: unknown) => e),
      query: await adapter
        .queryStatus({ caseId: delivery.caseId }, context)
        .catch((e: unknown) => e),
    };
  }

  /** Both calls failed, transient, with this reason. */
  function expectTlsFailure(outcome: { deliver: unknown; query: unknown }, reason: RegExp): void {
    for (const error of [outcome.deliver, outcome.query]) {
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect((error as Error).message).toMatch(reason);
    }
  }

  it('without tlsCaFile, the private CA is unknown: "province TLS failed (…)", not trusted', async () => {
    const { tlsCaFile: _, ...withoutCa } = mutualTls();
    expectTlsFailure(
      await failure({ baseUrl: doors.get(id)!.url, ...withoutCa }),
      // OpenSSL names it by what it found of the chain: either code means untrusted.
      /^province TLS failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\): its certificate is not signed by a CA this adapter trusts \(tlsCaFile\)$/,
    );
  });

  it('without a client certificate, the door that requires one refuses: the reason says so', async () => {
    expectTlsFailure(
      await failure({ baseUrl: doors.get(id)!.url, tlsCaFile: pki.caFile }),
      /^province TLS failed \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\): the province requires a client certificate/,
    );
  });

  it('with tlsServername the certificate is checked against that name: localhost passes, another fails', async () => {
    const adapter = ADAPTERS.find((a) => a.id === id)!.create(
      settingsWith({
        [id]: { baseUrl: doors.get(id)!.url, ...mutualTls(), tlsServername: 'localhost' },
      })[id],
    );
    await expect(
      adapter.deliver(sampleDelivery({ targetRegion: '510104' }), testContext().context),
    ).resolves.toMatchObject({ state: 'received' });
    expectTlsFailure(
      await failure({
        baseUrl: doors.get(id)!.url,
        ...mutualTls(),
        tlsServername: 'platform.other.example',
      }),
      /^province TLS failed \(ERR_TLS_CERT_ALTNAME_INVALID\): its certificate does not name the host called/,
    );
  });

  it('an expired certificate of the province: the reason says it has expired', async () => {
    const notAfter = Date.parse(
      new X509Certificate(readFileSync(pki.expiredServerCertFile)).validTo,
    );
    // Valid until the second it was made: wait for that second to pass.
    await waitFor(() => Date.now() > notAfter + 1000, 5000, 'the certificate to expire');
    const expiredDoor = await startTlsFrontDoor({
      pki,
      target: ports.get(id)!,
      certFile: pki.expiredServerCertFile,
    });
    try {
      expectTlsFailure(
        await failure({ baseUrl: expiredDoor.url, tlsCaFile: pki.caFile }),
        /^province TLS failed \(CERT_HAS_EXPIRED\): its certificate has expired$/,
      );
    } finally {
      await expiredDoor.close();
    }
  });

  // A platform still on TLS 1.2 asks for a client certificate differently: without one it ends the
  // handshake with a bare handshake_failure alert (TLS 1.3 has certificate_required), and OpenSSL
  // 3.2+ (Node 24) names the certificate alerts "SSL/TLS_ALERT_…", no longer "SSLV3_ALERT_…".
  describe('at a door on TLS 1.2', () => {
    let door12: TlsFrontDoor;
    beforeAll(async () => {
      door12 = await startTlsFrontDoor({
        pki,
        target: ports.get(id)!,
        requireClientCert: true,
        maxVersion: 'TLSv1.2',
      });
    });
    afterAll(async () => {
      await door12?.close();
    });

    it('without a client certificate: the reason says the province may require one, or shares no cipher', async () => {
      expectTlsFailure(
        await failure({ baseUrl: door12.url, tlsCaFile: pki.caFile }),
        /^province TLS failed \(EPROTO, alert 40\): the province ended the handshake: a platform on TLS 1\.2 does so when it requires a client certificate \(tlsCertFile, tlsKeyFile\) and none was sent, or when it shares no cipher suite with us$/,
      );
    });

    it("with a client certificate the province's CA did not sign: the reason says it does not trust its CA", async () => {
      // Node's own TLS server cuts such a connection without an alert; OpenSSL's sends it.
      const door = await startOpensslDoor(pki);
      try {
        // A self-signed certificate and its key (no passphrase), beside it in the PKI's folder.
        const stranger = issueCaCertificate(pki, 2, 'Some Other CA');
        expectTlsFailure(
          await failure({
            baseUrl: door.url,
            tlsCaFile: pki.caFile,
            tlsCertFile: stranger,
            tlsKeyFile: stranger.replace(/\.pem$/, '.key'),
          }),
          /^province TLS failed \(EPROTO, alert 48\): the province does not trust the CA of our client certificate$/,
        );
      } finally {
        await door.close();
      }
    });

    it('with an expired client certificate: the reason says the province found ours expired', async () => {
      const door = await startOpensslDoor(pki);
      try {
        const expiredClient = issueClientCertificate(pki, 0, 'swgw-expired-client');
        const notAfter = Date.parse(new X509Certificate(readFileSync(expiredClient)).validTo);
        await waitFor(() => Date.now() > notAfter + 1000, 5000, 'the certificate to expire');
        expectTlsFailure(
          await failure({ baseUrl: door.url, ...mutualTls(), tlsCertFile: expiredClient }),
          /^province TLS failed \(EPROTO, alert 45\): the province says our client certificate has expired$/,
        );
      } finally {
        await door.close();
      }
    });
  });
});
