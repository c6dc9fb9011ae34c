// Authentication of every /v1 call (gateway/README.md#authentication-and-signing). Checks run
// cheapest first, and the nonce is stored only after the signature verified, so nobody can burn
// another client's nonces. A nonce is accepted once per client for nonceTtlSeconds (SET NX EX in
// Redis, shared by every instance), checked as a deferred check (deferred-checks.ts).
import type { RequestHandler } from 'express';
import type { RedisClient } from '../shared/redis.ts';
import {
  bodyDigest,
  isSignatureMethod,
  QueryEncodingError,
  signaturesEqual,
  sign,
  STRING_TO_SIGN_LINES,
  stringToSign,
  type SignatureMethod,
} from '../client/signing.ts';
import type { RawBodyRequest } from '../http/json-body.ts';
import { deferCheck } from './deferred-checks.ts';
import { GatewayError } from '../shared/errors.ts';
import { escapeToken } from '../shared/json-pointer.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { Client, ClientRegistry } from './client-registry.ts';
import { locals } from '../http/request-context.ts';

export interface AuthSettings {
  clockSkewSeconds: number;
  nonceTtlSeconds: number;
  keys: RedisKeys;
  now?: () => number;
  /**
   * Told which secret verified a request of a client in rotation (one with a previous secret):
   * the metric that shows the operator when the old one is no longer used.
   */
  secretMatched?: (clientId: string, secret: SecretUsed) => void;
}

/** Which of a rotating client's secrets signed a request. */
export type SecretUsed = 'current' | 'previous';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
// Spelled as the README's header table spells them, for the detail of a request that lacks one
// (it said `x-gw-nonce`, node's lower case, beside every other detail's X-Gw-Nonce).
const REQUIRED = [
  'X-Gw-Client',
  'X-Gw-Timestamp',
  'X-Gw-Nonce',
  'X-Gw-Signature-Method',
  'X-Gw-Signature',
];

// The detail of a signature that does not match (gateway/README.md#when-the-signature-does-not-match).
const MISMATCH_DETAIL =
  'X-Gw-Signature is not the HMAC of the string-to-sign the gateway computed from this request, ' +
  `given in stringToSign: ${STRING_TO_SIGN_LINES.length} lines joined by \\n ` +
  `(${STRING_TO_SIGN_LINES.join(', ')}). Compare it with the string you signed, line by line. ` +
  'If every line is equal, the secret differs (or the HMAC is not the one X-Gw-Signature-Method ' +
  'names). The body digest is over the raw body bytes as sent: hash exactly the bytes you send, ' +
  'not the JSON serialised again.';

/**
 * Why a signature cannot be any HMAC's lowercase hex, or undefined. Without it an upper-case hex
 * signature (.NET's Convert.ToHexString, Java's commons-codec encodeHexString(…, false)) or a
 * base64 one got the plain mismatch detail over a stringToSign equal to the string signed, which
 * tells the developer their secret is wrong. Only on the refusal path; never echoes the signature.
 */
function signatureFormatProblem(signature: string): string | undefined {
  if (/^[0-9a-f]{64}$/.test(signature)) return undefined;
  const what = /^[0-9A-Fa-f]{64}$/.test(signature)
    ? 'this one has upper-case letters'
    : /^[0-9a-f]*$/i.test(signature)
      ? `this one is ${signature.length} hex digits`
      : `this one is ${signature.length} characters, not all hex digits (base64 of the HMAC is 44)`;
  return (
    `X-Gw-Signature must be the HMAC as 64 lowercase hex digits: ${what}. ` +
    'stringToSign holds the string the gateway computed from this request, to compare with yours.'
  );
}

/** Which of the client's secrets signed the request, or undefined: neither. */
function signedWith(
  client: Client,
  method: SignatureMethod,
  text: string,
  signature: string,
): SecretUsed | undefined {
  if (signaturesEqual(sign(method, client.secret, text), signature)) return 'current';
  if (
    client.previousSecret !== undefined &&
    signaturesEqual(sign(method, client.previousSecret, text), signature)
  )
    return 'previous';
  return undefined;
}

export function clientOf(res: { locals: Record<string, unknown> }): Client {
  const client = res.locals.client as Client | undefined;
  if (!client) throw new Error('clientOf called before authenticate');
  return client;
}

