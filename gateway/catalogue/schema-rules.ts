// Bounded-size rules every item schema must meet before the registry will load it: a portal must
// not be able to send an unbounded string or array, nor smuggle fields no one validated.
// Returns every violation with its location inside the schema, so an operator fixes all at once.
// Used by the registry (compile-item.ts) and by scripts/check-items.ts.

export interface SchemaRuleViolation {
  schemaPath: string;
  rule: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SUBSCHEMA_MAPS = ['properties', '$defs', 'patternProperties', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'not', 'if', 'then', 'else', 'contains', 'additionalProperties'];

// Where a schema declares what a value may be. A declaration with no type at all (`{}`, `true`,
// `{ "title": "备注" }`) accepts a string of any length and so defeats every rule below. Inside
// if/then/else/not/contains/allOf/anyOf/oneOf/dependentSchemas a schema only refines a value
// declared elsewhere (additionalProperties: false admits only declared properties), so nothing
// under those is a declaration.
const DECLARING_KEYS = new Set([
  'properties',
  '$defs',
  'patternProperties',
  'items',
  'prefixItems',
  'additionalProperties',
]);

type JsonObject = { [key: string]: Json };

function isObject(schema: Json | undefined): schema is JsonObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

function hasTitle(schema: JsonObject): boolean {
  return typeof schema.title === 'string' && /[\u4e00-\u9fa5]/u.test(schema.title);
}

function isTyped(schema: Json | undefined): boolean {
  if (!isObject(schema)) return schema === false;
  if (['type', '$ref', 'enum', 'const'].some((key) => schema[key] !== undefined)) return true;
  const { allOf, anyOf, oneOf } = schema;
  return (
    (Array.isArray(allOf) && allOf.some(isTyped)) ||
    ([anyOf, oneOf].some(Array.isArray) &&
      [anyOf, oneOf].every(
        (list) => list === undefined || (Array.isArray(list) && list.every(isTyped)),
      ))
  );
}

/** `refining`: under a conditional or combinator, where nothing declares a value. */
function walk(
  schema: Json,
  path: string,
  declaration: boolean,
  refining: boolean,
): SchemaRuleViolation[] {
  if (declaration && !isTyped(schema))
    return [{ schemaPath: path, rule: 'schema without type, $ref, enum or const' }];
  if (!isObject(schema)) return [];
  const s = schema;
  const out: SchemaRuleViolation[] = [];
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (
    types.includes('string') &&
    s.maxLength === undefined &&
    s.enum === undefined &&
    s.const === undefined
  )
    out.push({ schemaPath: path, rule: 'string without maxLength' });
  if (types.includes('array') && s.maxItems === undefined)
    out.push({ schemaPath: path, rule: 'array without maxItems' });
  // A refining object (in a then branch, say) admits nothing its declaration does not; closing it
  // with additionalProperties: false would refuse the declaration's other properties.
  if (
    types.includes('object') &&
    !refining &&
    s.additionalProperties !== false &&
    s.unevaluatedProperties !== false
  )
    out.push({ schemaPath: path, rule: 'object without additionalProperties: false' });
  const descend = (key: string, sub: Json, subPath: string) => {
    const declares = DECLARING_KEYS.has(key);
    out.push(...walk(sub, subPath, !refining && declares, refining || !declares));
  };
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key];
    if (isObject(map))
      for (const [name, sub] of Object.entries(map)) descend(key, sub, `${path}/${key}/${name}`);
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((sub, i) => descend(key, sub, `${path}/${key}/${i}`));
  }
  for (const key of SUBSCHEMAS) {
    // additionalProperties: false is the rule itself, not a declaration of a value.
    if (key === 'additionalProperties' && typeof s[key] !== 'object') continue;
    const sub = s[key];
    if (sub !== undefined) descend(key, sub, `${path}/${key}`);
  }
  return out;
}

