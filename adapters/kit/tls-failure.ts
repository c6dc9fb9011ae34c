// A failed TLS handshake with a province, as the operator reads it in a failure reason
// (adapters/README.md#tls): which side's certificate and what is wrong with it, by the error's code
// (OpenSSL's verify codes for the platform's certificate, its alerts for ours), never its message.
// Transient, as a refused connection is (http-backend.ts): it is about the channel, not the case —
// the same case goes through once the certificate or our settings are fixed — so it is retried,
// counts towards the breaker, which then pauses the adapter instead of failing every waiting case
// for good, and after the last attempt the case is a dead letter that names the cause, to replay.
import {
  certificateFault,
  isTlsHandshakeCode,
  type CertificateFault,
} from '../../gateway/shared/tls-certificate-fault.ts';
import { TransientDeliveryError } from './contract.ts';

/** The platform's certificate, what is wrong with it, and the setting that fixes it. */
const SERVER_CERTIFICATE: Readonly<Record<CertificateFault, string>> = {
  untrusted: 'its certificate is not signed by a CA this adapter trusts (tlsCaFile)',
  name: 'its certificate does not name the host called (baseUrl, tlsServername)',
  expired: 'its certificate has expired',
  'not-yet-valid': 'its certificate is not valid yet (check the clock)',
  revoked: 'its certificate is revoked',
};

/** The platform's alert about the certificate we sent, or did not send. */
const CLIENT_CERTIFICATE: Readonly<Record<string, string>> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    'the province requires a client certificate (tlsCertFile, tlsKeyFile)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the province does not trust the CA of our client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the province refused our client certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'the province refused our client certificate',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'the province refused our client certificate',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'the province refused our client certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'the province says our client certificate has expired',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'the province says our client certificate is revoked',
};

function what(code: string): string | undefined {
  const fault = certificateFault(code);
  if (fault) return SERVER_CERTIFICATE[fault];
  const alert = CLIENT_CERTIFICATE[code];
  if (alert) return alert;
  if (isTlsHandshakeCode(code)) return 'the TLS handshake failed';
  return undefined;
}

/** The failure as "province TLS failed (<code>): <what>", or undefined when it is not TLS's. */
export function tlsFailure(
  code: string | undefined,
  cause: unknown,
): TransientDeliveryError | undefined {
  const description = code === undefined ? undefined : what(code);
  if (description === undefined) return undefined;
  return new TransientDeliveryError(`province TLS failed (${code}): ${description}`, undefined, {
    cause,
  });
}
