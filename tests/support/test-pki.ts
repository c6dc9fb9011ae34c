// A throwaway PKI for the TLS tests (adapters/README.md#tls), made at test time with the openssl CLI
// (Debian has it; .ci/run installs it when missing) rather than an npm library: the same commands
// a provincial IT team runs, and nothing to add to the lockfile. A CA standing for the province's
// private one, a server certificate it signed for 127.0.0.1 and localhost, another that expired
// when it was made, and a client certificate for the gateway whose key is encrypted with a
// passphrase — PEM files in a fresh temporary folder. EC P-256 keys: made in milliseconds.
// More certificates of a chosen validity on demand (issueClientCertificate, issueCaCertificate),
// for the expiry warnings (adapters/README.md#certificate-expiry).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  /** The province's private CA (PEM certificate). */
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Signed by the CA for 127.0.0.1 and localhost, valid until the second it was made. */
  expiredServerCertFile: string;
  /** The gateway's client certificate, subject CN=CLIENT_CN, O=CLIENT_O, signed by the CA. */
  clientCertFile: string;
  /** Its key, encrypted with clientKeyPassphrase. */
  clientKeyFile: string;
  clientKeyPassphrase: string;
  remove: () => void;
}

export const CLIENT_CN = 'swgw-test-client';
export const CLIENT_O = 'SWGW Test';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/** The CA (ca.pem, ca.key in `dir`) signs a request into a certificate valid from now for `days`. */
function signByCa(dir: string, csr: string, out: string, days: number, ...extra: string[]): void {
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    out,
    '-days',
    String(days),
    ...extra,
  );
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'gw-pki-'));
  const clientKeyPassphrase = 'test-client-key-passphrase';
  openssl(
    dir,
    'req',
    '-x509',
    ...EC,
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test Province CA',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    dir,
    'req',
    ...EC,
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  signByCa(dir, 'server.csr', 'server.pem', 2, '-extfile', 'server.ext');
  signByCa(dir, 'server.csr', 'expired.pem', 0, '-extfile', 'server.ext');
  openssl(
    dir,
    'req',
    ...EC,
    '-keyout',
    'client.key',
    '-passout',
    `pass:${clientKeyPassphrase}`,
    '-out',
    'client.csr',
    '-subj',
    `/O=${CLIENT_O}/CN=${CLIENT_CN}`,
  );
  signByCa(dir, 'client.csr', 'client.pem', 2);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    expiredServerCertFile: join(dir, 'expired.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
    clientKeyPassphrase,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let issued = 0;

/**
 * Another client certificate of the CA for the same key (clientKeyFile), valid from now for `days`
 * (openssl's -days), subject CN=`cn`; its PEM file's path.
 */
export function issueClientCertificate(pki: TestPki, days: number, cn: string): string {
  const out = `client-${++issued}.pem`;
  openssl(
    pki.dir,
    'req',
    '-new',
    '-key',
    'client.key',
    '-passin',
    `pass:${pki.clientKeyPassphrase}`,
    '-out',
    `client-${issued}.csr`,
    '-subj',
    `/O=${CLIENT_O}/CN=${cn}`,
  );
  signByCa(pki.dir, `client-${issued}.csr`, out, days);
  return join(pki.dir, out);
}

/** Another self-signed CA certificate, valid from now for `days`, subject CN=`cn`; its path. */
export function issueCaCertificate(pki: TestPki, days: number, cn: string): string {
  const out = `ca-${++issued}.pem`;
  openssl(
    pki.dir,
    'req',
    '-x509',
    ...EC,
    '-nodes',
    '-keyout',
    `ca-${issued}.key`,
    '-out',
    out,
    '-days',
    String(days),
    '-subj',
    `/CN=${cn}`,
  );
  return join(pki.dir, out);
}
