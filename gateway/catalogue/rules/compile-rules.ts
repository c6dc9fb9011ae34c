// Checks an item schema's `crossFieldRules` list when the catalogue compiles, and runs the compiled
// rules on a submission whose payload passed the schema (validate-submission.ts). See
// cross-field-rule.ts for the format; every problem is collected so one start lists them all.
import type { FieldProblem } from '../../shared/errors.ts';
import { RULES_KEYWORD } from '../create-ajv.ts';
import type {
  CrossFieldRule,
  FieldKind,
  FieldLabel,
  Located,
  PointerParam,
  RuleContext,
  RuleParam,
} from './cross-field-rule.ts';
import { parsePointer } from '../../shared/json-pointer.ts';
import { EVERY_ELEMENT, selectValues } from './field-pointer.ts';
import { schemasAt, type SchemaDocuments } from './schema-at-pointer.ts';

type Schema = Readonly<Record<string, unknown>>;

interface CompiledPointer {
  readonly tokens: readonly string[];
}

interface CompiledParam {
  /** Pointer parameters: one or more pointers; literal parameters: the string. */
  readonly pointers: readonly CompiledPointer[];
  readonly literal?: string;
  /** A literal parameter's value as the rule sees it, built once here rather than per submission. */
  readonly literalValues?: readonly Located[];
  readonly label: FieldLabel;
}

export interface CompiledRule {
  readonly rule: CrossFieldRule;
  readonly params: Readonly<Record<string, CompiledParam>>;
  /** The rule's parameter names and each one's label, as check() is given them on every run. */
  readonly names: readonly string[];
  readonly labels: Readonly<Record<string, FieldLabel>>;
  /** Each parameter's pointers as tokens (`*` kept), in the entry's order; none for a literal. */
  readonly pointers: Readonly<Record<string, readonly (readonly string[])[]>>;
}

/** The values of a parameter the rule entry left out (an optional one). */
const NO_VALUES: readonly Located[] = Object.freeze([]);

export type RulesResult =
  { ok: true; rules: readonly CompiledRule[] } | { ok: false; problems: string[] };

function defsSchema(docs: SchemaDocuments, name: string): unknown {
  return (docs.defs.$defs as Record<string, unknown> | undefined)?.[name];
}

function envelopeRegions(docs: SchemaDocuments): unknown[] {
  const props = docs.envelope.properties as Record<string, Schema> | undefined;
  const party = (props?.parties?.items as Schema | undefined)?.properties as
    Record<string, unknown> | undefined;
  return [props?.receivingRegion, props?.handlingRegion, party?.region];
}

/** Whether the schemas describing a field make it a field of `kind`. */
function isKind(kind: FieldKind, schemas: readonly Schema[], docs: SchemaDocuments): boolean {
  switch (kind) {
    case 'amount': {
      const amounts = [defsSchema(docs, 'moneyAmount'), defsSchema(docs, 'nonNegativeAmount')];
      return schemas.some((s) => amounts.includes(s));
    }
    case 'date':
      return schemas.some((s) => s.format === 'date');
    case 'division': {
      const regions = envelopeRegions(docs);
      return schemas.some((s) => typeof s.divisionCode === 'string' || regions.includes(s));
    }
    case 'idNumber':
    case 'taxAuthorityCode':
    case 'taxpayerId':
      return schemas.some((s) => s[kind] !== undefined && s[kind] !== false);
    case 'string':
      return schemas.some((s) => s.type === 'string');
  }
}

/** Annotated x-personal (schemas/README.md#personal-data): a message must not repeat its value. */
function isPersonal(schema: Schema): boolean {
  const kind = schema['x-personal'];
  return kind !== undefined && kind !== false;
}

function chineseTitle(schemas: readonly Schema[]): string | undefined {
  const titled = schemas.find(
    (s) => typeof s.title === 'string' && /[\u4e00-\u9fa5]/u.test(s.title),
  );
  return titled?.title as string | undefined;
}

/** One pointer of a pointer parameter: its tokens and Chinese title, or the problem with it. */
function compilePointer(
  pointer: string,
  param: string,
  spec: PointerParam,
  at: string,
  docs: SchemaDocuments,
): { tokens: string[]; title?: string; personal: boolean } | string {
  const tokens = parsePointer(pointer);
  if (!tokens || tokens.length === 0)
    return `${at}/${param}: ${JSON.stringify(pointer)} is not a JSON pointer to a field`;
  if (!spec.many && tokens.includes(EVERY_ELEMENT))
    return `${at}/${param}: ${pointer} uses ${EVERY_ELEMENT}, but ${param} takes one value`;
  const schemas = schemasAt(tokens, docs);
  if (schemas.length === 0) return `${at}/${param}: ${pointer} names no field of the schemas`;
  if (!isKind(spec.kind, schemas, docs))
    return `${at}/${param}: ${pointer} is not a field of kind ${spec.kind}`;
  return { tokens, title: chineseTitle(schemas), personal: schemas.some(isPersonal) };
}

