// A callback whose TLS handshake with the portal failed, as the operator reads it in the
// "callback failed" log line and the job's failed reason (gateway/README.md#callbacks, TLS): what
// is wrong with the portal's certificate, by the error's code (shared/tls-certificate-fault.ts),
// and where it is fixed — Node's own message ("unable to verify the first certificate") says
// neither that it was TLS nor what to do. A plain error, so retried as any transient failure: the
// portal renewing its certificate, or the operator trusting its CA, lets the next attempt through.

import { certificateFault, isTlsHandshakeCode } from '../shared/tls-certificate-fault.ts';

const WHAT = {
  untrusted: 'its certificate is not signed by a CA the gateway trusts (NODE_EXTRA_CA_CERTS)',
  name: 'its certificate does not name the host called',
  expired: 'its certificate has expired',
  'not-yet-valid': 'its certificate is not valid yet (check the clock)',
  revoked: 'its certificate is revoked',
} as const;

/** The failure as "portal TLS failed (<code>): <what>", or undefined when it is not TLS's. */
export function callbackTlsFailure(error: unknown): Error | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const fault = certificateFault(code);
  const what = fault ? WHAT[fault] : isTlsHandshakeCode(code) ? 'the TLS handshake failed' : '';
  if (!what) return undefined;
  return new Error(`portal TLS failed (${code}): ${what}`, { cause: error });
}
