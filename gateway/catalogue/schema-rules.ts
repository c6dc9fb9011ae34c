// Bounded-size rules every item schema must meet before the registry will load it: a portal must
// not be able to send an unbounded string or array, nor smuggle fields no one validated.
// Returns every violation with its location inside the schema, so an operator fixes all at once.

export interface SchemaRuleViolation {
  schemaPath: string;
  rule: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SUBSCHEMA_MAPS = ['properties', '$defs', 'patternProperties', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'not', 'if', 'then', 'else', 'contains', 'additionalProperties'];

function hasTitle(schema: Record<string, Json>): boolean {
  return typeof schema.title === 'string' && /[\u4e00-\u9fa5]/u.test(schema.title);
}

export function checkSchemaRules(schema: Json, path = ''): SchemaRuleViolation[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  const s = schema;
  const out: SchemaRuleViolation[] = [];
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.const === undefined)
    out.push({ schemaPath: path, rule: 'string without maxLength' });
  if (types.includes('array') && s.maxItems === undefined)
    out.push({ schemaPath: path, rule: 'array without maxItems' });
  if (types.includes('object') && s.additionalProperties !== false && s.unevaluatedProperties !== false)
    out.push({ schemaPath: path, rule: 'object without additionalProperties: false' });
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key];
    if (map && typeof map === 'object' && !Array.isArray(map))
      for (const [name, sub] of Object.entries(map))
        out.push(...checkSchemaRules(sub, `${path}/${key}/${name}`));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((sub, i) => out.push(...checkSchemaRules(sub, `${path}/${key}/${i}`)));
  }
  for (const key of SUBSCHEMAS) {
    if (key === 'additionalProperties' && typeof s[key] !== 'object') continue;
    if (s[key] !== undefined) out.push(...checkSchemaRules(s[key], `${path}/${key}`));
  }
  return out;
}

/** Property schemas must carry a Chinese title (directly or on what they reference). */
export function checkChineseTitles(schema: Json, path = ''): SchemaRuleViolation[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  const out: SchemaRuleViolation[] = [];
  if (path === '' && !hasTitle(schema)) out.push({ schemaPath: '/', rule: 'no Chinese title' });
  const props = schema.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    for (const [name, sub] of Object.entries(props)) {
      const subPath = `${path}/properties/${name}`;
      if (typeof sub === 'object' && sub !== null && !Array.isArray(sub)) {
        if (!hasTitle(sub) && typeof sub.$ref !== 'string')
          out.push({ schemaPath: subPath, rule: 'no Chinese title' });
        out.push(...checkChineseTitles(sub, subPath));
      }
    }
  }
  for (const key of ['items', ...SUBSCHEMA_LISTS]) {
    const v = schema[key];
    const subs = Array.isArray(v) ? v : v === undefined ? [] : [v];
    subs.forEach((sub, i) => out.push(...checkChineseTitles(sub, `${path}/${key}/${i}`)));
  }
  return out;
}
