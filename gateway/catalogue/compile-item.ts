// Everything the registry demands of one published item version before it will serve it: the
// schema file exists and its $id names it, the bounded-size, Chinese-title and division-table
// rules hold (schema-rules.ts), every field that looks personal is annotated (x-personal,
// gateway/personal-data/personal-check.ts), ajv compiles it in strict mode, its cross-field rules
// name known rules and real fields (rules/compile-rules.ts), its typed result, if any, passes the
// same checks and accepts its examples (result-schema.ts), and the examples file is well formed.
// The item version's personal locations are derived here too, once, for masking its cases.
// Every problem is collected, not just the first, so one start-up lists all that is wrong.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { CatalogueItem } from './catalogue-item.ts';
import { DEFS_ID, ENVELOPE_ID } from './create-ajv.ts';
import {
  deepFreeze,
  itemSchemaFile,
  itemSchemaId,
  readExamples,
  readJson,
  type ItemExamples,
} from './item-files.ts';
import { compilePersonalData } from '../personal-data/compile-personal-data.ts';
import type { PersonalLocations } from '../personal-data/personal-locations.ts';
import { compileRules, type CompiledRule } from './rules/compile-rules.ts';
import type { CrossFieldRule } from './rules/cross-field-rule.ts';
import { compileResultSchema, type CompiledResult } from './result-schema.ts';
import { referencedDefinitions } from './referenced-definitions.ts';
import { checkChineseTitles, checkDivisionScopes, checkSchemaRules } from './schema-rules.ts';
import type { CompiledItem } from './validate-submission.ts';

export interface RegisteredItem extends CompiledItem {
  readonly schema: Readonly<Record<string, unknown>>;
  readonly examples: ItemExamples;
  /** Where a submission of this item version holds personal data (envelope and payload). */
  readonly personal: PersonalLocations;
  /** The item's typed result, when its schema declares one. */
  readonly result?: CompiledResult;
  /** The shared definitions the schema (and its result) references, by name. */
  readonly definitions: Readonly<Record<string, unknown>>;
}

export type CompileResult = { ok: true; entry: RegisteredItem } | { ok: false; problems: string[] };

type Json = Parameters<typeof checkSchemaRules>[0];

function rawSchema(ajv: Ajv2020, id: string): Record<string, unknown> {
  return (ajv.getSchema(id)?.schema ?? {}) as Record<string, unknown>;
}

export function compileItem(
  ajv: Ajv2020,
  schemasDir: string,
  item: CatalogueItem,
  ruleCatalogue: ReadonlyMap<string, CrossFieldRule>,
): CompileResult {
  const file = itemSchemaFile(item.code, item.version);
  const read = readJson(schemasDir, file);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const schema = read.value;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return { ok: false, problems: [`${file}: not a JSON object`] };

  const problems: string[] = [];
  const id = (schema as { $id?: unknown }).$id;
  const expectedId = itemSchemaId(item.code, item.version);
  if (id !== expectedId) problems.push(`${file}: $id is ${String(id)}, expected ${expectedId}`);
  const violations = [
    ...checkSchemaRules(schema as Json),
    ...checkChineseTitles(schema as Json),
    ...checkDivisionScopes(schema as Json),
  ];
  for (const v of violations) problems.push(`${file}: ${v.rule} at ${v.schemaPath || '/'}`);
  const docs = { defs: rawSchema(ajv, DEFS_ID), envelope: rawSchema(ajv, ENVELOPE_ID) };
  const payload = schema as Record<string, unknown>;
  const personal = compilePersonalData(docs.envelope, payload, docs);
  if (!personal.ok) problems.push(...personal.problems.map((p) => `${file}: ${p}`));

  let validate: CompiledItem['validate'] | undefined;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    problems.push(`${file}: does not compile in strict mode: ${(error as Error).message}`);
  }
  let rules: readonly CompiledRule[] = [];
  if (validate) {
    const compiled = compileRules(payload, docs, ruleCatalogue);
    if (compiled.ok) rules = compiled.rules;
    else problems.push(...compiled.problems.map((p) => `${file}: ${p}`));
  }
  const result = compileResultSchema(
    ajv,
    item.code,
    item.version,
    schema as Record<string, unknown>,
  );
  if (!result.ok) problems.push(...result.problems.map((p) => `${file}: ${p}`));
  const examples = readExamples(schemasDir, item.code, item.version);
  if (!examples.ok) problems.push(examples.problem);

  if (problems.length > 0 || !validate || !examples.ok || !personal.ok || !result.ok)
    return { ok: false, problems };
  return {
    ok: true,
    entry: {
      item,
      validate,
      rules,
      schema: deepFreeze(schema as Record<string, unknown>),
      examples: examples.value,
      personal: personal.locations,
      ...(result.result ? { result: result.result } : {}),
      definitions: deepFreeze(referencedDefinitions(schema, rawSchema(ajv, DEFS_ID))),
    },
  };
}
