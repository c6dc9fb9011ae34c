// Telling operators before an adapter's certificates lapse (adapters/README.md#certificate-expiry):
// once our client certificate (tlsCertFile) or the trusted CA (tlsCaFile) has expired, every call
// to that province fails its handshake (tls-failure.ts) until someone notices, and provincial IT
// teams need weeks to issue a new one. The files are read once at start (adapter-tls.ts keeps each
// file's first expiry), so this runs once, at the worker's start: the metric is what alerting
// reads (a timestamp: the alert computes the time left), the line is for whoever starts the
// worker. A periodic check would add nothing the alert on the metric does not already say.
import type { WorkerMetrics } from '../../gateway/metrics/worker-metrics.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import type { AdapterTls } from './adapter-tls.ts';

/** A certificate lapsing within this many days is warned of at start. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

const SETTING = { client: 'tlsCertFile', ca: 'tlsCaFile' } as const;

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
  tls: AdapterTls | undefined,
  deps: CertificateExpiryDeps,
): void {
  for (const { certificate, subject, notAfter } of tls?.expiries ?? []) {
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
