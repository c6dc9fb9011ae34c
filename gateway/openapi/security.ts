// The request-signing scheme of gateway/README.md#authentication-and-signing as OpenAPI security
// schemes. OpenAPI has no type for an HMAC over the request, so each X-Gw-* header is an
// apiKey-in-header scheme and one security requirement lists all five: in OpenAPI, schemes in the
// same requirement object are required together. The string-to-sign is quoted from
// gateway/README.md#authentication-and-signing word for word, because portals in other languages
// implement it from this text alone (gateway/client/signing.ts is ours).
import { SIGNATURE_METHODS } from '../client/signing.ts';

export const SIGNING_TEXT = [
  'String-to-sign, lines joined by `\\n`: `METHOD` (upper case); the path as sent, without the query;',
  'the query as `name=value` pairs, each side percent-decoded as sent (`+` stays a plus) and encoded',
  "again like JavaScript's `encodeURIComponent`, sorted by the encoded name then the encoded value in",
  'plain character-code order (`B` before `a`, `%C3%A9` before `z`; not a locale collation), joined by `&`',
  '(an empty line when there is no query; `?q=` and `?q` give `q=`, a repeated name one pair per value);',
  'the timestamp; the nonce; the',
  "lowercase hex digest of the raw body bytes with the method's hash (SHA-256 or SM3; the digest of the",
  'empty string when there is no body). Example for `GET /v1/cases/01J…?b=2&a=1`:',
  '`GET\\n/v1/cases/01J…\\na=1&b=2\\n1764100000\\nn0nce-123456789ab\\ne3b0c442…b855`.',
].join('\n');

const HEADERS_TEXT = [
  '- `X-Gw-Client`: client id',
  '- `X-Gw-Timestamp`: unix seconds; must be within ±300 s of server time',
  '- `X-Gw-Nonce`: 16–64 chars of `[A-Za-z0-9_-]`; a nonce is accepted once per client for 600 s',
  '- `X-Gw-Signature-Method`: `HMAC-SHA256` or `HMAC-SM3`',
  '- `X-Gw-Signature`: lowercase hex of HMAC(secret, string-to-sign)',
].join('\n');

/** What to do with a GW_AUTH_BAD_SIGNATURE (gateway/README.md#when-the-signature-does-not-match). */
export const MISMATCH_TEXT = [
  'When the signature does not match (401 `GW_AUTH_BAD_SIGNATURE`), the problem carries `stringToSign`:',
  'the string-to-sign the gateway computed from the request it received. Compare it with yours line by',
  'line. A differing path or query line: your HTTP stack sent the path or query otherwise than you signed',
  'it (sign the path as sent, percent-encoded; check the canonical query). A differing last line: the body',
  'digest must be of the raw bytes you send, after any compression is undone — the most common mistake is',
  'to hash the JSON serialised again (other key order, spacing or escaping) instead of the bytes sent.',
  'Every line equal: the secret differs, or the HMAC is not the one `X-Gw-Signature-Method` names. The',
  'member never holds the secret or the expected signature; the other 401s do not carry it.',
].join('\n');

export const AUTH_DESCRIPTION = [
  'Every /v1 call is signed (gateway/README.md#authentication-and-signing). All five headers are required together:',
  '',
  HEADERS_TEXT,
  '',
  SIGNING_TEXT,
  '',
  'Failures: 401 `GW_AUTH_*` (missing or malformed header, unknown client, bad signature, stale timestamp,',
  'replayed nonce), with `detail` and no `errors`; 403 `GW_FORBIDDEN` (authenticated, not allowed); 429',
  "`GW_RATE_LIMITED` with `Retry-After` (over the client's rate).",
  '',
  MISMATCH_TEXT,
].join('\n');

const SCHEMES = {
  gwClient: ['X-Gw-Client', 'Client id registered with the gateway (e.g. `portal-sc`).'],
  gwTimestamp: ['X-Gw-Timestamp', 'Unix seconds; within ±300 s of server time.'],
  gwNonce: ['X-Gw-Nonce', '16–64 chars of `[A-Za-z0-9_-]`, accepted once per client for 600 s.'],
  gwSignatureMethod: ['X-Gw-Signature-Method', `One of ${SIGNATURE_METHODS.join(', ')}.`],
  gwSignature: ['X-Gw-Signature', 'Lowercase hex of HMAC(secret, string-to-sign).'],
} as const;

export function securitySchemes(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(SCHEMES).map(([id, [header, text]]) => [
      id,
      {
        type: 'apiKey',
        in: 'header',
        name: header,
        // The full scheme once, on the signature itself; the others point to it.
        description:
          id === 'gwSignature'
            ? `${text}\n\n${AUTH_DESCRIPTION}`
            : `${text} Required together with the other X-Gw-* headers (see gwSignature).`,
      },
    ]),
  );
}

/** One requirement naming every scheme: all headers at once (OpenAPI "AND" semantics). */
export const SIGNED: readonly Record<string, string[]>[] = [
  Object.fromEntries(Object.keys(SCHEMES).map((id) => [id, []])),
];

/** healthz, readyz, metrics and docs: no signature (gateway/README.md#operations-endpoints). */
export const UNSIGNED: readonly Record<string, string[]>[] = [];
