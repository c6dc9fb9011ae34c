// What an Idempotency-Key keeps (gateway/README.md#idempotency): what it made — a portal's case, an
// operator's catalogue draft — and a hash of the body it sent, stored as '<id> <requestHash>'; the
// answer is rebuilt from what it made. The value is kept within 44 bytes so Redis stores it
// embedded in its object header ('embstr'): a 26-character case id (or draft ULID), a space and a
// 16-character request hash make 43 (gateway/README.md#lean-records).
import { hash } from 'node:crypto';

export interface IdempotencyRecord {
  /** The case (a submission's key) or the draft (a draft creation's key) the key made. */
  id: string;
  /** The compact request hash, or the legacy 64-hex one of a record stored before it. */
  requestHash: string;
}

/**
 * The SHA-256 of a request's canonical body in the two forms a record may hold: `compact`, its
 * first 96 bits in base64url (16 characters), what is stored; `hex`, the whole digest, what records
 * stored before the compact form hold. 96 bits only tell a changed body under the same key from
 * the same one: the record is found by the key's hash first, so a changed body passes for the
 * first one (and gets that case's 202 instead of 409) only if its hash matches in all 96 bits —
 * 2^-96 by chance, and only the portal that owns the key, forcing a collision against itself,
 * could arrange it, to be answered with its own case.
 */
export interface RequestHash {
  readonly compact: string;
  readonly hex: string;
}

export function hashRequest(canonicalBody: string): RequestHash {
  // One-shot, as sha256Hex (canonical-json.ts): no Hash object per submission.
  const digest = hash('sha256', canonicalBody, 'buffer');
  return { compact: digest.subarray(0, 12).toString('base64url'), hex: digest.toString('hex') };
}

/** A legacy record's request hash: the whole SHA-256 as hex. */
const LEGACY_REQUEST_HASH = /^[0-9a-f]{64}$/;

/**
 * Whether a stored record was made from this body, compared in the form the record holds: a
 * record stored before the compact form lives out its TTL (GW_IDEMPOTENCY_TTL_SECONDS) with the
 * 64-hex hash. Once that long has passed since every gateway wrote the compact form, only the
 * compact comparison is left to do.
 */
export function sameRequest(record: IdempotencyRecord, hash: RequestHash): boolean {
  const legacy = LEGACY_REQUEST_HASH.test(record.requestHash);
  return record.requestHash === (legacy ? hash.hex : hash.compact);
}

export const encodeIdempotency = (r: IdempotencyRecord) => `${r.id} ${r.requestHash}`;

export function decodeIdempotency(raw: string): IdempotencyRecord {
  const space = raw.indexOf(' ');
  // A fault, never input: answered 500 like any corrupt record.
  if (space < 1 || space === raw.length - 1) throw new Error('corrupt idempotency record');
  return { id: raw.slice(0, space), requestHash: raw.slice(space + 1) };
}
