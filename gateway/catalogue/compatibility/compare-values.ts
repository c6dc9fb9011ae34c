// The rules on what a single value may be (compatibility-rules.ts): type, enum/const, pattern,
// format, lengths, ranges, multipleOf and the project's keywords. When the published version
// allows only a list of values (enum, const), the question is exact — does the draft accept each
// of them? — so each value is tested against the draft's facets; otherwise facet is compared with
// facet, a bound that moves inwards being a narrowing and one that moves outwards a widening.
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { Bound, Facets } from './schema-facets.ts';

export type Emit = (path: string, rule: string, detail: string) => void;

const show = (value: unknown) => {
  const text = canonicalJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const list = (values: Iterable<unknown>) => [...values].map(show).join(', ');

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeAllows(types: ReadonlySet<string>, type: string): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

/** Whether a value of `type` can pass `facets` as far as the type goes. */
export function mayBe(facets: Facets, type: string): boolean {
  if (facets.values) return facets.values.some((v) => typeAllows(new Set([type]), typeOf(v)));
  if (!facets.types) return true;
  return typeAllows(facets.types, type) || (type === 'number' && facets.types.has('integer'));
}

const codePoints = (s: string) => [...s].length;

function matches(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return undefined;
  }
}

const below = (value: number, lower: Bound | undefined) =>
  lower !== undefined && (lower.exclusive ? value <= lower.value : value < lower.value);
const above = (value: number, upper: Bound | undefined) =>
  upper !== undefined && (upper.exclusive ? value >= upper.value : value > upper.value);
const isMultiple = (value: number, step: number) => {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9;
};

/** Each value the base allows, tested against the draft's facets. */
function compareAllowedValues(base: Facets, next: Facets, path: string, emit: Emit): void {
  const nextValues = next.values && new Set(next.values.map(canonicalJson));
  for (const value of base.values ?? []) {
    const type = typeOf(value);
    const v = show(value);
    if (next.types && !typeAllows(next.types, type))
      emit(path, 'type-narrowed', `${v} is a ${type}, no longer accepted`);
    if (nextValues && !nextValues.has(canonicalJson(value)))
      emit(path, 'enum-narrowed', `${v} is no longer allowed`);
    if (typeof value === 'string') {
      for (const p of next.patterns)
        if (!base.patterns.has(p) && matches(p, value) !== true)
          emit(
            path,
            base.patterns.size ? 'pattern-changed' : 'pattern-added',
            `${v} does not match ${p}`,
          );
      const length = codePoints(value);
      if (next.minLength !== undefined && length < next.minLength)
        emit(path, 'length-narrowed', `${v} is shorter than minLength ${next.minLength}`);
      if (next.maxLength !== undefined && length > next.maxLength)
        emit(path, 'length-narrowed', `${v} is longer than maxLength ${next.maxLength}`);
    }
    if (typeof value === 'number') {
      if (below(value, next.lower) || above(value, next.upper))
        emit(path, 'range-narrowed', `${v} is outside the new range ${range(next)}`);
      for (const step of next.multipleOf)
        if (!isMultiple(value, step))
          emit(path, 'multiple-of-narrowed', `${v} is not a multiple of ${step}`);
    }
    if (next.maxJsonLength !== undefined && JSON.stringify(value).length > next.maxJsonLength)
      emit(path, 'length-narrowed', `${v} is longer than maxJsonLength ${next.maxJsonLength}`);
  }
  if (!next.values)
    emit(path, 'enum-widened', `any value is allowed now, not only ${list(base.values ?? [])}`);
  else {
    const old = new Set((base.values ?? []).map(canonicalJson));
    const added = next.values.filter((value) => !old.has(canonicalJson(value)));
    if (added.length > 0) emit(path, 'enum-widened', `now also allows ${list(added)}`);
  }
}

function compareTypes(base: Facets, next: Facets, path: string, emit: Emit): void {
  const b = base.types;
  const n = next.types;
  if (n && !b) emit(path, 'type-narrowed', `only ${[...n].join(' or ')} now, was any type`);
  if (n && b) {
    const lost = [...b].filter((t) => !typeAllows(n, t));
    if (lost.length > 0) emit(path, 'type-narrowed', `${lost.join(', ')} no longer accepted`);
  }
  if (b && !n) emit(path, 'type-widened', `any type now, was ${[...b].join(' or ')}`);
  if (b && n) {
    const gained = [...n].filter((t) => !typeAllows(b, t));
    if (gained.length > 0) emit(path, 'type-widened', `${gained.join(', ')} accepted now`);
  }
}

function compareSets(
  base: ReadonlySet<string>,
  next: ReadonlySet<string>,
  rules: { added: string; changed: string; removed: string },
  what: string,
  path: string,
  emit: Emit,
): void {
  const added = [...next].filter((p) => !base.has(p));
  const removed = [...base].filter((p) => !next.has(p));
  if (added.length > 0 && removed.length > 0)
    emit(path, rules.changed, `${what} ${list(removed)} became ${list(added)}`);
  else if (added.length > 0)
    emit(path, base.size ? rules.changed : rules.added, `${what} ${list(added)} imposed`);
  else if (removed.length > 0) emit(path, rules.removed, `${what} ${list(removed)} lifted`);
}

