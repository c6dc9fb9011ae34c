// The shape of a cross-field rule: a check that relates two or more fields of a submission, which
// JSON Schema cannot say (the total is the sum of the lines; the project lies in the handling
// region). One rule per file in this folder, like the identifier keywords in ../keywords/; an
// item schema lists the rules it needs, by name, with JSON pointers for the fields:
//
//   "crossFieldRules": [
//     { "rule": "sum-equals", "total": "/payload/totalAmount", "parts": "/payload/lines/*/amount" }
//   ]
//
// Pointers are RFC 6901 pointers into the whole envelope (so a rule can reach /handlingRegion or
// /applicant/idNumber); `*` stands for every element of an array, and a parameter that takes many
// values may also be a list of pointers. Two values are compared only when they belong to the
// same array elements (related(), e.g. each relative's birth and death dates). A literal parameter
// (e.g. a party's role) is a plain string instead of a pointer. The registry checks every entry
// when it compiles the item (compile-rules.ts): an unknown rule, a missing or unknown parameter, a
// pointer that names no field of the schemas, or a field of the wrong kind refuses the item.
// Rules run after the schema passed, so values have the types the schema promises; a field the
// submission leaves out (an optional one) is skipped, never reported: the schema says what is
// required. See schemas/README.md#cross-field-rules.
import type { DivisionTables } from '../../divisions/load-division-table.ts';

/** What a pointer parameter must lead to, checked against the schema when the item compiles. */
export type FieldKind =
  'amount' | 'date' | 'division' | 'idNumber' | 'taxAuthorityCode' | 'taxpayerId' | 'string';

export interface PointerParam {
  readonly literal?: undefined;
  readonly kind: FieldKind;
  /** May contain `*` (every element of an array): the rule then sees one value per element. */
  readonly many?: boolean;
  /** The rule entry may leave the parameter out. */
  readonly optional?: boolean;
  /** The pointer used when the rule entry leaves the parameter out (e.g. /applicant/idNumber). */
  readonly default?: string;
}

/** A parameter given as a plain string, e.g. `"role": "move-in"`. */
export interface LiteralParam {
  readonly literal: RegExp;
  readonly optional?: boolean;
  readonly kind?: undefined;
  readonly many?: undefined;
  readonly default?: undefined;
}

export type RuleParam = PointerParam | LiteralParam;

/** How a message names a field: its pointer in English, its schema title in Chinese. */
export interface FieldLabel {
  readonly en: string;
  readonly zh: string;
  /** The field is personal (x-personal): a message names it but never repeats its value. */
  readonly personal?: boolean;
  /** Each pointer's Chinese title, in the parameter's order, when it names several (titleOf). */
  readonly titles?: readonly string[];
}

/** One value found in the submission, with the pointer where it was found (`*` resolved). */
export interface Located<T = unknown> {
  readonly path: string;
  readonly value: T;
  /** The parameter's pointer tokens (with `*`) and this value's own (indices in their place). */
  readonly pattern: readonly string[];
  readonly tokens: readonly string[];
}

/**
 * Whether two values belong together: they agree on every array element their pointers share.
 * /payload/relatives/3/birthDate and /payload/relatives/3/deathDate do; …/2/… and …/3/… do not;
 * /payload/totalAmount and /payload/lines/0/amount do (they share no array).
 */
export function related(a: Located, b: Located): boolean {
  let shared = 0;
  while (
    shared < a.pattern.length &&
    shared < b.pattern.length &&
    a.pattern[shared] === b.pattern[shared]
  )
    shared++;
  for (let i = 0; i < shared; i++) if (a.tokens[i] !== b.tokens[i]) return false;
  return true;
}

export interface RuleContext {
  /** member: the alliance's divisions; national: all of China (../../divisions). */
  readonly divisions: DivisionTables;
  /** Today on the China calendar (UTC+8), YYYY-MM-DD. */
  readonly today: () => string;
  /**
   * The day the case was submitted on the China calendar (UTC+8), YYYY-MM-DD: given when a case's
   * result is judged (event-result.ts), from the case's createdAt. Absent while a submission itself
   * is judged: its day is today.
   */
  readonly submittedOn?: string;
}

/** A refusal: where (a pointer into the request body) and why, in English and Chinese. */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
  readonly messageZh: string;
}

export interface CrossFieldRule<P extends string = string> {
  /** The name items use; also the `keyword` of the problems it reports. */
  readonly name: string;
  /** One sentence, for the README table and the published OpenAPI document. */
  readonly summary: string;
  /** What one use of the rule checks, naming its fields (the README's table of item rules). */
  explain(labels: Readonly<Record<P, FieldLabel>>): string;
  readonly params: Readonly<Record<P, RuleParam>>;
  /**
   * Values at each parameter's pointer; a parameter whose field is absent has no values. `labels`
   * names each parameter's field for messages.
   */
  check(
    values: Readonly<Record<P, readonly Located[]>>,
    context: RuleContext,
    labels: Readonly<Record<P, FieldLabel>>,
    pointers: Readonly<Record<P, readonly (readonly string[])[]>>,
  ): RuleProblem[];
  /**
   * What a rule that relates its parameters' pointers to each other (lines-match.ts: the i-th key
   * of one list beside the i-th of the other) refuses when the item compiles, besides each
   * pointer's own checks: `param: why`, each. Given every pointer parameter's pointers, as tokens.
   */
  checkPointers?(pointers: Readonly<Record<P, readonly (readonly string[])[]>>): string[];
}

/** Declares a rule with its parameter names typed (each rule file exports one). */
export function defineRule<P extends string>(rule: CrossFieldRule<P>): CrossFieldRule<P> {
  return Object.freeze(rule);
}

/** The value of `values` that belongs with `to` (see related()), when present and a string. */
export function partner(values: readonly Located[], to?: Located): Located<string> | undefined {
  // A loop, not find(): no closure per call (rules run on every submission).
  for (const v of values) {
    if (typeof v.value === 'string' && (!to || related(v, to))) return v as Located<string>;
  }
  return undefined;
}

/** A field as the README names it: its Chinese title and its pointer. */
export function field(label: FieldLabel): string {
  return label.zh === label.en ? `\`${label.en}\`` : `${label.zh} \`${label.en}\``;
}

/** The string values of a parameter (the list itself when they all are, as they usually are). */
export function strings(values: readonly Located[]): readonly Located<string>[] {
  for (const v of values) {
    if (typeof v.value !== 'string')
      return values.filter((s): s is Located<string> => typeof s.value === 'string');
  }
  return values as readonly Located<string>[];
}

/**
 * The Chinese title of the one field a value was found at, for a parameter naming several (a
 * date among 扣款日期 and 入库日期): the message about /result/creditedOn names 入库日期 only.
 */
export function titleOf(
  label: FieldLabel,
  pointers: readonly (readonly string[])[],
  value: Located,
): string {
  const i = pointers.findIndex(
    (p) =>
      p === value.pattern ||
      (p.length === value.pattern.length && p.every((t, j) => t === value.pattern[j])),
  );
  return label.titles?.[i] ?? label.zh;
}
