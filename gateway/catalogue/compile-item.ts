// Everything the registry demands of one published item version before it will serve it: the
// schema file exists and its $id names it, the schema passes the item schema checks an operator's
// draft passes too (item-schema-checks.ts: bounded sizes, Chinese titles, division tables,
// x-personal annotations, strict compile, cross-field rules, typed result), and the examples file
// is well formed. The item version's personal locations are derived there too, once, for masking
// its cases. Every problem is collected, not just the first, so one start-up lists all that is
// wrong.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import {
  deepFreeze,
  itemExamplesFile,
  itemSchemaFile,
  itemSchemaId,
  parseExamples,
  type ItemExamples,
} from './item-files.ts';
import type { ItemSource } from './item-source.ts';
import { checkItemSchema, sharedDocuments, type SharedDocuments } from './item-schema-checks.ts';
import type { PersonalLocations } from '../personal-data/personal-locations.ts';
import type { CrossFieldRule } from './rules/cross-field-rule.ts';
import type { CompiledResult } from './result-schema.ts';
import { referencedDefinitions } from './referenced-definitions.ts';
import type { CompiledItem } from './validate-submission.ts';

export interface RegisteredItem extends CompiledItem {
  /** The digest of the source it was compiled from (item-source.ts). */
  readonly digest: string;
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

type CompileFailure = { ok: false; problems: string[] };

function parseSchema(file: string, text: string): { ok: true; value: unknown } | CompileFailure {
  if (text === '') return { ok: false, problems: [`${file}: missing`] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problems: [`${file}: ${String(error)}`] };
  }
}

export function compileItem(
  ajv: Ajv2020,
  source: ItemSource,
  ruleCatalogue: ReadonlyMap<string, CrossFieldRule>,
  shared: SharedDocuments = sharedDocuments(ajv),
): CompileResult {
  const { item } = source;
  const file = itemSchemaFile(item.code, item.version);
  const read = parseSchema(file, source.schemaText);
  if (!read.ok) return read;
  const schema = read.value;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return { ok: false, problems: [`${file}: not a JSON object`] };

  const problems: string[] = [];
  const id = (schema as { $id?: unknown }).$id;
  const expectedId = itemSchemaId(item.code, item.version);
  if (id !== expectedId) problems.push(`${file}: $id is ${String(id)}, expected ${expectedId}`);
  const check = checkItemSchema(
    ajv,
    item.code,
    item.version,
    schema as Record<string, unknown>,
    ruleCatalogue,
    shared,
  );
  if (!check.ok) problems.push(...check.problems.map((p) => `${file}: ${p.message}`));
  const examplesFile = itemExamplesFile(item.code, item.version);
  const examples =
    source.examplesText === ''
      ? { ok: false as const, problem: `${examplesFile}: missing` }
      : parseExamples(examplesFile, source.examplesText);
  if (!examples.ok) problems.push(examples.problem);

  if (problems.length > 0 || !check.ok || !examples.ok) return { ok: false, problems };
  const { validate, rules, result, personal } = check.checked;
  return {
    ok: true,
    entry: {
      item,
      digest: source.digest,
      validate,
      rules,
      schema: deepFreeze(schema as Record<string, unknown>),
      examples: examples.value,
      personal,
      ...(result ? { result } : {}),
      definitions: deepFreeze(referencedDefinitions(schema, shared.defs)),
    },
  };
}
