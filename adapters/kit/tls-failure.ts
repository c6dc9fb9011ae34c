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

/**
 * The platform's alert about the certificate we sent, or did not send, by its number (RFC 8446
 * §6; 40 is TLS 1.2's way of asking for a client certificate, and also what a platform sends when
 * the two sides share no cipher suite).
 */
const ALERTS: Readonly<Record<number, { name: string; what: string }>> = {
  40: {
    name: 'HANDSHAKE_FAILURE',
    what:
      'the province ended the handshake: a platform on TLS 1.2 does so when it requires a client ' +
      'certificate (tlsCertFile, tlsKeyFile) and none was sent, or when it shares no cipher suite ' +
      'with us',
  },
  42: { name: 'BAD_CERTIFICATE', what: 'the province refused our client certificate' },
  43: { name: 'UNSUPPORTED_CERTIFICATE', what: 'the province refused our client certificate' },
  44: {
    name: 'CERTIFICATE_REVOKED',
    what: 'the province says our client certificate is revoked',
  },
  45: {
    name: 'CERTIFICATE_EXPIRED',
    what: 'the province says our client certificate has expired',
  },
  46: { name: 'CERTIFICATE_UNKNOWN', what: 'the province refused our client certificate' },
  48: {
    name: 'UNKNOWN_CA',
    what: 'the province does not trust the CA of our client certificate',
  },
  49: { name: 'ACCESS_DENIED', what: 'the province refused our client certificate' },
  116: {
    name: 'CERTIFICATE_REQUIRED',
    what: 'the province requires a client certificate (tlsCertFile, tlsKeyFile)',
  },
};

/**
 * The alert named by an error code: OpenSSL spells them ERR_SSL_TLSV13_ALERT_…, ERR_SSL_TLSV1_ALERT_…
 * and, for the SSLv3-era alerts, ERR_SSL_SSLV3_ALERT_… before OpenSSL 3.2 and ERR_SSL_SSL/TLS_ALERT_…
 * since (Node 24 bundles 3.5).
 */
function alertOfCode(code: string): number | undefined {
  const name = /^ERR_SSL_(?:TLSV13|TLSV1|SSLV3|SSL\/TLS)_ALERT_([A-Z_]+)$/.exec(code)?.[1];
  if (name === undefined) return undefined;
  const found = Object.entries(ALERTS).find(([, alert]) => alert.name === name);
  return found ? Number(found[0]) : undefined;
}

/**
 * An alert received during the handshake reaches node:http as a bare EPROTO whose message is
 * OpenSSL's (never the platform's words) and ends "SSL alert number N": the number is read from
 * it, nothing else.
 */
function alertOfMessage(cause: unknown): number | undefined {
  const message = cause instanceof Error ? cause.message : '';
  const number = /SSL alert number ([0-9]{1,3})$/.exec(message.trim())?.[1];
  return number === undefined ? undefined : Number(number);
}

/** The failure's code as the reason shows it, and what it means for the operator. */
function describe(code: string, cause: unknown): { shown: string; what: string } | undefined {
  const fault = certificateFault(code);
  if (fault) return { shown: code, what: SERVER_CERTIFICATE[fault] };
  const alert = alertOfCode(code);
  if (alert !== undefined && ALERTS[alert]) return { shown: code, what: ALERTS[alert].what };
  if (code === 'EPROTO') {
    const received = alertOfMessage(cause);
    if (received !== undefined && ALERTS[received])
      return { shown: `EPROTO, alert ${String(received)}`, what: ALERTS[received].what };
  }
  if (isTlsHandshakeCode(code)) return { shown: code, what: 'the TLS handshake failed' };
  return undefined;
}

/** The failure as "province TLS failed (<code>): <what>", or undefined when it is not TLS's. */
export function tlsFailure(
  code: string | undefined,
  cause: unknown,
): TransientDeliveryError | undefined {
  const described = code === undefined ? undefined : describe(code, cause);
  if (described === undefined) return undefined;
  return new TransientDeliveryError(
    `province TLS failed (${described.shown}): ${described.what}`,
    undefined,
    { cause },
  );
}