function header(req: RawBodyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function authenticate(
  clients: ClientRegistry,
  redis: RedisClient,
  settings: AuthSettings,
): RequestHandler {
  const now = settings.now ?? (() => Date.now() / 1000);
  return (req, res, next) => {
    const raw = req as RawBodyRequest;
    const missing = REQUIRED.filter((h) => !header(raw, h.toLowerCase()));
    if (missing.length > 0) {
      throw new GatewayError('GW_AUTH_MISSING', {
        detail: `Missing headers: ${missing.join(', ')}`,
      });
    }
    const clientId = header(raw, 'x-gw-client')!;
    const timestamp = header(raw, 'x-gw-timestamp')!;
    const nonce = header(raw, 'x-gw-nonce')!;
    const method = header(raw, 'x-gw-signature-method')!;
    const signature = header(raw, 'x-gw-signature')!;
    if (!NONCE.test(nonce)) {
      throw new GatewayError('GW_AUTH_MISSING', {
        detail: 'X-Gw-Nonce must be 16–64 characters of A-Z a-z 0-9 _ -',
      });
    }
    if (!isSignatureMethod(method)) {
      throw new GatewayError('GW_AUTH_MISSING', {
        detail: 'X-Gw-Signature-Method must be HMAC-SHA256 or HMAC-SM3',
      });
    }
    const client = clients.get(clientId);
    if (!client) {
      throw new GatewayError('GW_AUTH_UNKNOWN_CLIENT', {
        detail: 'X-Gw-Client names no client registered with this gateway',
      });
    }
    if (!client.signatureMethods.includes(method)) {
      throw new GatewayError('GW_AUTH_BAD_SIGNATURE', {
        detail: `${method} is not allowed for this client`,
      });
    }
    // Kept under GW_AUTH_STALE_TIMESTAMP (documented for a timestamp in milliseconds) so a portal's
    // handling of the code does not change; the detail says which of the two it got wrong.
    if (!/^[0-9]{1,12}$/.test(timestamp)) {
      throw new GatewayError('GW_AUTH_STALE_TIMESTAMP', {
        detail:
          'X-Gw-Timestamp must be whole unix seconds: digits only, no fraction, sign or milliseconds',
      });
    }
    // The server's whole second against the client's: a fractional now made the window
    // [-299, +300] for a client exactly in step (its floor lags), not the ±300 s of the contract.
    if (Math.abs(Math.floor(now()) - Number(timestamp)) > settings.clockSkewSeconds) {
      throw new GatewayError('GW_AUTH_STALE_TIMESTAMP', {
        detail: `X-Gw-Timestamp must be unix seconds within ±${settings.clockSkewSeconds} s of server time`,
      });
    }
    const url = req.originalUrl;
    const q = url.indexOf('?');
    let text: string;
    try {
      text = stringToSign({
        method: req.method,
        path: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        timestamp,
        nonce,
        bodyDigestHex: bodyDigest(method, raw.rawBody ?? ''),
      });
    } catch (error) {
      if (error instanceof QueryEncodingError) {
        // At /query/<name>, as the query contracts report a bad parameter (README: bad input).
        const token = escapeToken(error.parameter);
        throw new GatewayError('GW_INVALID_PARAMETER', {
          detail: error.message,
          errors: [
            {
              path: `/query/${token}`,
              message: 'is not valid percent-encoding of UTF-8',
              messageZh: '不是有效的 UTF-8 百分号编码',
            },
          ],
        });
      }
      throw error;
    }
    // Each secret is compared in constant time; the previous one is tried only when the current
    // one fails, so what a timing shows is which of the two matched, never a secret's bytes.
    const used = signedWith(client, method, text, signature);
    if (!used) {
      // What the gateway signed, so the developer can find the line that differs from theirs
      // (gateway/README.md#when-the-signature-does-not-match): only what the request itself sent,
      // never the secret or the expected signature, which would sign any request for anyone.
      throw new GatewayError('GW_AUTH_BAD_SIGNATURE', {
        detail: signatureFormatProblem(signature) ?? MISMATCH_DETAIL,
        extensions: { stringToSign: text },
      });
    }
    if (client.previousSecret !== undefined) {
      settings.secretMatched?.(client.id, used);
      // Never the secret: which one, so the log shows who still signs with the old one.
      if (used === 'previous')
        locals(res).log.info(
          { clientId: client.id, secretUsed: used },
          'request signed with the previous secret',
        );
    }
    // Not awaited here: it shares the handler's first round trip (deferred-checks.ts).
    deferCheck(
      res,
      redis
        .set(settings.keys.nonce(client.id, nonce), '1', 'EX', settings.nonceTtlSeconds, 'NX')
        .then((fresh) => {
          if (fresh !== 'OK') {
            throw new GatewayError('GW_AUTH_REPLAYED_NONCE', {
              detail: `This X-Gw-Nonce was used by this client within the last ${settings.nonceTtlSeconds} s: sign every request, a retry too, with a fresh nonce`,
            });
          }
        }),
    );
    res.locals.client = client;
    next();
  };
}