/** Every bounded-size violation in `schema`, each located by its path inside the schema. */
export function checkSchemaRules(schema: Json, path = ''): SchemaRuleViolation[] {
  return walk(schema, path, false, false);
}

/** Property schemas must carry a Chinese title (directly or on what they reference). */
export function checkChineseTitles(schema: Json, path = ''): SchemaRuleViolation[] {
  if (!isObject(schema)) return [];
  const out: SchemaRuleViolation[] = [];
  if (path === '' && !hasTitle(schema)) out.push({ schemaPath: '/', rule: 'no Chinese title' });
  const props = schema.properties;
  if (isObject(props)) {
    for (const [name, sub] of Object.entries(props)) {
      const subPath = `${path}/properties/${name}`;
      if (isObject(sub)) {
        if (!hasTitle(sub) && typeof sub.$ref !== 'string')
          out.push({ schemaPath: subPath, rule: 'no Chinese title' });
        out.push(...checkChineseTitles(sub, subPath));
      }
    }
  }
  // Local definitions hold properties too; the definitions themselves need no title.
  const defs = schema.$defs;
  if (isObject(defs))
    for (const [name, sub] of Object.entries(defs))
      out.push(...checkChineseTitles(sub, `${path}/$defs/${name}`));
  for (const key of ['items', ...SUBSCHEMA_LISTS]) {
    const v = schema[key];
    if (Array.isArray(v))
      v.forEach((sub, i) => out.push(...checkChineseTitles(sub, `${path}/${key}/${i}`)));
    else if (v !== undefined) out.push(...checkChineseTitles(v, `${path}/${key}`));
  }
  return out;
}

// A division field names its table (schemas/README.md#division-codes): the shared
// definitions divisionCode and taxAuthorityCode only give the form, and the field says
// `"divisionCode": "member" | "national"` (or `"taxAuthorityCode": …`) beside its $ref, so no
// field is checked against a table nobody chose.
const SCOPED_DEFS = /(^|defs\.schema\.json)#\/\$defs\/(divisionCode|taxAuthorityCode)$/;
const DATA_KEYS = new Set(['enum', 'const', 'examples', 'default', 'crossFieldRules']);

/** Every reference to divisionCode or taxAuthorityCode that does not name its division table. */
export function checkDivisionScopes(schema: Json, path = ''): SchemaRuleViolation[] {
  if (Array.isArray(schema))
    return schema.flatMap((sub, i) => checkDivisionScopes(sub, `${path}/${i}`));
  if (!isObject(schema)) return [];
  const out: SchemaRuleViolation[] = [];
  const ref = typeof schema.$ref === 'string' ? SCOPED_DEFS.exec(schema.$ref) : null;
  if (ref && typeof schema[ref[2]!] !== 'string')
    out.push({
      schemaPath: path,
      rule: `${ref[2]} field without a division table (add "${ref[2]}": "member" or "national")`,
    });
  for (const [key, sub] of Object.entries(schema))
    if (!DATA_KEYS.has(key)) out.push(...checkDivisionScopes(sub, `${path}/${key}`));
  return out;
}

const RULES_ZH: Readonly<Record<string, string>> = {
  'schema without type, $ref, enum or const': '声明字段时未给出 type、$ref、enum 或 const',
  'string without maxLength': '字符串未设 maxLength',
  'array without maxItems': '数组未设 maxItems',
  'object without additionalProperties: false': '对象未设 additionalProperties: false',
  'no Chinese title': '缺少中文 title',
};

/** A violation's rule in Chinese, for an operator's draft report (draft-validation/). */
export function ruleInChinese(rule: string): string {
  const scoped = /^(divisionCode|taxAuthorityCode) field without a division table/.exec(rule);
  if (scoped)
    return `${scoped[1]} 字段未指定区划表(在 $ref 旁加 "${scoped[1]}": "member" 或 "national")`;
  return RULES_ZH[rule] ?? rule;
}
