// A worker warns before an adapter's TLS certificates lapse (adapters/README.md#certificate-expiry):
// its /metrics serves gw_adapter_tls_certificate_expiry_timestamp_seconds{adapter, certificate},
// the notAfter of the client certificate (tlsCertFile) and of the CA (tlsCaFile) each adapter was
// started with, and its start logs a warning for one expiring within 30 days, an error for one
// already expired. Real gateway and worker process parts (startWorkers, BullMQ on the test Redis),
// the metrics read over HTTP from its operations listener; certificates of a throwaway openssl PKI.
// The adapters are never called: what is checked is read at start.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAdapterSettings } from '../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { TLS_CERTIFICATE_EXPIRY } from '../../gateway/metrics/worker-metrics.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { seriesIn } from '../support/metrics-text.ts';
import {
  createTestPki,
  issueCaCertificate,
  issueClientCertificate,
  type TestPki,
} from '../support/test-pki.ts';
import { memoryLogger } from '../support/test-gateway.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
/** pino's levels. */
const WARN = 40;
const ERROR = 50;

let pki: TestPki;
let gw: ApiGateway;
let workers: RunningWorkers;
let lines: () => Record<string, unknown>[];
let metricsText: string;
/** The certificates the adapters were started with. */
const files: Record<string, string> = {};

const notAfterSeconds = (file: string) =>
  Date.parse(new X509Certificate(readFileSync(file)).validTo) / 1000;
const series = (adapter: string, certificate: string) =>
  seriesIn(
    metricsText,
    TLS_CERTIFICATE_EXPIRY,
    `{adapter="${adapter}",certificate="${certificate}"}`,
  );
const linesOf = (adapter: string) =>
  lines().filter((line) => line.adapter === adapter && line.certificate !== undefined);

beforeAll(async () => {
  pki = createTestPki();
  files.yearCa = issueCaCertificate(pki, 365, 'Year Province CA');
  files.yearClient = issueClientCertificate(pki, 365, 'swgw-year-client');
  files.tenDayClient = issueClientCertificate(pki, 10, 'swgw-ten-day-client');
  files.tenDayCa = issueCaCertificate(pki, 10, 'Ten Day Province CA');
  const client = (certFile: string) => ({
    tlsCertFile: certFile,
    tlsKeyFile: pki.clientKeyFile,
    tlsKeyPassphrase: pki.clientKeyPassphrase,
  });
  const entries: Record<string, Record<string, unknown>> = {
    'sc-chengdu': { tlsCaFile: files.yearCa, ...client(files.yearClient) },
    sc: { tlsCaFile: files.yearCa, ...client(files.tenDayClient) },
    gz: { tlsCaFile: files.tenDayCa },
    // pki's expired certificate (valid until the second it was made), its key unencrypted.
    cq: { tlsCertFile: pki.expiredServerCertFile, tlsKeyFile: pki.serverKeyFile },
    gx: { tlsCaFile: pki.expiredServerCertFile },
  };
  const raw: Record<string, unknown> = { ...FILE };
  for (const [id, entry] of Object.entries(entries)) {
    raw[id] = { ...FILE[id], baseUrl: `https://${id}.gov.example`, ...entry };
  }
  const adapterSettings = resolveAdapterSettings(raw, 'test', {});
  gw = await startApiGateway({
    // A free port as the listener binds (0), not one found free before: another test may take it.
    GW_WORKER_METRICS_PORT: '0',
    GW_WORKER_METRICS_HOST: '127.0.0.1',
  });
  const memory = memoryLogger();
  lines = memory.lines;
  workers = await startWorkers(gw.config, memory.logger, {
    adapters: ['sc-chengdu', 'sc', 'gz', 'cq', 'gx', 'yn'],
    adapterSettings,
  });
  const res = await fetch(`http://127.0.0.1:${workers.operations!.port}/metrics`);
  expect(res.status).toBe(200);
  metricsText = await res.text();
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  pki?.remove();
});

describe('adapter TLS certificate expiry at worker start', () => {
  it('serves the notAfter of each configured client certificate and CA, and no series for an adapter without TLS settings', () => {
    expect(series('sc-chengdu', 'client')).toBe(notAfterSeconds(files.yearClient!));
    expect(series('sc-chengdu', 'ca')).toBe(notAfterSeconds(files.yearCa!));
    expect(series('sc', 'client')).toBe(notAfterSeconds(files.tenDayClient!));
    expect(series('gz', 'ca')).toBe(notAfterSeconds(files.tenDayCa!));
    expect(series('cq', 'client')).toBe(notAfterSeconds(pki.expiredServerCertFile));
    // Only the file it sets.
    expect(series('gz', 'client')).toBeUndefined();
    expect(series('cq', 'ca')).toBeUndefined();
    expect(metricsText).toContain(`# TYPE ${TLS_CERTIFICATE_EXPIRY} gauge`);
    expect(metricsText).not.toContain(`${TLS_CERTIFICATE_EXPIRY}{adapter="yn"`);
  });

  it('warns of a client certificate and of a CA expiring in 10 days, naming adapter, certificate, CN and notAfter', () => {
    const notAfter = (file: string) => new Date(notAfterSeconds(file) * 1000).toISOString();
    expect(linesOf('sc')).toEqual([
      expect.objectContaining({
        level: WARN,
        msg: 'adapter TLS certificate expires within 30 days',
        certificate: 'client',
        setting: 'tlsCertFile',
        subject: 'swgw-ten-day-client',
        notAfter: notAfter(files.tenDayClient!),
        daysLeft: 9,
      }),
    ]);
    expect(linesOf('gz')).toEqual([
      expect.objectContaining({
        level: WARN,
        certificate: 'ca',
        setting: 'tlsCaFile',
        subject: 'Ten Day Province CA',
        notAfter: notAfter(files.tenDayCa!),
      }),
    ]);
  });

  it('logs an error for an expired client certificate and an expired CA', () => {
    const expired = {
      level: ERROR,
      msg: 'adapter TLS certificate has expired: calls to the province fail',
      subject: 'localhost',
      notAfter: new Date(notAfterSeconds(pki.expiredServerCertFile) * 1000).toISOString(),
    };
    expect(linesOf('cq')).toEqual([
      expect.objectContaining({ ...expired, certificate: 'client', setting: 'tlsCertFile' }),
    ]);
    expect(linesOf('gx')).toEqual([
      expect.objectContaining({ ...expired, certificate: 'ca', setting: 'tlsCaFile' }),
    ]);
    // Never anything of a key.
    expect(JSON.stringify(lines())).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect(JSON.stringify(lines())).not.toContain(pki.clientKeyPassphrase);
  });

  it('serves the series of a client certificate and CA valid for a year and logs no expiry line for them', () => {
    expect(series('sc-chengdu', 'client')).toBeGreaterThan(Date.now() / 1000 + 300 * 86_400);
    expect(series('sc-chengdu', 'ca')).toBeGreaterThan(Date.now() / 1000 + 300 * 86_400);
    expect(linesOf('sc-chengdu')).toEqual([]);
    expect(linesOf('yn')).toEqual([]);
  });
});