function compileParam(
  given: unknown,
  param: string,
  spec: RuleParam,
  at: string,
  docs: SchemaDocuments,
): CompiledParam | string[] {
  if (spec.literal) {
    if (typeof given !== 'string' || !spec.literal.test(given))
      return [`${at}/${param}: ${JSON.stringify(given)} does not match ${String(spec.literal)}`];
    const literalValues = Object.freeze([
      Object.freeze({ path: '', value: given, pattern: [], tokens: [] }),
    ]);
    return { pointers: [], literal: given, literalValues, label: { en: given, zh: given } };
  }
  const list = Array.isArray(given) ? (given as unknown[]) : [given];
  if (Array.isArray(given) && !spec.many) return [`${at}/${param}: takes one pointer, not a list`];
  const problems: string[] = [];
  const pointers: CompiledPointer[] = [];
  const titles: string[] = [];
  let personal = false;
  for (const pointer of list) {
    const compiled =
      typeof pointer === 'string'
        ? compilePointer(pointer, param, spec, at, docs)
        : `${at}/${param}: ${JSON.stringify(pointer)} is not a JSON pointer`;
    if (typeof compiled === 'string') problems.push(compiled);
    else {
      pointers.push({ tokens: compiled.tokens });
      titles.push(compiled.title ?? (pointer as string));
      personal ||= compiled.personal;
    }
  }
  if (problems.length > 0) return problems;
  const en = list.join(' + ');
  const label = {
    en,
    zh: titles.join('、'),
    ...(titles.length > 1 ? { titles: Object.freeze(titles) } : {}),
    ...(personal ? { personal } : {}),
  };
  return { pointers, label };
}

function compileEntry(
  entry: Record<string, unknown>,
  at: string,
  catalogue: ReadonlyMap<string, CrossFieldRule>,
  docs: SchemaDocuments,
): CompiledRule | string[] {
  const { rule: name, ...given } = entry;
  const rule = typeof name === 'string' ? catalogue.get(name) : undefined;
  if (!rule)
    return [
      `${at}: unknown rule ${JSON.stringify(name)} (known: ${[...catalogue.keys()].join(', ')})`,
    ];
  const problems: string[] = [];
  for (const key of Object.keys(given))
    if (!(key in rule.params)) problems.push(`${at}/${key}: ${rule.name} has no parameter ${key}`);
  const params: Record<string, CompiledParam> = {};
  for (const [param, spec] of Object.entries<RuleParam>(rule.params)) {
    const value = given[param] ?? spec.default;
    if (value === undefined) {
      if (!spec.optional) problems.push(`${at}: ${rule.name} needs the parameter ${param}`);
      continue;
    }
    const compiled = compileParam(value, param, spec, at, docs);
    if (Array.isArray(compiled)) problems.push(...compiled);
    else params[param] = compiled;
  }
  if (problems.length > 0) return problems;
  const names = Object.keys(rule.params);
  const labels: Record<string, FieldLabel> = {};
  const pointers: Record<string, readonly (readonly string[])[]> = {};
  for (const name of names) {
    labels[name] = params[name]?.label ?? { en: name, zh: name };
    pointers[name] = params[name]?.pointers.map((p) => p.tokens) ?? [];
  }
  const related = rule.checkPointers?.(pointers) ?? [];
  if (related.length > 0) return related.map((problem) => `${at}/${problem}`);
  return { rule, params, names, labels, pointers };
}

/** The item's rules, compiled; or every problem of its `crossFieldRules` list. */
export function compileRules(
  itemSchema: Schema,
  docs: Omit<SchemaDocuments, 'item' | 'result'>,
  catalogue: ReadonlyMap<string, CrossFieldRule>,
): RulesResult {
  return compileRuleList(
    itemSchema[RULES_KEYWORD],
    `/${RULES_KEYWORD}`,
    { ...docs, item: itemSchema },
    catalogue,
  );
}

/**
 * A `crossFieldRules` list found at `at` in the item's schema document: the item's own, or its
 * result schema's (result-schema.ts, whose pointers may also start with /result), compiled by the
 * same checks.
 */
export function compileRuleList(
  list: unknown,
  at: string,
  docs: SchemaDocuments,
  catalogue: ReadonlyMap<string, CrossFieldRule>,
): RulesResult {
  if (list === undefined) return { ok: true, rules: [] };
  // ajv has already checked the list's shape against the keyword's meta-schema (create-ajv.ts).
  if (!Array.isArray(list)) return { ok: false, problems: [`${at}: not a list`] };
  const rules: CompiledRule[] = [];
  const problems: string[] = [];
  list.forEach((entry: Record<string, unknown>, i) => {
    const compiled = compileEntry(entry, `${at}/${i}`, catalogue, docs);
    if (Array.isArray(compiled)) problems.push(...compiled);
    else rules.push(compiled);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules: Object.freeze(rules) };
}

/** The first token of each pointer the rule reads (`payload`, `result`, `applicant`…). */
export function ruleRoots(rule: CompiledRule): Set<string> {
  const roots = new Set<string>();
  for (const param of Object.values(rule.params))
    for (const pointer of param.pointers) roots.add(pointer.tokens[0]!);
  return roots;
}

/** The values a parameter's pointers reach, in pointer order. */
function locate(envelope: unknown, pointers: readonly CompiledPointer[]): readonly Located[] {
  if (pointers.length === 1) return selectValues(envelope, pointers[0]!.tokens);
  return pointers.flatMap((p) => selectValues(envelope, p.tokens));
}

/** Problems of a submission (the whole envelope) under the compiled rules, in rule order. */
export function runRules(
  rules: readonly CompiledRule[],
  envelope: unknown,
  context: RuleContext,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const { rule, params, names, labels, pointers } of rules) {
    const values: Record<string, readonly Located[]> = {};
    for (const name of names) {
      const param = params[name];
      values[name] =
        param === undefined ? NO_VALUES : (param.literalValues ?? locate(envelope, param.pointers));
    }
    for (const problem of rule.check(values, context, labels, pointers))
      problems.push({ ...problem, keyword: rule.name });
  }
  return problems;
}