/** min-style bound: undefined is 0 (or −∞); raising it narrows. */
function compareMin(
  b: number | undefined,
  n: number | undefined,
  rule: string,
  what: string,
  path: string,
  emit: Emit,
) {
  if (b === n) return;
  const from = b ?? 0;
  const to = n ?? 0;
  if (to > from) emit(path, `${rule}-narrowed`, `${what} ${b ?? 'none'} → ${n ?? 'none'}`);
  else if (to < from) emit(path, `${rule}-widened`, `${what} ${b ?? 'none'} → ${n ?? 'none'}`);
}

/** max-style bound: undefined is ∞; lowering it narrows. */
function compareMax(
  b: number | undefined,
  n: number | undefined,
  rule: string,
  what: string,
  path: string,
  emit: Emit,
) {
  if (b === n) return;
  const from = b ?? Infinity;
  const to = n ?? Infinity;
  if (to < from) emit(path, `${rule}-narrowed`, `${what} ${b ?? 'none'} → ${n ?? 'none'}`);
  else if (to > from) emit(path, `${rule}-widened`, `${what} ${b ?? 'none'} → ${n ?? 'none'}`);
}

function range(f: Facets): string {
  const lower = f.lower ? `${f.lower.exclusive ? '>' : '≥'} ${f.lower.value}` : '';
  const upper = f.upper ? `${f.upper.exclusive ? '<' : '≤'} ${f.upper.value}` : '';
  return [lower, upper].filter(Boolean).join(' and ') || 'any number';
}

/** -1: `next` is looser, 1: tighter, 0: the same; `sign` is 1 for a lower bound, -1 for an upper. */
function boundOrder(b: Bound | undefined, n: Bound | undefined, sign: number): number {
  if (!b && !n) return 0;
  if (!b) return 1;
  if (!n) return -1;
  if (n.value !== b.value) return Math.sign((n.value - b.value) * sign);
  return n.exclusive === b.exclusive ? 0 : n.exclusive ? 1 : -1;
}

function compareRanges(base: Facets, next: Facets, path: string, emit: Emit): void {
  const orders = [boundOrder(base.lower, next.lower, 1), boundOrder(base.upper, next.upper, -1)];
  const detail = `${range(base)} → ${range(next)}`;
  if (orders.includes(1)) emit(path, 'range-narrowed', detail);
  if (orders.includes(-1)) emit(path, 'range-widened', detail);
  // A value that was a multiple of the old step is a multiple of the new one when the old step is.
  const steps = (f: Facets) => f.multipleOf.join(', ') || 'none';
  const kept = (old: number) => (step: number) => isMultiple(old, step);
  const narrowed = next.multipleOf.some((step) => !base.multipleOf.some((old) => kept(old)(step)));
  if (narrowed) emit(path, 'multiple-of-narrowed', `multipleOf ${steps(base)} → ${steps(next)}`);
  else if (steps(base) !== steps(next))
    emit(path, 'multiple-of-widened', `multipleOf ${steps(base)} → ${steps(next)}`);
}

/** Type, values, pattern, format, lengths and ranges of the value at `path`. */
export function compareValueFacets(base: Facets, next: Facets, path: string, emit: Emit): void {
  if (base.values) compareAllowedValues(base, next, path, emit);
  else {
    compareTypes(base, next, path, emit);
    if (next.values) emit(path, 'enum-narrowed', `only ${list(next.values)} allowed now`);
  }
  const pattern = {
    added: 'pattern-added',
    changed: 'pattern-changed',
    removed: 'pattern-removed',
  };
  const format = { added: 'format-added', changed: 'format-changed', removed: 'format-removed' };
  if (mayBe(base, 'string')) {
    if (!base.values) {
      compareSets(base.patterns, next.patterns, pattern, 'pattern', path, emit);
      compareMin(base.minLength, next.minLength, 'length', 'minLength', path, emit);
      compareMax(base.maxLength, next.maxLength, 'length', 'maxLength', path, emit);
    }
    compareSets(base.formats, next.formats, format, 'format', path, emit);
  }
  if (!base.values)
    compareMax(base.maxJsonLength, next.maxJsonLength, 'length', 'maxJsonLength', path, emit);
  if (mayBe(base, 'number') && !base.values) compareRanges(base, next, path, emit);
  if (mayBe(base, 'array')) {
    compareMin(base.minItems, next.minItems, 'item-count', 'minItems', path, emit);
    compareMax(base.maxItems, next.maxItems, 'item-count', 'maxItems', path, emit);
    if (next.uniqueItems !== base.uniqueItems)
      emit(
        path,
        next.uniqueItems ? 'item-count-narrowed' : 'item-count-widened',
        `uniqueItems ${base.uniqueItems} → ${next.uniqueItems}`,
      );
  }
  if (mayBe(base, 'object')) {
    compareMin(
      base.minProperties,
      next.minProperties,
      'property-count',
      'minProperties',
      path,
      emit,
    );
    compareMax(
      base.maxProperties,
      next.maxProperties,
      'property-count',
      'maxProperties',
      path,
      emit,
    );
  }
}
