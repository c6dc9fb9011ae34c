// 天府通办 open-platform request signing. Four headers on every call:
//   X-Tfwb-AppId      the application id the platform issued to us
//   X-Tfwb-Timestamp  unix milliseconds; the platform refuses a call outside ±300 s (code 10002)
//   X-Tfwb-Nonce      32 lowercase hex chars, accepted once within 600 s (code 10004)
//   X-Tfwb-Sign       lowercase hex HMAC-SHA256(appSecret, string-to-sign)           (code 10001)
// String-to-sign, lines joined by "\n":
//   appId \n timestamp \n nonce \n METHOD \n path (no query) \n lowercase hex SHA-256 of the body
// The body digest binds the exact bytes sent, so the adapter signs the serialised JSON and sends
// that same string.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SC_HEADERS = {
  appId: 'X-Tfwb-AppId',
  timestamp: 'X-Tfwb-Timestamp',
  nonce: 'X-Tfwb-Nonce',
  sign: 'X-Tfwb-Sign',
} as const;

export const SC_TIMESTAMP_WINDOW_MS = 300_000;
export const SC_NONCE_TTL_MS = 600_000;

export interface ScSignedParts {
  appId: string;
  timestamp: string;
  nonce: string;
  method: string;
  path: string;
  body: string | Uint8Array;
}

export function scStringToSign(parts: ScSignedParts): string {
  const digest = createHash('sha256').update(parts.body).digest('hex');
  return [
    parts.appId,
    parts.timestamp,
    parts.nonce,
    parts.method.toUpperCase(),
    parts.path,
    digest,
  ].join('\n');
}

export function scSign(appSecret: string, parts: ScSignedParts): string {
  return createHmac('sha256', appSecret).update(scStringToSign(parts), 'utf8').digest('hex');
}

/** The four X-Tfwb-* headers for one call. */
export function scSignedHeaders(
  credentials: { appId: string; appSecret: string },
  call: { method: string; path: string; body: string },
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  const sign = scSign(credentials.appSecret, {
    appId: credentials.appId,
    timestamp,
    nonce,
    ...call,
  });
  return {
    [SC_HEADERS.appId]: credentials.appId,
    [SC_HEADERS.timestamp]: timestamp,
    [SC_HEADERS.nonce]: nonce,
    [SC_HEADERS.sign]: sign,
  };
}

/** Constant-time check of a received X-Tfwb-Sign. */
export function scSignatureValid(appSecret: string, parts: ScSignedParts, given: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = Buffer.from(scSign(appSecret, parts), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
