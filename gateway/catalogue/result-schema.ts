// An item's typed result (schemas/README.md#result-schemas): what a province's `decided` event
// must carry for that item, declared in the item's own schema document under `resultSchema`, so it
// is published and versioned with the item (a new version may change it; a case keeps the version
// it was submitted under). The registry checks it like the payload schema — bounded sizes, closed
// objects, Chinese titles, strict compile — runs its `examples` through it, and compiles it once;
// the events endpoint validates results with it (gateway/README.md#province-events).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { FieldProblem } from '../shared/errors.ts';
import { unannotatedPersonalFields, unannotatedProblem } from '../personal-data/personal-check.ts';
import { personalLocations, type PersonalLocations } from '../personal-data/personal-locations.ts';
import { freeTextLocations, type FreeTextLocation } from '../personal-data/free-text-locations.ts';
import { DEFS_ID, RESULT_KEYWORD, SCHEMA_BASE } from './create-ajv.ts';
import { toFieldProblems } from './field-problems.ts';
import { itemFileBase } from './item-files.ts';
import { escapeToken } from '../shared/json-pointer.ts';
import { checkChineseTitles, checkSchemaRules } from './schema-rules.ts';

export interface CompiledResult {
  /** The result schema as published (frozen with the item's schema). */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly validate: ValidateFunction;
  /** Where a result holds personal data (its x-personal fields), for masking it. */
  readonly personal: PersonalLocations;
  /** Where it holds free text (`text`, `shortText`), masked as free text is. */
  readonly freeText: readonly FreeTextLocation[];
}

export type ResultCompile =
  | { readonly ok: true; readonly result: CompiledResult | undefined }
  | { readonly ok: false; readonly problems: string[] };

/**
 * The $id a result schema compiles under: beside its item's schema, so the item's relative
 * references (`../defs.schema.json#/$defs/date`) resolve the same way, and its local ones
 * (`#/$defs/payment`) stay inside the result schema.
 */
export function resultSchemaId(code: string, version: number): string {
  return `${SCHEMA_BASE}items/${itemFileBase(code, version)}.result.schema.json`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Json = Parameters<typeof checkSchemaRules>[0];

/** Checks and compiles the item schema's resultSchema, if it declares one. */
export function compileResultSchema(
  ajv: Ajv2020,
  code: string,
  version: number,
  itemSchema: Record<string, unknown>,
): ResultCompile {
  const declared = itemSchema[RESULT_KEYWORD];
  if (declared === undefined) return { ok: true, result: undefined };
  const at = `/${RESULT_KEYWORD}`;
  if (!isObject(declared)) return { ok: false, problems: [`${at}: not a JSON object`] };
  const problems = [
    ...checkSchemaRules(declared as Json, at),
    ...checkChineseTitles(declared as Json, at),
  ].map((v) => `${v.rule} at ${v.schemaPath}`);
  const docs = { defs: (ajv.getSchema(DEFS_ID)?.schema ?? {}) as Record<string, unknown> };
  for (const field of unannotatedPersonalFields(declared, docs, ['result']))
    problems.push(`${at}: ${unannotatedProblem(field)}`);
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.compile({ ...declared, $id: resultSchemaId(code, version) });
  } catch (error) {
    problems.push(`${at}: does not compile in strict mode: ${(error as Error).message}`);
  }
  // A result schema's `examples` (standard JSON Schema) must each be a result it accepts: they are
  // what a province developer copies.
  const examples = declared.examples;
  if (!Array.isArray(examples) || examples.length === 0)
    problems.push(`${at}: needs a non-empty "examples" list of results it accepts`);
  else if (validate)
    examples.forEach((example, i) => {
      const failures = resultProblems(validate, example);
      for (const p of failures) problems.push(`${at}/examples/${i}${p.path}: ${p.message}`);
    });
  if (problems.length > 0 || !validate) return { ok: false, problems };
  return {
    ok: true,
    result: {
      schema: declared,
      validate,
      personal: personalLocations(declared, docs),
      freeText: freeTextLocations(declared, docs),
    },
  };
}

/** The result's problems, each located by a pointer into the result; none when it matches. */
export function resultProblems(validate: ValidateFunction, result: unknown): FieldProblem[] {
  return validate(result)
    ? []
    : toFieldProblems(withoutOtherBranch(validate.errors ?? [], validate.schema), '', result);
}

const BRANCH = /^#\/(then|else)\//;

/**
 * A result whose discriminator — a property its top-level `if` tests, SW-005's `outcome` — is none
 * of its own values was told the other branch's fields first (a failed deduction's 4 required
 * members, for `outcome: "ok"`) and `outcome must be one of: "paid", "failed"` last; a province
 * developer fixed the wrong thing (found by a client written from README.md alone). Then the
 * branch's errors say nothing: only the discriminator's refusal and the base schema's are kept.
 */
function withoutOtherBranch(errors: readonly ErrorObject[], schema: unknown): ErrorObject[] {
  const tested = Object.keys(
    (schema as { if?: { properties?: Record<string, unknown> } }).if?.properties ?? {},
  );
  const undecided = errors.some(
    (e) =>
      (e.keyword === 'enum' || e.keyword === 'const') &&
      !BRANCH.test(e.schemaPath) &&
      tested.some((name) => e.instancePath === `/${escapeToken(name)}`),
  );
  if (!undecided) return [...errors];
  return errors.filter(
    (e) => !BRANCH.test(e.schemaPath) && !(e.keyword === 'if' && e.instancePath === ''),
  );
}
