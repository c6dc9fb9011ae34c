// Telling operators before an adapter's certificates lapse (adapters/README.md#certificate-expiry):
// once our client certificate (tlsCertFile) or the trusted CA (tlsCaFile) has expired, every call
// to that province fails its handshake (tls-failure.ts) until someone notices, and provincial IT
// teams need weeks to issue a new one. The files are read once at start (adapter-tls.ts keeps each
// file's first expiry, from here), so this reports once, at the worker's start: the metric is what
// alerting reads (a timestamp: the alert computes the time left), the line is for whoever starts
// the worker. A periodic check would add nothing the alert on the metric does not already say.
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { WorkerMetrics } from '../../gateway/metrics/worker-metrics.ts';
import type { Logger } from '../../gateway/shared/logger.ts';

/** A certificate lapsing within this many days is warned of at start. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** Which file: our client certificate (tlsCertFile) or the platform's trusted CAs (tlsCaFile). */
export type CertificateRole = 'client' | 'ca';

const SETTING = { client: 'tlsCertFile', ca: 'tlsCaFile' } as const;

/** When a file's first certificate to lapse does, and whose it is: no key material. */
export interface CertificateExpiry {
  readonly certificate: CertificateRole;
  /** Its subject's CN (else the whole subject): which certificate to renew. */
  readonly subject: string;
  readonly notAfter: Date;
}

let publicRoots: ReadonlySet<string> | undefined;

/** Node's bundled roots (Mozilla's list, what an adapter without tlsCaFile trusts), by fingerprint. */
function isPublicRoot(cert: X509Certificate): boolean {
  publicRoots ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  return publicRoots.has(cert.fingerprint256);
}

/**
 * The file's certificate that lapses first: one series per file, not per certificate, as the
 * alert needs only the next date. For tlsCertFile any of the chain counts (a lapsed intermediate
 * fails the handshake as a lapsed leaf does). For tlsCaFile Node's own public roots, appended to
 * trust both (adapters/README.md#tls), are left out: Node renews them, a private CA is never one
 * of them, and some lapse years before the province's CA. Undefined when nothing else is left.
 */
export function firstExpiry(
  certificate: CertificateRole,
  all: readonly X509Certificate[],
): CertificateExpiry | undefined {
  const counted = certificate === 'ca' ? all.filter((cert) => !isPublicRoot(cert)) : all;
  if (counted.length === 0) return undefined;
  const first = counted.reduce((a, b) => (b.validToDate < a.validToDate ? b : a));
  const cn = /^CN=(.*)$/m.exec(first.subject)?.[1];
  return {
    certificate,
    subject: cn ?? first.subject.replaceAll('\n', ', '),
    notAfter: first.validToDate,
  };
}

export interface CertificateExpiryDeps {
  metrics: Pick<WorkerMetrics, 'tlsCertificateExpiry'>;
  log: Logger;
  /** The worker's clock at start. */
  now: Date;
}

/**
 * Sets the adapter's expiry series, one per file, and logs an error for a certificate already
 * expired, a warning for one expiring within EXPIRY_WARNING_DAYS: the adapter, which file, the
 * certificate's CN and notAfter — never anything of the key.
 */
export function reportCertificateExpiry(
  adapter: string,
  expiries: readonly CertificateExpiry[],
  deps: CertificateExpiryDeps,
): void {
  for (const { certificate, subject, notAfter } of expiries) {
    deps.metrics.tlsCertificateExpiry(adapter, certificate, notAfter);
    const left = notAfter.getTime() - deps.now.getTime();
    const fields = {
      adapter,
      certificate,
      setting: SETTING[certificate],
      subject,
      notAfter: notAfter.toISOString(),
    };
    // notAfter is the last second it is valid (RFC 5280, 4.1.2.5).
    if (left < 0) {
      deps.log.error(fields, 'adapter TLS certificate has expired: calls to the province fail');
    } else if (left <= EXPIRY_WARNING_DAYS * DAY_MS) {
      deps.log.warn(
        { ...fields, daysLeft: Math.floor(left / DAY_MS) },
        `adapter TLS certificate expires within ${EXPIRY_WARNING_DAYS} days`,
      );
    }
  }
}
