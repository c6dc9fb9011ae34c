// Canonical JSON (keys sorted at every level) so "the same content" hashes the same whatever the
// key order or whitespace a serializer produced: the Idempotency-Key body digests of cases and
// evaluations, event digests, and the audit chain's entry hashes (gateway/audit/).
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  // Loops and string concatenation rather than map/join: half the time on a submission-sized body
  // (≈ 14 µs instead of ≈ 27 µs for the SW-005 example), and this runs on every submission.
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += (i > 0 ? ',' : '') + JSON.stringify(key) + ':' + canonicalJson(record[key]);
  }
  return out + '}';
}

// Up to this many keys (an object of a submission has a handful), sortKeys sorts in place by
// insertion; Array.prototype.sort copies the keys into a work array first, which on the SW-005
// example was ≈ 8 KB of the ≈ 18 KB canonicalJson allocated. Larger objects go to sort (a body is
// untrusted: insertion sort is quadratic).
const INSERTION_SORT_MAX = 32;

/** `keys` in the order sort() gives strings (UTF-16 code units), sorted in place. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
