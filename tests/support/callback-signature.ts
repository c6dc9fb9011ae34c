// How a portal checks a callback the gateway signed (README.md#callbacks): the secret the portal
// holds, over the callbackUrl's path and query, the headers' timestamp and nonce and the body's
// digest, by the method the callback names. One home for the callback tests' receivers.
import type { IncomingHttpHeaders } from 'node:http';
import {
  bodyDigest,
  sign,
  stringToSign,
  type SignatureMethod,
} from '../../gateway/client/signing.ts';

export interface CallbackSignature {
  /** The method the callback names (X-Gw-Signature-Method). */
  method: SignatureMethod;
  /** Whether `secret` signed it. */
  ok: boolean;
}

/** Checks a callback posted to `url` (path and query) with `raw` as its body against `secret`. */
export function callbackSignedWith(
  headers: IncomingHttpHeaders,
  url: string,
  raw: string,
  secret: string,
): CallbackSignature {
  const h = (name: string) => String(headers[name] ?? '');
  const method = h('x-gw-signature-method') as SignatureMethod;
  const [path = '', query = ''] = url.split('?');
  const text = stringToSign({
    method: 'POST',
    path,
    rawQuery: query,
    timestamp: h('x-gw-timestamp'),
    nonce: h('x-gw-nonce'),
    bodyDigestHex: bodyDigest(method, raw),
  });
  return { method, ok: sign(method, secret, text) === h('x-gw-signature') };
}
