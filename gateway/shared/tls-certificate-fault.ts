// What is wrong with the certificate a server presented, by the code of the error Node's TLS
// client failed with (OpenSSL's verify codes, and Node's own for the host name check), never its
// message. Shared by the two places the gateway's processes call out over TLS, each of which words
// the fault for its operator with the setting that fixes it: the adapters' province calls
// (adapters/kit/tls-failure.ts, adapters/README.md#tls) and the portal callbacks
// (callbacks/callback-tls-failure.ts, gateway/README.md#callbacks).

export type CertificateFault = 'untrusted' | 'name' | 'expired' | 'not-yet-valid' | 'revoked';

/** The server's certificate does not chain to a CA the client trusts. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
]);

const OTHER: Readonly<Record<string, CertificateFault>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'name',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  CERT_REVOKED: 'revoked',
};

/** The fault of the server's certificate that `code` reports, if it reports one. */
export function certificateFault(code: string): CertificateFault | undefined {
  return UNTRUSTED.has(code) ? 'untrusted' : OTHER[code];
}

/** Any other failure of the TLS handshake (an alert, a protocol the two sides do not share). */
export function isTlsHandshakeCode(code: string): boolean {
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO';
}
