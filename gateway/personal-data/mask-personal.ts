// Applies compiled personal locations (personal-locations.ts) to a value: masking for responses,
// and listing the personal values, for the tests that search a response or raw Redis for them.
// Only the locations are walked, so the cost follows the annotations, not the size of the payload.
// A value is taken by the first location that reaches it and whose conditions hold, and only once.
import { escapeToken } from '../shared/json-pointer.ts';
import type { FreeTextLocation } from './free-text-locations.ts';
import { maskFreeText } from './mask-free-text.ts';
import { MASKS } from './masks.ts';
import type { PersonalKind } from './personal-kind.ts';
import type { PersonalLocation, PersonalLocations } from './personal-locations.ts';
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
  /** The values from the root down to this slot's parent. */
  readonly trail: readonly unknown[];
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function has(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** The slots `tokens` reach below `root['']`; absent fields are simply not there. */
function slots(root: { '': unknown }, tokens: readonly string[]): Slot[] {
  let found: Slot[] = [{ holder: root, key: '', path: '', trail: [] }];
  for (const token of tokens) {
    const next: Slot[] = [];
    for (const { holder, key, path, trail } of found) {
      const value = (holder as Record<string, unknown>)[key];
      if (!isContainer(value)) continue;
      const keys = token === EVERY ? Object.keys(value) : has(value, token) ? [token] : [];
      for (const k of keys)
        next.push({
          holder: value,
          key: k,
          path: `${path}/${escapeToken(k)}`,
          trail: [...trail, value],
        });
    }
    found = next;
  }
  return found;
}

/** The slots of a location whose conditions hold, each path once across all locations. */
function* taken(
  root: { '': unknown },
  locations: PersonalLocations,
): Generator<{ slot: Slot; location: PersonalLocation }> {
  const seen = new Set<string>();
  for (const location of locations)
    for (const slot of slots(root, location.tokens)) {
      if (seen.has(slot.path)) continue;
      const value = (slot.holder as Record<string, unknown>)[slot.key];
      const trail = [...slot.trail, value];
      if (!(location.when ?? []).every((c) => c.test(trail[c.depth]))) continue;
      seen.add(slot.path);
      yield { slot, location };
    }
}

/** Every string inside a personal value (the value itself when it is one). */
function strings(value: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof value === 'string') out.push({ path, value });
  else if (isContainer(value))
    for (const [k, v] of Object.entries(value)) strings(v, `${path}/${escapeToken(k)}`, out);
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
  // Collected first: masking while walking would let a condition read a value already masked.
  for (const { slot, location } of [...taken(root, locations)]) {
    const holder = slot.holder as Record<string, unknown>;
    holder[slot.key] = masked(holder[slot.key], MASKS[location.kind]);
  }
  return root[''] as T;
}

/**
 * A deep copy of `data` with the free text at `locations` masked as free text: the ID, mobile and
 * long numbers in it (a typed result's 扣款失败原因, free-text-locations.ts).
 */
export function maskFreeTextAt<T>(data: T, locations: readonly FreeTextLocation[]): T {
  const root = { '': structuredClone(data) as unknown };
  for (const location of locations)
    for (const slot of slots(root, location.tokens)) {
      const holder = slot.holder as Record<string, unknown>;
      holder[slot.key] = masked(holder[slot.key], maskFreeText);
    }
  return root[''] as T;
}

/** Every personal string in `data`, with its pointer and kind. */
export function personalValues(data: unknown, locations: PersonalLocations): PersonalValue[] {
  const out: PersonalValue[] = [];
  for (const { slot, location } of taken({ '': data }, locations)) {
    const found: { path: string; value: string }[] = [];
    strings((slot.holder as Record<string, unknown>)[slot.key], slot.path, found);
    out.push(...found.map((f) => ({ pointer: f.path, kind: location.kind, value: f.value })));
  }
  return out;
}
