// Request signing, gateway/README.md#authentication-and-signing — the one implementation both the
// gateway (to verify) and the portal client (to sign) use. Portals written in other languages
// follow the same text:
//   METHOD \n path \n canonical query \n timestamp \n nonce \n hex digest of the raw body
// The canonical query re-encodes each name and value like encodeURIComponent and sorts by name
// then value, so a reordered or differently-escaped query signs the same.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_METHODS = ['HMAC-SHA256', 'HMAC-SM3'] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

const HASH: Record<SignatureMethod, string> = { 'HMAC-SHA256': 'sha256', 'HMAC-SM3': 'sm3' };

export function isSignatureMethod(value: unknown): value is SignatureMethod {
  return typeof value === 'string' && (SIGNATURE_METHODS as readonly string[]).includes(value);
}

export class QueryEncodingError extends Error {
  override name = 'QueryEncodingError';
  /** The parameter whose name or value is not percent-encoding (its raw name if that is the one). */
  readonly parameter: string;
  constructor(message: string, parameter: string) {
    super(message);
    this.parameter = parameter;
  }
}

function decodeComponent(text: string, parameter: string): string {
  try {
    // A form-style '+' is a literal plus here: encodeURIComponent never produces '+' for a space.
    return decodeURIComponent(text);
  } catch {
    throw new QueryEncodingError(
      `query component is not valid percent-encoding: ${text.slice(0, 40)}`,
      parameter,
    );
  }
}

/** name=value pairs, each side encoded like encodeURIComponent, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      const decodedName = decodeComponent(name, name.slice(0, 64));
      return [
        encodeURIComponent(decodedName),
        encodeURIComponent(decodeComponent(value, decodedName)),
      ] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Hex digest of the body's bytes (a string as UTF-8), by Node's one-shot `hash`. */
export function bodyDigest(method: SignatureMethod, body: Uint8Array | string): string {
  return hash(HASH[method], body, 'hex');
}

export interface SignedParts {
  method: string;
  path: string;
  rawQuery: string;
  timestamp: string;
  nonce: string;
  bodyDigestHex: string;
}

/** What each line of the string-to-sign is, in order: the names diagnostics use for them. */
export const STRING_TO_SIGN_LINES = [
  'method',
  'path',
  'canonical query',
  'timestamp',
  'nonce',
  'body digest',
] as const;

export function stringToSign(parts: SignedParts): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    canonicalQuery(parts.rawQuery),
    parts.timestamp,
    parts.nonce,
    parts.bodyDigestHex,
  ].join('\n');
}

export function sign(method: SignatureMethod, secret: string, text: string): string {
  return createHmac(HASH[method], secret).update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two lowercase hex signatures. */
export function signaturesEqual(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]+$/.test(givenHex) || givenHex.length !== expectedHex.length) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}
