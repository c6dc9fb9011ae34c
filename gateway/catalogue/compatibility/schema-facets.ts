// One schema location reduced to the constraints it puts on a value ("facets"), so two versions
// can be compared keyword by keyword: the node's own keywords, what its `$ref` points to and its
// allOf entries are all conjuncts of one value (draft 2020-12: `$ref` beside other keywords is a
// conjunction), so their facets merge — types and values intersect, bounds take the tighter,
// patterns, required names and sub-schemas accumulate. Conditionals, alternatives and negations
// are kept as written: compare-conditionals.ts pairs them up.
import { canonicalJson } from '../../shared/canonical-json.ts';
import { resolveReference, type Located, type ResolveRef } from './schema-references.ts';

export interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

export interface Conditional {
  /** canonical JSON of the `if`, to pair a condition with its counterpart in the other version. */
  readonly key: string;
  readonly then: Located[];
  readonly else: Located[];
}

export interface Facets {
  /** The schema accepts nothing (`false`). */
  never: boolean;
  types: Set<string> | undefined;
  /** enum ∩ const; undefined when any value of the types is allowed. */
  values: unknown[] | undefined;
  patterns: Set<string>;
  formats: Set<string>;
  minLength: number | undefined;
  maxLength: number | undefined;
  maxJsonLength: number | undefined;
  lower: Bound | undefined;
  upper: Bound | undefined;
  multipleOf: number[];
  minItems: number | undefined;
  maxItems: number | undefined;
  uniqueItems: boolean;
  minProperties: number | undefined;
  maxProperties: number | undefined;
  properties: Map<string, Located[]>;
  required: Set<string>;
  /** additionalProperties or unevaluatedProperties is false. */
  closed: boolean;
  additional: Located[];
  patternProperties: Map<string, Located[]>;
  items: Located[];
  prefixItems: Located[][];
  contains: Located[];
  dependentRequired: Map<string, Set<string>>;
  conditionals: Conditional[];
  anyOf: string[][];
  oneOf: string[][];
  not: string[];
  /** The project's keywords (divisionCode, orderedPeriod, crossFieldRules, x-personal…). */
  custom: Map<string, unknown[]>;
  /** Validation keywords the comparison does not know, as canonical JSON. */
  unknown: Map<string, string[]>;
  unresolved: string[];
}

export const CUSTOM_KEYWORDS = new Set([
  'divisionCode',
  'taxAuthorityCode',
  'creditCode',
  'idNumber',
  'taxpayerId',
  'orderedPeriod',
  'crossFieldRules',
  'x-personal',
]);

// Keywords that constrain nothing: they describe, identify or (resultSchema) travel with the item.
// $defs is compared only where a $ref uses it.
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'resultSchema',
  'then',
  'else',
]);

export function emptyFacets(): Facets {
  return {
    never: false,
    types: undefined,
    values: undefined,
    patterns: new Set(),
    formats: new Set(),
    minLength: undefined,
    maxLength: undefined,
    maxJsonLength: undefined,
    lower: undefined,
    upper: undefined,
    multipleOf: [],
    minItems: undefined,
    maxItems: undefined,
    uniqueItems: false,
    minProperties: undefined,
    maxProperties: undefined,
    properties: new Map(),
    required: new Set(),
    closed: false,
    additional: [],
    patternProperties: new Map(),
    items: [],
    prefixItems: [],
    contains: [],
    dependentRequired: new Map(),
    conditionals: [],
    anyOf: [],
    oneOf: [],
    not: [],
    custom: new Map(),
    unknown: new Map(),
    unresolved: [],
  };
}

