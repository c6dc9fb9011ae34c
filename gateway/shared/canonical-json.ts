// Canonical JSON (keys sorted at every level) so "the same content" hashes the same whatever the
// key order or whitespace a serializer produced: the Idempotency-Key body digests of cases and
// evaluations, event digests, and the audit chain's entry hashes (gateway/audit/).
import { hash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  // Plain JSON data (a parsed body, a record built in code) is copied with its keys in order and
  // written by one JSON.stringify: one flat string, no intermediate ones (the SW-005 body: ≈ 4
  // instead of ≈ 10 KB allocated, and the hash of a flat string needs no flattening copy).
  if (typeof value === 'object' && value !== null) {
    const sorted = sortedCopy(value);
    if (sorted !== NOT_PLAIN) return JSON.stringify(sorted);
  }
  return canonicalText(value);
}

/** The definition: keys sorted at every level, everything else as JSON.stringify writes it. */
function canonicalText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalText(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += (i > 0 ? ',' : '') + JSON.stringify(key) + ':' + canonicalText(record[key]);
  }
  return out + '}';
}

/** What sortedCopy answers for a value JSON.stringify would not write as canonicalText does. */
const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * A copy of `value` whose objects hold their keys in sorted order, so that JSON.stringify writes
 * exactly canonicalText(value); NOT_PLAIN when it would not: undefined, functions, symbols and
 * bigints (canonicalText writes null in an object, or throws), objects other than plain ones and
 * arrays (a Date, a Map), toJSON, holes, and keys an object cannot list in sorted order (array
 * indices, which JavaScript lists first; __proto__, which would set the copy's prototype).
 */
function sortedCopy(value: unknown): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const element = sortedCopy(value[i]);
      if (element === NOT_PLAIN) return NOT_PLAIN;
      copy.push(element);
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if ((first >= 0x30 && first <= 0x39) || key === '__proto__') return NOT_PLAIN;
  }
  sortKeys(keys);
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const field = sortedCopy(record[key]);
    if (field === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = field;
  }
  return copy;
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

/**
 * SHA-256 of `text` as UTF-8, in hex. Node's one-shot `hash` rather than a Hash object per call:
 * about 1.2 instead of 1.9 µs in process.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
