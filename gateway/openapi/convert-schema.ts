// Turns our JSON Schema 2020-12 files into self-contained OpenAPI 3.1 components. OpenAPI 3.1's
// Schema Object IS 2020-12, so the meaning is kept as is; only three things change:
//  - $ref to defs.schema.json (or a file's own #/$defs) point into #/components/schemas, because
//    a published document must not depend on files a client cannot fetch;
//  - $id/$schema go: with an $id, a client would resolve "#/..." against our (unreachable) schema
//    URL instead of against the OpenAPI document;
//  - our identifier keywords (create-ajv.ts) are not standard JSON Schema, so generic validators
//    would ignore them silently. They become an `x-gw-check` extension plus a sentence in the
//    description, so a portal developer knows the gateway checks more than the schema says;
//  - an item's cross-field rules (crossFieldRules) become `x-gw-rules`, with one sentence each.
import { RULES_KEYWORD, SCHEMA_BASE } from '../catalogue/create-ajv.ts';
import { CROSS_FIELD_RULES } from '../catalogue/rules/rule-catalogue.ts';

export type JsonSchema = Record<string, unknown>;

/**
 * What each custom keyword checks (schemas/README.md#identifier-keywords; maxJsonLength bounds a
 * free-form object), for the description of the converted schema.
 */
export const GATEWAY_CHECKS: Readonly<Record<string, string>> = {
  creditCode:
    'GB 32100-2015 unified social credit code: a registration authority and category pair of the standard, digits in positions 3-8, a valid check character',
  idNumber:
    'GB 11643-1999 resident ID number: a provincial-level address prefix, a real birth date not after today in China (UTC+8), a valid check character',
  taxpayerId:
    "a credit code, a natural person's ID number, an ID number + 2 digits or a legacy 15-character id (division + GB 11714 organisation code)",
  taxAuthorityCode:
    '1 + a six-digit division code + 4 digits; the division is current in the named table (member: the alliance; national: all of China)',
  divisionCode:
    'a six-digit code present in the named current GB/T 2260 table (member: the alliance; national: all of China)',
  orderedPeriod: 'start is not after end ("past": and end is not after today in China, UTC+8)',
  maxJsonLength: 'the value written as JSON is at most that many characters',
};

export const COMPONENT_REF = '#/components/schemas/';
export const DEFS_PREFIX = 'defs.';

// Keywords whose value is one schema, a list of schemas, or a name → schema map (2020-12 core and
// applicator vocabularies). Everything else (enum, const, required, examples…) is data and must
// never be walked: a property called "creditCode" is not the creditCode keyword.
const ONE_SCHEMA = new Set([
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const DROPPED = new Set(['$id', '$schema']);

const DEFS_REF = new RegExp(
  `^(?:${escapeRegExp(SCHEMA_BASE)}|\\.\\./)?defs\\.schema\\.json#/\\$defs/([^/]+)(.*)$`,
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface ConvertContext {
  /** Component name the schema becomes, e.g. "item.SW-005.v1"; its local refs point there. */
  readonly self: string;
  /** True for defs.schema.json itself: its $defs are hoisted, one component each. */
  readonly hoistedDefs?: boolean;
}

/** Rewrites one $ref; throws on a reference the document could not resolve. */
export function rewriteRef(ref: string, context: ConvertContext): string {
  const shared = DEFS_REF.exec(ref);
  if (shared) return `${COMPONENT_REF}${DEFS_PREFIX}${shared[1]}${shared[2]}`;
  if (context.hoistedDefs) {
    const local = /^#\/\$defs\/([^/]+)(.*)$/.exec(ref);
    if (local) return `${COMPONENT_REF}${DEFS_PREFIX}${local[1]}${local[2]}`;
  }
  if (ref === '#' || ref.startsWith('#/')) return `${COMPONENT_REF}${context.self}${ref.slice(1)}`;
  // Refusing at start beats publishing a document with a dangling reference.
  throw new Error(`${context.self}: cannot publish $ref ${ref} (only defs.schema.json and local)`);
}

function checkName(keyword: string, value: unknown): string {
  return value === true ? keyword : `${keyword}:${String(value)}`;
}

/** A deep copy of `schema` in its OpenAPI form (see the file header for what changes). */
export function toComponent(schema: unknown, context: ConvertContext): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: JsonSchema = {};
  const checks: [keyword: string, value: unknown][] = [];
  const rules: JsonSchema[] = [];
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (DROPPED.has(key)) continue;
    if (key in GATEWAY_CHECKS) checks.push([key, value]);
    else if (key === RULES_KEYWORD && Array.isArray(value)) rules.push(...(value as JsonSchema[]));
    else if (key === '$ref' && typeof value === 'string') out.$ref = rewriteRef(value, context);
    else if (ONE_SCHEMA.has(key)) out[key] = toComponent(value, context);
    else if (SCHEMA_LIST.has(key) && Array.isArray(value))
      out[key] = value.map((s) => toComponent(s, context));
    else if (SCHEMA_MAP.has(key) && typeof value === 'object' && value !== null)
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, toComponent(s, context)]),
      );
    else out[key] = structuredClone(value);
  }
  if (checks.length > 0) {
    const names = checks.map(([keyword, value]) => checkName(keyword, value));
    const sentences = checks.map(
      ([keyword], i) => `Gateway check (x-gw-check: ${names[i]}): ${GATEWAY_CHECKS[keyword]}.`,
    );
    out.description = [out.description, ...sentences].filter(Boolean).join(' ');
    out['x-gw-check'] = names.length === 1 ? names[0] : names;
  }
  if (rules.length > 0) {
    const sentences = rules.map((entry) => {
      const { rule, ...params } = entry;
      const summary = CROSS_FIELD_RULES.get(String(rule))?.summary ?? String(rule);
      return `Gateway rule ${String(rule)} (${JSON.stringify(params)}): ${summary}.`;
    });
    out.description = [out.description, ...sentences].filter(Boolean).join(' ');
    out['x-gw-rules'] = structuredClone(rules);
  }
  return out;
}

/** defs.schema.json → one component per definition, named "defs.<name>". */
export function defsComponents(defsFile: JsonSchema): Record<string, unknown> {
  const defs = (defsFile.$defs ?? {}) as Record<string, unknown>;
  const context: ConvertContext = { self: 'defs', hoistedDefs: true };
  return Object.fromEntries(
    Object.entries(defs).map(([name, schema]) => [
      `${DEFS_PREFIX}${name}`,
      toComponent(schema, context),
    ]),
  );
}