/** A copy whose collections can be added to without touching `facets`. */
export function copyFacets(facets: Facets): Facets {
  return {
    ...facets,
    types: facets.types && new Set(facets.types),
    patterns: new Set(facets.patterns),
    formats: new Set(facets.formats),
    multipleOf: [...facets.multipleOf],
    properties: new Map([...facets.properties].map(([k, v]) => [k, [...v]])),
    required: new Set(facets.required),
    additional: [...facets.additional],
    patternProperties: new Map([...facets.patternProperties].map(([k, v]) => [k, [...v]])),
    items: [...facets.items],
    prefixItems: facets.prefixItems.map((list) => [...list]),
    contains: [...facets.contains],
    dependentRequired: new Map([...facets.dependentRequired].map(([k, v]) => [k, new Set(v)])),
    conditionals: [...facets.conditionals],
    anyOf: [...facets.anyOf],
    oneOf: [...facets.oneOf],
    not: [...facets.not],
    custom: new Map([...facets.custom].map(([k, v]) => [k, [...v]])),
    unknown: new Map([...facets.unknown].map(([k, v]) => [k, [...v]])),
    unresolved: [...facets.unresolved],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const tighterMin = (a: number | undefined, b: unknown) =>
  isNumber(b) ? (a === undefined ? b : Math.max(a, b)) : a;
const tighterMax = (a: number | undefined, b: unknown) =>
  isNumber(b) ? (a === undefined ? b : Math.min(a, b)) : a;

function tighterLower(a: Bound | undefined, b: Bound): Bound {
  if (!a || b.value > a.value || (b.value === a.value && b.exclusive)) return b;
  return a;
}

function tighterUpper(a: Bound | undefined, b: Bound): Bound {
  if (!a || b.value < a.value || (b.value === a.value && b.exclusive)) return b;
  return a;
}

function intersectTypes(a: Set<string> | undefined, b: Set<string>): Set<string> {
  if (!a) return b;
  const out = new Set<string>();
  for (const t of b) {
    if (a.has(t)) out.add(t);
    else if (t === 'integer' && a.has('number')) out.add('integer');
    else if (t === 'number' && a.has('integer')) out.add('integer');
  }
  return out;
}

function intersectValues(a: unknown[] | undefined, b: unknown[]): unknown[] {
  if (!a) return b;
  const keys = new Set(b.map(canonicalJson));
  return a.filter((v) => keys.has(canonicalJson(v)));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];

// A $ref chain longer than this is a cycle or garbage; the rest is reported unresolved.
const MAX_EXPANSIONS = 200;

/** Adds the constraints of `located` (and everything it references) to `facets`. */
export function addNode(facets: Facets, located: Located, resolveRef: ResolveRef): Facets {
  const pending: Located[] = [located];
  const expanded = new Set<string>();
  while (pending.length > 0) {
    const { node, doc } = pending.shift()!;
    if (node === false) facets.never = true;
    if (!isObject(node)) continue;
    const at = (sub: unknown): Located => ({ node: sub, doc });
    for (const [key, value] of Object.entries(node)) {
      switch (key) {
        case '$ref': {
          if (typeof value !== 'string') break;
          const id = `${'uri' in doc ? doc.uri : ''}|${value}`;
          if (expanded.has(id)) break;
          expanded.add(id);
          const target =
            expanded.size > MAX_EXPANSIONS ? undefined : resolveReference(value, doc, resolveRef);
          if (target) pending.push(target);
          else facets.unresolved.push(value);
          break;
        }
        case 'type': {
          const types = typeof value === 'string' ? [value] : strings(value);
          facets.types = intersectTypes(facets.types, new Set(types));
          break;
        }
        case 'enum':
          if (Array.isArray(value)) facets.values = intersectValues(facets.values, value);
          break;
        case 'const':
          facets.values = intersectValues(facets.values, [value]);
          break;
        case 'pattern':
          if (typeof value === 'string') facets.patterns.add(value);
          break;
        case 'format':
          if (typeof value === 'string') facets.formats.add(value);
          break;
        case 'minLength':
        case 'minItems':
        case 'minProperties':
          facets[key] = tighterMin(facets[key], value);
          break;
        case 'maxLength':
        case 'maxItems':
        case 'maxProperties':
        case 'maxJsonLength':
          facets[key] = tighterMax(facets[key], value);
          break;
        case 'minimum':
        case 'exclusiveMinimum':
          if (isNumber(value))
            facets.lower = tighterLower(facets.lower, { value, exclusive: key !== 'minimum' });
          break;
        case 'maximum':
        case 'exclusiveMaximum':
          if (isNumber(value))
            facets.upper = tighterUpper(facets.upper, { value, exclusive: key !== 'maximum' });
          break;
        case 'multipleOf':
          if (isNumber(value) && value > 0) facets.multipleOf.push(value);
          break;
        case 'uniqueItems':
          facets.uniqueItems ||= value === true;
          break;
        case 'properties':
          if (isObject(value))
            for (const [name, sub] of Object.entries(value)) push(facets.properties, name, at(sub));
          break;
        case 'patternProperties':
          if (isObject(value))
            for (const [p, sub] of Object.entries(value))
              push(facets.patternProperties, p, at(sub));
          break;
        case 'required':
          for (const name of strings(value)) facets.required.add(name);
          break;
        case 'additionalProperties':
        case 'unevaluatedProperties':
          if (value === false) facets.closed = true;
          else if (value !== true) facets.additional.push(at(value));
          break;
        case 'items':
          facets.items.push(at(value));
          break;
        case 'prefixItems':
          if (Array.isArray(value))
            value.forEach((sub, i) => (facets.prefixItems[i] ??= []).push(at(sub)));
          break;
        case 'contains':
          facets.contains.push(at(value));
          break;
        case 'dependentRequired':
          if (isObject(value))
            for (const [name, needs] of Object.entries(value)) {
              const set = facets.dependentRequired.get(name) ?? new Set<string>();
              for (const need of strings(needs)) set.add(need);
              facets.dependentRequired.set(name, set);
            }
          break;
        case 'allOf':
          if (Array.isArray(value)) pending.push(...value.map(at));
          break;
        case 'if':
          facets.conditionals.push({
            key: canonicalJson(value),
            then: node.then === undefined ? [] : [at(node.then)],
            else: node.else === undefined ? [] : [at(node.else)],
          });
          break;
        case 'anyOf':
        case 'oneOf':
          if (Array.isArray(value)) facets[key].push(value.map(canonicalJson));
          break;
        case 'not':
          facets.not.push(canonicalJson(value));
          break;
        default:
          if (CUSTOM_KEYWORDS.has(key)) push(facets.custom, key, value);
          else if (!ANNOTATIONS.has(key)) push(facets.unknown, key, canonicalJson(value));
      }
    }
  }
  return facets;
}

/** The facets of a location given by one or more conjunct schemas. */
export function facetsOf(conjuncts: readonly Located[], resolveRef: ResolveRef): Facets {
  const facets = emptyFacets();
  for (const located of conjuncts) addNode(facets, located, resolveRef);
  return facets;
}
