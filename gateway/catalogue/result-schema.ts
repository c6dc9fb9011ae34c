// An item's typed result (schemas/README.md#result-schemas): what a province's `decided` event
// must carry for that item, declared in the item's own schema document under `resultSchema`, so it
// is published and versioned with the item (a new version may change it; a case keeps the version
// it was submitted under). The registry checks it like the payload schema — bounded sizes, closed
// objects, Chinese titles, strict compile — runs its `examples` through it, and compiles it once;
// the events endpoint validates results with it (gateway/README.md#province-events). Its own
// `crossFieldRules` relate the result's fields to each other and to the case's submission
// (schemas/README.md#result-rules): compiled here by the payload rules' checks, run by
// resultProblems after the schema passed.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { FieldProblem } from '../shared/errors.ts';
import { unannotatedPersonalFields, unannotatedProblem } from '../personal-data/personal-check.ts';
import { personalLocations, type PersonalLocations } from '../personal-data/personal-locations.ts';
import { freeTextLocations, type FreeTextLocation } from '../personal-data/free-text-locations.ts';
import { DEFS_ID, ENVELOPE_ID, RESULT_KEYWORD, RULES_KEYWORD, SCHEMA_BASE } from './create-ajv.ts';
import { toFieldProblems } from './field-problems.ts';
import { itemFileBase } from './item-files.ts';
import { escapeToken } from '../shared/json-pointer.ts';
import { checkChineseTitles, checkSchemaRules } from './schema-rules.ts';
import { compileRuleList, ruleRoots, runRules, type CompiledRule } from './rules/compile-rules.ts';
import type { CrossFieldRule, RuleContext } from './rules/cross-field-rule.ts';

export interface CompiledResult {
  /** The result schema as published (frozen with the item's schema). */
  readonly schema: Readonly<Record<string, unknown>>;
  readonly validate: ValidateFunction;
  /** Where a result holds personal data (its x-personal fields), for masking it. */
  readonly personal: PersonalLocations;
  /** Where it holds free text (`text`, `shortText`), masked as free text is. */
  readonly freeText: readonly FreeTextLocation[];
  /** The result schema's cross-field rules, in their order; each names a field of the result. */
  readonly rules: readonly CompiledRule[];
  /**
   * Whether a rule reads the case's submission (a pointer outside /result): only then is the
   * sealed envelope opened to check a result.
   */
  readonly readsSubmission: boolean;
}

/** Where a result rule's pointers start: the result itself. */
const RESULT_ROOT = 'result';

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
  ruleCatalogue: ReadonlyMap<string, CrossFieldRule>,
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
  const rules = compileResultRules(declared, itemSchema, docs.defs, ajv, ruleCatalogue);
  if (!rules.ok) problems.push(...rules.problems);
  if (problems.length > 0 || !validate || !rules.ok) return { ok: false, problems };
  return {
    ok: true,
    result: {
      schema: declared,
      validate,
      personal: personalLocations(declared, docs),
      freeText: freeTextLocations(declared, docs),
      rules: rules.rules,
      readsSubmission: rules.rules.some((rule) =>
        [...ruleRoots(rule)].some((root) => root !== RESULT_ROOT),
      ),
    },
  };
}

/**
 * The result schema's `crossFieldRules`, by the payload rules' checks (rules/compile-rules.ts):
 * pointers start at /result (the result schema), /payload (the item's schema) or the envelope's
 * fields. A rule that names no field of the result would judge the submission again, which its
 * payload rules do: it is refused.
 */
function compileResultRules(
  declared: Record<string, unknown>,
  itemSchema: Record<string, unknown>,
  defs: Record<string, unknown>,
  ajv: Ajv2020,
  ruleCatalogue: ReadonlyMap<string, CrossFieldRule>,
): { ok: true; rules: readonly CompiledRule[] } | { ok: false; problems: string[] } {
  const at = `/${RESULT_KEYWORD}/${RULES_KEYWORD}`;
  const envelope = (ajv.getSchema(ENVELOPE_ID)?.schema ?? {}) as Record<string, unknown>;
  const compiled = compileRuleList(
    declared[RULES_KEYWORD],
    at,
    { item: itemSchema, result: declared, envelope, defs },
    ruleCatalogue,
  );
  if (!compiled.ok) return compiled;
  const problems = compiled.rules.flatMap((rule, i) =>
    ruleRoots(rule).has(RESULT_ROOT)
      ? []
      : [`${at}/${i}: ${rule.rule.name} names no field of the result (a pointer /result/…)`],
  );
  return problems.length > 0 ? { ok: false, problems } : compiled;
}

/**
 * A result's problems under its compiled schema and then, when the schema passed, its rules
 * (pointers into `{ result }` beside the case's `submission`, which the caller opens only when
 * `readsSubmission`). Pointers are into the event body: `/result/totalAmount`.
 */
export function resultRuleProblems(
  compiled: CompiledResult,
  result: unknown,
  submission: Readonly<Record<string, unknown>> | undefined,
  context: RuleContext,
): FieldProblem[] {
  return runRules(compiled.rules, { ...submission, [RESULT_ROOT]: result }, context);
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
