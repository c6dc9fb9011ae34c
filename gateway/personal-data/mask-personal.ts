// Applies compiled personal locations (personal-locations.ts) to a value: masking for responses,
// and listing the personal values, for the tests that search a response or raw Redis for them.
// Only the locations are walked, so the cost follows the annotations, not the size of the payload.
import { MASKS } from './masks.ts';
import type { PersonalKind } from './personal-kind.ts';
import type { PersonalLocations } from './personal-locations.ts';
import { EVERY } from './schema-fields.ts';

export interface PersonalValue {
  /** The concrete pointer, `*` replaced by the index or property name. */
  readonly pointer: string;
  readonly kind: PersonalKind;
  readonly value: string;
}

interface Slot {
  readonly holder: Record<string, unknown> | unknown[];
  readonly key: string;
  readonly path: string;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function has(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The slots `tokens` reach below `root['']`; absent fields are simply not there. */
function slots(root: { '': unknown }, tokens: readonly string[]): Slot[] {
  let found: Slot[] = [{ holder: root, key: '', path: '' }];
  for (const token of tokens) {
    const next: Slot[] = [];
    for (const { holder, key, path } of found) {
      const value = (holder as Record<string, unknown>)[key];
      if (!isContainer(value)) continue;
      const keys = token === EVERY ? Object.keys(value) : has(value, token) ? [token] : [];
      for (const k of keys) next.push({ holder: value, key: k, path: `${path}/${escape(k)}` });
    }
    found = next;
  }
  return found;
}

/** Every string inside a personal value (the value itself when it is one). */
function strings(value: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof value === 'string') out.push({ path, value });
  else if (isContainer(value))
    for (const [k, v] of Object.entries(value)) strings(v, `${path}/${escape(k)}`, out);
}

function masked(value: unknown, mask: (s: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((v) => masked(v, mask));
  if (isContainer(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, mask)]));
  return value;
}

/** A deep copy of `data` with every personal value masked by its kind. */
export function maskPersonal<T>(data: T, locations: PersonalLocations): T {
  const root = { '': structuredClone(data) as unknown };
  for (const { tokens, kind } of locations)
    for (const { holder, key } of slots(root, tokens)) {
      const slot = holder as Record<string, unknown>;
      slot[key] = masked(slot[key], MASKS[kind]);
    }
  return root[''] as T;
}

/** Every personal string in `data`, with its pointer and kind. */
export function personalValues(data: unknown, locations: PersonalLocations): PersonalValue[] {
  const out: PersonalValue[] = [];
  for (const { tokens, kind } of locations)
    for (const { holder, key, path } of slots({ '': data }, tokens)) {
      const found: { path: string; value: string }[] = [];
      strings((holder as Record<string, unknown>)[key], path, found);
      out.push(...found.map((f) => ({ pointer: f.path, kind, value: f.value })));
    }
  return out;
}
