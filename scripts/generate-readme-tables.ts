// Writes README.md's generated tables: configuration (from config/settings-schema.ts) and error
// codes (from gateway/shared/errors.ts), and schemas/README.md's cross-field rule tables (from
// gateway/catalogue/rules/ and the item schemas) and compatibility rule table (from
// gateway/catalogue/compatibility/compatibility-rules.ts), each between its markers. Tests fail
// when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { settingSpecs } from '../config/load-config.ts';
import { loadCatalogue } from '../gateway/catalogue/catalogue-loader.ts';
import { COMPATIBILITY_RULES } from '../gateway/catalogue/compatibility/compatibility-rules.ts';
import { readSchemaFile, RESULT_KEYWORD, RULES_KEYWORD } from '../gateway/catalogue/create-ajv.ts';
import { itemSchemaFile } from '../gateway/catalogue/item-files.ts';
import {
  compileRuleList,
  compileRules,
  type CompiledRule,
} from '../gateway/catalogue/rules/compile-rules.ts';
import type { RuleParam } from '../gateway/catalogue/rules/cross-field-rule.ts';
import { CROSS_FIELD_RULES } from '../gateway/catalogue/rules/rule-catalogue.ts';
import { ERROR_CATALOGUE } from '../gateway/shared/errors.ts';
import { projectPath } from '../gateway/shared/project-root.ts';

export function renderConfigTable(): string {
  const rows = settingSpecs().map((s) => {
    const def = s.default === undefined ? '—' : `\`${JSON.stringify(s.default)}\``;
    const constraint = s.constraint ? ` (${s.constraint})` : '';
    return `| \`${s.env}\` | \`${s.name}\` | ${s.type}${constraint} | ${def} | ${s.description} |`;
  });
  return [
    '| variable | setting | type | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function renderErrorTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.title} | ${spec.titleZh} |`,
  );
  return ['| code | status | meaning | 含义 |', '|---|---|---|---|', ...rows].join('\n');
}

function describeParam(name: string, param: RuleParam): string {
  if (param.literal) return `\`${name}\` (text)`;
  const traits = [
    param.kind,
    param.many ? 'many' : undefined,
    param.default ? `default \`${param.default}\`` : param.optional ? 'optional' : undefined,
  ].filter(Boolean);
  return `\`${name}\` (${traits.join(', ')})`;
}

/** Every rule an item may name, with its parameters. */
export function renderRuleTable(): string {
  const rows = [...CROSS_FIELD_RULES.values()].map((rule) => {
    const params = Object.entries<RuleParam>(rule.params).map(([n, p]) => describeParam(n, p));
    return `| \`${rule.name}\` | ${params.join(', ')} | ${rule.summary} |`;
  });
  return ['| rule | parameters | checks |', '|---|---|---|', ...rows].join('\n');
}

type Json = unknown;

/** Schema paths (properties and items flattened) of the fields checked against the member table. */
function memberFields(schema: Json, path = ''): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => memberFields(s, `${path}/${i}`));
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, Json>;
  const here =
    node.divisionCode === 'member' ||
    node.taxAuthorityCode === 'member' ||
    (typeof node.$ref === 'string' && node.$ref.endsWith('/memberLocation'));
  const below = Object.entries(node)
    .filter(([key]) => !['enum', 'const', 'examples', 'crossFieldRules'].includes(key))
    .flatMap(([key, sub]) => {
      const step = key === 'properties' ? '' : key === 'items' ? '/*' : `/${key}`;
      return memberFields(sub, `${path}${step}`);
    });
  return here ? [path.replace(/^\//, ''), ...below] : below;
}

/** Per item, the division fields that name the members' table. */
export function renderMemberFieldsTable(): string {
  const rows = loadCatalogue().flatMap((item) => {
    const fields = memberFields(readSchemaFile(itemSchemaFile(item.code, item.version)));
    return fields.length === 0
      ? []
      : [`| ${item.code} ${item.name} | ${fields.map((f) => `\`${f}\``).join(', ')} |`];
  });
  return ['| item | member-table fields |', '|---|---|', ...rows].join('\n');
}

function sharedDocs() {
  return {
    defs: readSchemaFile('defs.schema.json'),
    envelope: readSchemaFile('envelope.schema.json'),
  };
}

/** One row per rule: the item, the rule's name, what it checks of the named fields. */
function ruleRows(item: { code: string; name: string }, rules: readonly CompiledRule[]): string[] {
  return rules.map(({ rule, params }) => {
    const labels = Object.fromEntries(Object.entries(params).map(([n, p]) => [n, p.label]));
    return `| ${item.code} ${item.name} | \`${rule.name}\` | ${rule.explain(labels)} |`;
  });
}

