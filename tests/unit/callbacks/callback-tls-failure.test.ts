// How a failed TLS handshake with a portal reads in a callback's failure reason
// (gateway/README.md#callbacks-over-tls): by the error's code, never its message; an error that is
// not TLS's keeps its own reason. tests/integration/callback-tls.test.ts meets the untrusted,
// expired and misnamed certificates over real TLS.
import { describe, expect, it } from 'vitest';
import { callbackTlsFailure } from '../../../gateway/callbacks/callback-tls-failure.ts';

const failed = (code: string, message = 'node says something') =>
  Object.assign(new Error(message), { code });

describe('callbackTlsFailure', () => {
  it.each([
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'its certificate is not signed by a CA the gateway trusts (NODE_EXTRA_CA_CERTS)',
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'its certificate is not signed by a CA the gateway trusts (NODE_EXTRA_CA_CERTS)',
    ],
    ['CERT_NOT_YET_VALID', 'its certificate is not valid yet (check the clock)'],
    ['CERT_REVOKED', 'its certificate is revoked'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'the TLS handshake failed'],
    ['EPROTO', 'the TLS handshake failed'],
  ])('names %s as "portal TLS failed (<code>): %s", the error as its cause', (code, what) => {
    const error = failed(code);
    const failure = callbackTlsFailure(error);
    expect(failure?.message).toBe(`portal TLS failed (${code}): ${what}`);
    expect(failure?.cause).toBe(error);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND'])(
    'leaves a %s, which is not a TLS failure, to its own message',
    (code) => {
      expect(callbackTlsFailure(failed(code))).toBeUndefined();
    },
  );

  it('leaves an error without a code to its own message (a portal answering 503)', () => {
    expect(callbackTlsFailure(new Error('portal answered 503'))).toBeUndefined();
    expect(callbackTlsFailure(undefined)).toBeUndefined();
  });
});
