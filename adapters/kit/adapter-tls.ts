// An adapter's TLS to its platform (adapters/README.md#tls): provincial platforms on the 政务外网
// commonly serve a certificate of a private CA and many ask callers for a client certificate. The
// tls* settings of config/adapters.json name PEM files, read and checked once at start by
// adapter-config.ts; every problem is a configuration problem naming the adapter and the setting,
// reported with the file's others. What an adapter keeps is a SecureContext, opaque: no key
// material (nor the passphrase, which is dropped) stays in a settings object a log line could print.
// tlsCaFile replaces the public roots for that adapter: a platform on the 政务外网 is trusted to
// present its own CA's certificate, and no public CA can then vouch for an impostor (to trust both,
// put both in the bundle).
// Each file's first expiry is kept too (certificate-expiry.ts): the worker's metric and start
// lines warn before a certificate lapses and every call to the platform fails.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { certificates, readPem } from '../../gateway/shared/pem-files.ts';
import { firstExpiry, type CertificateExpiry } from './certificate-expiry.ts';

/** What an adapter's keep-alive agent gives every connection it opens (kit/http-backend.ts). */
export interface AdapterTls {
  /** The trusted CAs (tlsCaFile, else the public roots) and the client certificate, if any. */
  readonly secureContext: SecureContext;
  /** The name sent as SNI and checked against the platform's certificate, instead of the URL's. */
  readonly servername?: string;
  /** When each file (tlsCertFile, tlsCaFile) first lapses (certificate-expiry.ts). */
  readonly expiries: readonly CertificateExpiry[];
}

/** The keys this file reads; the passphrase is a secret (production: only from its Env). */
export const TLS_SETTINGS = [
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
  'tlsKeyPassphrase',
  'tlsServername',
] as const;

type TlsKey = (typeof TLS_SETTINGS)[number];

/**
 * The adapter's TLS from its resolved settings, or undefined when it sets none. `written` is its
 * entry as the file has it (a passphrase written there is refused in production). Problems are
 * pushed as `adapters.<id>.<key>: …`; the passphrase is removed from `resolved`.
 */
export function loadAdapterTls(
  id: string,
  resolved: Record<string, unknown>,
  written: Record<string, unknown>,
  production: boolean,
  problems: string[],
): AdapterTls | undefined {
  const at = (key: TlsKey) => `adapters.${id}.${key}`;
  const given = TLS_SETTINGS.filter((key) => resolved[key] !== undefined);
  if (given.length === 0) return undefined;
  const before = problems.length;
  const { tlsCaFile, tlsCertFile, tlsKeyFile, tlsKeyPassphrase, tlsServername } = resolved as {
    [K in TlsKey]?: string;
  };
  delete resolved.tlsKeyPassphrase;
  if (production && written.tlsKeyPassphrase !== undefined && !written.tlsKeyPassphraseEnv) {
    problems.push(
      `${at('tlsKeyPassphrase')}: a secret: in production name its variable with tlsKeyPassphraseEnv`,
    );
  }
  if (typeof resolved.baseUrl === 'string' && !resolved.baseUrl.startsWith('https://')) {
    problems.push(`${at(given[0]!)}: baseUrl is not https, so no TLS setting applies`);
  }
  if (tlsCertFile !== undefined && tlsKeyFile === undefined) {
    problems.push(`${at('tlsKeyFile')}: required with tlsCertFile`);
  }
  if (tlsKeyFile !== undefined && tlsCertFile === undefined) {
    problems.push(`${at('tlsCertFile')}: required with tlsKeyFile`);
  }
  if (tlsServername !== undefined && isIP(tlsServername) !== 0) {
    problems.push(
      `${at('tlsServername')}: a host name, not an address (TLS sends no address as SNI)`,
    );
  }
  if (tlsKeyPassphrase !== undefined && tlsKeyFile === undefined) {
    problems.push(`${at('tlsKeyPassphrase')}: set without tlsKeyFile`);
  }
  const ca =
    tlsCaFile === undefined ? undefined : certificates(tlsCaFile, at('tlsCaFile'), problems);
  const cert =
    tlsCertFile === undefined ? undefined : certificates(tlsCertFile, at('tlsCertFile'), problems);
  const key =
    tlsKeyFile === undefined
      ? undefined
      : privateKey(tlsKeyFile, tlsKeyPassphrase, at('tlsKeyFile'), problems);
  if (cert && key && !cert.leaf.checkPrivateKey(key.object)) {
    problems.push(`${at('tlsKeyFile')}: ${tlsKeyFile} is not the key of ${tlsCertFile}`);
  }
  if (problems.length > before) return undefined;
  const secureContext = createSecureContext({
    ...(ca ? { ca: ca.pem } : {}),
    ...(cert && key ? { cert: cert.pem, key: key.pem, passphrase: tlsKeyPassphrase } : {}),
  });
  const expiries = [
    ...(cert ? [firstExpiry('client', cert.all)] : []),
    ...(ca ? [firstExpiry('ca', ca.all)] : []),
  ].filter((expiry) => expiry !== undefined);
  return { secureContext, ...(tlsServername ? { servername: tlsServername } : {}), expiries };
}

/** The key, opened with the passphrase; the problem names why, never the key's bytes. */
function privateKey(
  path: string,
  passphrase: string | undefined,
  where: string,
  problems: string[],
): { pem: string; object: KeyObject } | undefined {
  const pem = readPem(path, where, problems);
  if (pem === undefined) return undefined;
  try {
    return { pem, object: createPrivateKey({ key: pem, format: 'pem', passphrase }) };
  } catch {
    // An encrypted PEM says so in its header ("ENCRYPTED PRIVATE KEY", "Proc-Type: 4,ENCRYPTED").
    const encrypted = /ENCRYPTED/.test(pem);
    problems.push(
      !encrypted
        ? `${where}: ${path} is not a PEM private key`
        : passphrase === undefined
          ? `${where}: ${path} is encrypted and no tlsKeyPassphrase is set`
          : `${where}: ${path} does not open with tlsKeyPassphrase`,
    );
    return undefined;
  }
}