/** Every rule of every published item version, with the fields it relates. */
export function renderItemRulesTable(): string {
  const docs = sharedDocs();
  const rows: string[] = [];
  for (const item of loadCatalogue()) {
    const schema = readSchemaFile(itemSchemaFile(item.code, item.version));
    const compiled = compileRules(schema, docs, CROSS_FIELD_RULES);
    if (!compiled.ok) throw new Error(`${item.code}: ${compiled.problems.join('; ')}`);
    rows.push(...ruleRows(item, compiled.rules));
  }
  return ['| item | rule | checks |', '|---|---|---|', ...rows].join('\n');
}

/** Every rule of every published item version's result schema (schemas/README.md#result-rules). */
export function renderResultRulesTable(): string {
  const docs = sharedDocs();
  const rows: string[] = [];
  for (const item of loadCatalogue()) {
    const schema = readSchemaFile(itemSchemaFile(item.code, item.version));
    const result = schema[RESULT_KEYWORD] as Record<string, unknown> | undefined;
    if (!result) continue;
    const compiled = compileRuleList(
      result[RULES_KEYWORD],
      `/${RESULT_KEYWORD}/${RULES_KEYWORD}`,
      { ...docs, item: schema, result },
      CROSS_FIELD_RULES,
    );
    if (!compiled.ok) throw new Error(`${item.code}: ${compiled.problems.join('; ')}`);
    rows.push(...ruleRows(item, compiled.rules));
  }
  return ['| item | rule | checks |', '|---|---|---|', ...rows].join('\n');
}

/** The compatibility check's rule table: what each rule compares and whether it breaks. */
export function renderCompatibilityTable(): string {
  const rows = COMPATIBILITY_RULES.map(
    (rule) =>
      `| \`${rule.id}\` | ${rule.compares} | ${rule.breaking ? '**yes**' : 'no'} | ${rule.when} |`,
  );
  return ['| rule | compares | breaking | reported when |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

function replaceBetween(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const [before, rest] = text.split(start);
  const after = rest?.split(end)[1];
  if (before === undefined || after === undefined)
    throw new Error(`the README lacks ${marker} markers`);
  return `${before}${start}\n${content}\n${end}${after}`;
}

if (import.meta.main) {
  const path = projectPath('README.md');
  let readme = readFileSync(path, 'utf8');
  readme = replaceBetween(readme, 'config-table', renderConfigTable());
  readme = replaceBetween(readme, 'error-table', renderErrorTable());
  writeFileSync(path, readme);
  const schemasPath = projectPath('schemas', 'README.md');
  let schemas = readFileSync(schemasPath, 'utf8');
  schemas = replaceBetween(schemas, 'member-fields-table', renderMemberFieldsTable());
  schemas = replaceBetween(schemas, 'rule-table', renderRuleTable());
  schemas = replaceBetween(schemas, 'item-rules-table', renderItemRulesTable());
  schemas = replaceBetween(schemas, 'result-rules-table', renderResultRulesTable());
  schemas = replaceBetween(schemas, 'compatibility-table', renderCompatibilityTable());
  writeFileSync(schemasPath, schemas);
  console.log('README.md and schemas/README.md tables updated');
}
