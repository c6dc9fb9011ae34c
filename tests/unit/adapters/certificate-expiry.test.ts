// When an adapter's certificates lapse (adapters/kit/adapter-tls.ts keeps each file's first expiry,
// adapters/kit/certificate-expiry.ts reports it; adapters/README.md#certificate-expiry): a file of
// several certificates counts by the one that lapses first (Node's own public roots left out of a
// CA bundle), and the start's line is a warning from 30 days before notAfter and an error after
// it, read against the clock given. Files of a throwaway openssl-made PKI, settings resolved as
// the worker resolves them, a real metrics registry read as Prometheus text.
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterTls } from '../../../adapters/kit/adapter-tls.ts';
import { reportCertificateExpiry } from '../../../adapters/kit/certificate-expiry.ts';
import {
  createWorkerMetrics,
  TLS_CERTIFICATE_EXPIRY,
} from '../../../gateway/metrics/worker-metrics.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { seriesIn } from '../../support/metrics-text.ts';
import {
  createTestPki,
  issueCaCertificate,
  issueClientCertificate,
  type TestPki,
} from '../../support/test-pki.ts';
import { memoryLogger } from '../../support/test-gateway.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
const DAY_MS = 86_400_000;
/** pino's levels. */
const WARN = 40;
const ERROR = 50;

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

const notAfterOf = (file: string) => new Date(new X509Certificate(readFileSync(file)).validTo);

/** sc's TLS from an adapters file whose sc entry has these tls* keys. */
function scTls(entry: Record<string, unknown>): AdapterTls {
  const raw = { ...FILE, sc: { ...FILE.sc, baseUrl: 'https://tfwb.sc.gov.example', ...entry } };
  const tls = resolveAdapterSettings(raw, 'test', {}).sc.tls;
  if (!tls) throw new Error('sc has no TLS');
  return tls;
}

describe('adapter certificate expiry', () => {
  it('counts a CA bundle and a client certificate chain by the certificate that lapses first', () => {
    const longCa = issueCaCertificate(pki, 400, 'Long Province CA');
    const shortCa = issueCaCertificate(pki, 10, 'Short Province CA');
    const bundle = join(pki.dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(longCa, 'utf8') + readFileSync(shortCa, 'utf8'));
    const leaf = issueClientCertificate(pki, 365, 'swgw-year-client');
    // Leaf first, then a shorter-lived certificate as its chain's intermediate would be.
    const chain = join(pki.dir, 'chain.pem');
    writeFileSync(chain, readFileSync(leaf, 'utf8') + readFileSync(shortCa, 'utf8'));
    const tls = scTls({
      tlsCaFile: bundle,
      tlsCertFile: chain,
      tlsKeyFile: pki.clientKeyFile,
      tlsKeyPassphrase: pki.clientKeyPassphrase,
    });
    expect(tls.expiries).toEqual([
      { certificate: 'client', subject: 'Short Province CA', notAfter: notAfterOf(shortCa) },
      { certificate: 'ca', subject: 'Short Province CA', notAfter: notAfterOf(shortCa) },
    ]);
    // Nothing of the key in what a line would print.
    expect(JSON.stringify(tls.expiries)).not.toMatch(/PRIVATE KEY|BEGIN/);
  });

  it("leaves Node's own public roots out of a CA bundle's expiry; a bundle of nothing else has none", () => {
    const privateCa = issueCaCertificate(pki, 10, 'Private Province CA');
    // Some of Node's roots lapse long before others: the earliest of them is not the private CA's.
    const earliestPublic = Math.min(
      ...rootCertificates.map((pem) => new X509Certificate(pem).validToDate.getTime()),
    );
    expect(earliestPublic).not.toBe(notAfterOf(privateCa).getTime());
    const withRoots = join(pki.dir, 'with-public-roots.pem');
    writeFileSync(withRoots, [readFileSync(privateCa, 'utf8'), ...rootCertificates].join('\n'));
    expect(scTls({ tlsCaFile: withRoots }).expiries).toEqual([
      { certificate: 'ca', subject: 'Private Province CA', notAfter: notAfterOf(privateCa) },
    ]);
    const rootsOnly = join(pki.dir, 'public-roots.pem');
    writeFileSync(rootsOnly, rootCertificates.join('\n'));
    expect(scTls({ tlsCaFile: rootsOnly }).expiries).toEqual([]);
  });

  it('sets the series and logs nothing until 30 days before notAfter, then a warning through notAfter, then an error', async () => {
    const cert = issueClientCertificate(pki, 40, 'swgw-forty-days');
    const tls = scTls({
      tlsCertFile: cert,
      tlsKeyFile: pki.clientKeyFile,
      tlsKeyPassphrase: pki.clientKeyPassphrase,
    });
    const notAfter = notAfterOf(cert);
    const at = (offsetMs: number) => {
      const metrics = createWorkerMetrics();
      const { logger, lines } = memoryLogger();
      reportCertificateExpiry('sc', tls.expiries, {
        metrics,
        log: logger,
        now: new Date(notAfter.getTime() + offsetMs),
      });
      return { metrics, lines: lines() };
    };

    const quiet = at(-30 * DAY_MS - 1000);
    expect(quiet.lines).toEqual([]);
    expect(
      seriesIn(
        await quiet.metrics.registry.metrics(),
        TLS_CERTIFICATE_EXPIRY,
        '{adapter="sc",certificate="client"}',
      ),
    ).toBe(notAfter.getTime() / 1000);

    expect(at(-30 * DAY_MS).lines).toMatchObject([
      {
        level: WARN,
        msg: 'adapter TLS certificate expires within 30 days',
        adapter: 'sc',
        certificate: 'client',
        setting: 'tlsCertFile',
        subject: 'swgw-forty-days',
        notAfter: notAfter.toISOString(),
        daysLeft: 30,
      },
    ]);
    // Valid through its notAfter second, lapsed after it.
    expect(at(0).lines).toMatchObject([{ level: WARN, daysLeft: 0 }]);
    expect(at(1000).lines).toMatchObject([
      {
        level: ERROR,
        msg: 'adapter TLS certificate has expired: calls to the province fail',
        adapter: 'sc',
        certificate: 'client',
        subject: 'swgw-forty-days',
        notAfter: notAfter.toISOString(),
      },
    ]);
  });
});
