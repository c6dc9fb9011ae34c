// The checks an item version's schema must pass before the catalogue serves it, in one place for
// the registry (compile-item.ts: every published version at start or on publish) and for an
// operator's draft (draft-validation/validate-item-draft.ts: before it may be submitted): the
// bounded-size, Chinese-title and division-table rules (schema-rules.ts), the personal-data
// annotations (gateway/personal-data/personal-check.ts), a strict ajv compile with the gateway's
// keywords, the cross-field rules (rules/compile-rules.ts) and the typed result
// (result-schema.ts). Every problem is collected, each located by a JSON pointer into the schema
// document and worded in English and Chinese; the English text is the one the registry has always
// printed, so a start-up refusal reads as before.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import localizeModule from 'ajv-i18n';
import { compilePersonalData } from '../personal-data/compile-personal-data.ts';
import { personalLocations, type PersonalLocations } from '../personal-data/personal-locations.ts';
import { DEFS_ID, ENVELOPE_ID } from './create-ajv.ts';
import { compileResultSchema, type CompiledResult } from './result-schema.ts';
import { compileRules, type CompiledRule } from './rules/compile-rules.ts';
import type { CrossFieldRule } from './rules/cross-field-rule.ts';
import {
  checkChineseTitles,
  checkDivisionScopes,
  checkSchemaRules,
  ruleInChinese,
} from './schema-rules.ts';

/** One problem of an item document, located by a JSON pointer into it. */
export interface ItemProblem {
  readonly path: string;
  readonly message: string;
  readonly messageZh: string;
}

export interface CheckedItemSchema {
  readonly validate: ValidateFunction;
  readonly rules: readonly CompiledRule[];
  readonly result: CompiledResult | undefined;
  /** Where a submission of this item version holds personal data (envelope and payload). */
  readonly personal: PersonalLocations;
}

export type ItemSchemaCheck =
  | { readonly ok: true; readonly checked: CheckedItemSchema }
  | { readonly ok: false; readonly problems: ItemProblem[] };

type Json = Parameters<typeof checkSchemaRules>[0];

// ajv-i18n is CommonJS; under NodeNext its declared default export is the module object itself.
const localize = localizeModule as unknown as typeof localizeModule.default;

function rawSchema(ajv: Ajv2020, id: string): Record<string, unknown> {
  return (ajv.getSchema(id)?.schema ?? {}) as Record<string, unknown>;
}

/** The shared documents every item version's checks read, as the ajv instance holds them. */
export interface SharedDocuments {
  readonly defs: Record<string, unknown>;
  readonly envelope: Record<string, unknown>;
  /** The envelope's own personal locations, the same in every item version's submissions. */
  readonly envelopeLocations: PersonalLocations;
}

/**
 * Read and derived once for all the item versions an ajv instance compiles (the catalogue
 * compiler): walking the envelope for its personal fields again for each version was a third of
 * the personal-data step, a few per cent of the catalogue's compile at start.
 */
export function sharedDocuments(ajv: Ajv2020): SharedDocuments {
  const defs = rawSchema(ajv, DEFS_ID);
  const envelope = rawSchema(ajv, ENVELOPE_ID);
  return { defs, envelope, envelopeLocations: personalLocations(envelope, { defs }) };
}

// The pointer a problem text starts with ("/crossFieldRules/6: unknown rule") or ends with
// ("string without maxLength at /resultSchema/properties/no"); '' (the whole schema) otherwise.
function located(text: string, zh: string): ItemProblem {
  const leading = /^(\/[^:\s]*): /.exec(text);
  const trailing = / at (\/\S*)$/.exec(text);
  const path = leading?.[1] ?? trailing?.[1] ?? '';
  return { path: path === '/' ? '' : path, message: text, messageZh: `${zh}:${text}` };
}

/**
 * A schema that is not JSON Schema (ajv's meta-schema refused it, e.g. `"type": "strng"`): one
 * problem per place, at its pointer in the schema, so the draft editor names the field rather than
 * the whole schema (it said `/item/schema` with ajv's whole text, every place in one line, the
 * Chinese line as English as the other).
 */
function metaSchemaPlaces(errors: ErrorObject[] | null | undefined): ItemProblem[] {
  const byPlace = new Map<string, ErrorObject[]>();
  for (const error of errors ?? [])
    byPlace.set(error.instancePath, [...(byPlace.get(error.instancePath) ?? []), error]);
  return [...byPlace].map(([path, found]) => {
    const english = found.map((e) => e.message ?? e.keyword).join('; ');
    const chinese = found.map((e) => ({ ...e }));
    localize.zh(chinese);
    return {
      path,
      message: `does not compile in strict mode: schema is invalid at ${path || '/'}: ${english}`,
      messageZh: `结构定义在严格模式下无法编译:位置 ${path || '/'} 不是有效的 JSON Schema:${chinese.map((e) => e.message ?? e.keyword).join('；')}`,
    };
  });
}

/**
 * Checks and compiles an item schema (its `$id` already set to the version's own, so relative
 * references resolve as they will once published). Compiling adds it to `ajv` under that $id.
 * `shared` is sharedDocuments(ajv), passed in when one ajv compiles many versions.
 */
export function checkItemSchema(
  ajv: Ajv2020,
  code: string,
  version: number,
  schema: Record<string, unknown>,
  ruleCatalogue: ReadonlyMap<string, CrossFieldRule>,
  shared: SharedDocuments = sharedDocuments(ajv),
): ItemSchemaCheck {
  const problems: ItemProblem[] = [];
  const violations = [
    ...checkSchemaRules(schema as Json),
    ...checkChineseTitles(schema as Json),
    ...checkDivisionScopes(schema as Json),
  ];
  for (const v of violations) {
    const at = v.schemaPath === '/' ? '' : v.schemaPath;
    problems.push({
      path: at,
      message: `${v.rule} at ${at || '/'}`,
      messageZh: `${ruleInChinese(v.rule)}(位置 ${at || '/'})`,
    });
  }
  const personal = compilePersonalData(shared.envelopeLocations, schema, shared);
  if (!personal.ok)
    problems.push(
      ...personal.problems.map((p) => ({ ...located(p, '个人信息字段未标注'), path: '' })),
    );

  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const text = (error as Error).message;
    const places = text.startsWith('schema is invalid:') ? metaSchemaPlaces(ajv.errors) : [];
    if (places.length > 0) problems.push(...places);
    else
      problems.push({
        path: '',
        message: `does not compile in strict mode: ${text}`,
        messageZh: `结构定义在严格模式下无法编译:${text}`,
      });
  }
  let rules: readonly CompiledRule[] = [];
  if (validate) {
    const compiled = compileRules(schema, shared, ruleCatalogue);
    if (compiled.ok) rules = compiled.rules;
    else problems.push(...compiled.problems.map((p) => located(p, '跨字段规则有误')));
  }
  const result = compileResultSchema(ajv, code, version, schema, ruleCatalogue);
  if (!result.ok) problems.push(...result.problems.map((p) => located(p, '办理结果结构有误')));

  if (problems.length > 0 || !validate || !personal.ok || !result.ok)
    return { ok: false, problems };
  return {
    ok: true,
    checked: { validate, rules, result: result.result, personal: personal.locations },
  };
}
