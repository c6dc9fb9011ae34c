// Turns ajv's ErrorObjects into the problem list of gateway/README.md#validation-order: one entry
// per field, located by a JSON pointer into the request body, in English and Chinese. ajv points
// `required` and `additionalProperties` errors at the parent object; a portal needs the field
// itself, so those point at the missing or extra property. Wrapper noise (`if`, and `anyOf`
// branches that only list alternatives) is folded so a portal sees what to fix, not how the schema
// is built.
import type { ErrorObject } from 'ajv';
import localizeModule from 'ajv-i18n';
import { LISTED_PROBLEMS, type FieldProblem } from '../shared/errors.ts';
import { escapeToken, parsePointer } from '../shared/json-pointer.ts';
import { IDENTIFIER_KEYWORDS } from './create-ajv.ts';
import { patternWords } from './pattern-words.ts';

// ajv-i18n is CommonJS; under NodeNext its declared default export is the module object itself.
const localize = localizeModule as unknown as typeof localizeModule.default;

function stringParam(error: ErrorObject, name: string): string | undefined {
  const value = (error.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The pointer of the field the error is about, relative to the validated value. */
function fieldPointer(error: ErrorObject): string {
  const child =
    error.keyword === 'required' || error.keyword === 'dependentRequired'
      ? stringParam(error, 'missingProperty')
      : error.keyword === 'additionalProperties'
        ? stringParam(error, 'additionalProperty')
        : error.keyword === 'unevaluatedProperties'
          ? stringParam(error, 'unevaluatedProperty')
          : undefined;
  return child === undefined ? error.instancePath : `${error.instancePath}/${escapeToken(child)}`;
}

// Schema paths restart at '#' inside a $ref'd schema, so branches are matched by location too.
function isWithin(error: ErrorObject, instancePath: string): boolean {
  return error.instancePath === instancePath || error.instancePath.startsWith(`${instancePath}/`);
}

interface Folded {
  error: ErrorObject;
  /** For an `anyOf` of required properties: the properties, one of which is needed. */
  oneOf?: string[];
}

// An identifier keyword checks its field's whole form and says what is wrong with it (e.g. a
// 12-digit statistical code "is not a division code; its first 6 digits are",
// schemas/README.md#division-codes), so a length or pattern error on the same field adds nothing
// and would hide that message in the envelope stage (validate-submission.ts).
const FORM_KEYWORDS = new Set(['maxLength', 'minLength', 'pattern']);

/** The value at an ajv instancePath (an unescaped-on-read JSON pointer) in `data`. */
function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const token of parsePointer(instancePath) ?? []) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

// A string longer than its maxLength also fails a pattern that bounds its length too
// (`^[0-9]{1,20}$`, SW-005's taxVoucherNo): one fault told twice (found by a client written
// from README.md alone). The pattern's error goes when the value cut to maxLength matches it, so
// the length is all there is to fix; a pattern the characters fail as well is still told.
function onlyTooLong(error: ErrorObject, errors: readonly ErrorObject[], data: unknown): boolean {
  if (error.keyword !== 'pattern' || data === undefined) return false;
  const tooLong = errors.find(
    (e) => e.keyword === 'maxLength' && e.instancePath === error.instancePath,
  );
  const limit = (tooLong?.params as { limit?: unknown } | undefined)?.limit;
  const value = valueAt(data, error.instancePath);
  const pattern = stringParam(error, 'pattern');
  if (typeof limit !== 'number' || typeof value !== 'string' || pattern === undefined) return false;
  // ajv counts code points and compiles patterns with the `u` flag.
  return new RegExp(pattern, 'u').test([...value].slice(0, limit).join(''));
}

/**
 * `if` reports "must match then schema" next to the specific errors of the branch: drop it when
 * they are there. An `anyOf` whose branches only miss required properties is said
 * once, as "one of a, b" (e.g. a material needs sha256 or sm3, schemas/defs.schema.json).
 * Form errors on a field whose identifier check failed are dropped, and a pattern error that is
 * only its field's length again.
 */
// A generator, so a caller that has all the problems it lists stops folding (toFieldProblems).
function* foldWrappers(errors: readonly ErrorObject[], data: unknown): Generator<Folded> {
  const alternatives = new Map<ErrorObject, string[]>();
  const folded = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branches = errors.filter(
      (e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && isWithin(e, error.instancePath),
    );
    if (branches.length > 0 && branches.every((e) => e.keyword === 'required')) {
      branches.forEach((e) => folded.add(e));
      alternatives.set(
        error,
        branches.map((e) => stringParam(e, 'missingProperty') ?? '?'),
      );
    }
  }
  const identifierPaths = new Set(
    errors.filter((e) => IDENTIFIER_KEYWORDS.has(e.keyword)).map((e) => e.instancePath),
  );
  for (const error of errors) {
    if (folded.has(error)) continue;
    if (FORM_KEYWORDS.has(error.keyword) && identifierPaths.has(error.instancePath)) continue;
    if (onlyTooLong(error, errors, data)) continue;
    // A failed then/else always reports its own errors at or under the `if`'s location. Looked
    // for only on an `if`: for every error it made the fold quadratic in a long list.
    if (
      error.keyword === 'if' &&
      errors.some((e) => e !== error && isWithin(e, error.instancePath))
    )
      continue;
    const oneOf = alternatives.get(error);
    yield oneOf ? { error, oneOf } : { error };
  }
}

function chineseMessage(error: ErrorObject): string {
  // Our own keywords carry their Chinese text (keywords/identifier-keyword.ts).
  const own = stringParam(error, 'messageZh');
  if (own !== undefined) return own;
  const copy: ErrorObject = { ...error, params: { ...error.params } };
  localize.zh([copy]);
  return copy.message ?? '数据无效';
}

function describe(error: ErrorObject, oneOf?: string[]): { message: string; messageZh: string } {
  if (oneOf) {
    return {
      message: `must have one of: ${oneOf.join(', ')}`,
      messageZh: `应当至少包含以下属性之一:${oneOf.join('、')}`,
    };
  }
  // A `false` subschema forbids a field in this context, e.g. creditCode for a person applicant
  // or postal outside proxy mode (schemas/envelope.schema.json); ajv's text names the mechanism.
  if (error.keyword === 'false schema') {
    return { message: 'must not be present here', messageZh: '此处不应出现该字段' };
  }
  // ajv's enum text does not say which values are allowed; a portal developer needs them.
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  if (error.keyword === 'enum' && Array.isArray(allowed) && allowed.length <= 20) {
    const list = allowed.map((v) => JSON.stringify(v));
    return {
      message: `must be one of: ${list.join(', ')}`,
      messageZh: `应为以下值之一:${list.join('、')}`,
    };
  }
  // A pattern's or a format's rule in words, in both languages, not only its regular expression
  // (pattern-words.ts); each message still quotes the pattern, which portals read.
  const words = patternWords(error.keyword, error.params as Record<string, unknown>);
  return words ?? { message: error.message ?? 'is invalid', messageZh: chineseMessage(error) };
}

export interface FieldProblemOptions {
  /** Which errors become problems (default: all), e.g. the envelope's shape without identifiers. */
  keep?: (error: ErrorObject) => boolean;
  /**
   * How many problems to make at most. Default one more than a refusal lists (LISTED_PROBLEMS),
   * so the refusal knows it has more without paying for the words of 20 000 of them.
   */
  limit?: number;
}

/**
 * FieldProblems for ajv errors, pointers prefixed with `base` (e.g. '/payload' for an item schema
 * that validated the envelope's payload). Identical problems are reported once. `data`, the value
 * validated, lets a too-long string be told once (onlyTooLong); it is read, never reported.
 */
export function toFieldProblems(
  errors: readonly ErrorObject[] | null | undefined,
  base = '',
  data?: unknown,
  { keep = () => true, limit = LISTED_PROBLEMS + 1 }: FieldProblemOptions = {},
): FieldProblem[] {
  if (!errors?.length) return [];
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const { error, oneOf } of foldWrappers(errors, data)) {
    if (problems.length >= limit) break;
    if (!keep(error)) continue;
    const path = `${base}${fieldPointer(error)}`;
    const problem = { path, ...describe(error, oneOf), keyword: error.keyword };
    const key = `${problem.path}\u0000${problem.keyword}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
