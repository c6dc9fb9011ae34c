// Where a schema keeps personal data, derived once when the schema compiles (per item version, in
// the compile pipeline: gateway/catalogue/compile-item.ts), never per request and never by field
// name: the JSON pointer pattern of every field annotated `x-personal` (schemas/README.md#personal-data),
// `*` standing for every array element or every extra property. What lies beneath an annotated
// field is personal as a whole, so the walk stops there; an annotation in a then/else branch holds
// only where its `if` does (a condition on the data, branch-test.ts). Masking (mask-personal.ts), the raw-data
// scan of the tests and any later reader (typed result schemas, an unmasking console) take this
// list, so one annotation drives them all.
import { escapeToken } from '../shared/json-pointer.ts';
import { branchTest, type ValueTest } from './branch-test.ts';
import { isPersonalKind, PERSONAL_KEYWORD, type PersonalKind } from './personal-kind.ts';
import {
  eachField,
  type BranchCondition,
  type DeclaredField,
  type SchemaDocuments,
} from './schema-fields.ts';

type Schema = Readonly<Record<string, unknown>>;

/** An annotation made in a `then`/`else` branch holds only where its `if` does (or does not). */
export interface PersonalCondition {
  /** Pointer pattern of the value the `if` tests: the field itself or one of its parents. */
  readonly at: string;
  /** That value's depth: how many of the location's tokens lead to it. */
  readonly depth: number;
  readonly test: ValueTest;
}

export interface PersonalLocation {
  /** RFC 6901 pointer pattern; the token `*` stands for every element or every property. */
  readonly pointer: string;
  readonly tokens: readonly string[];
  readonly kind: PersonalKind;
  /** All must hold for the value to be personal; absent: it always is. */
  readonly when?: readonly PersonalCondition[];
}

export type PersonalLocations = readonly PersonalLocation[];

/** The kind a field is annotated with, its own annotation first, in any branch. */
export function annotatedKind(field: DeclaredField): PersonalKind | undefined {
  for (const schema of field.schemas) {
    const kind = schema[PERSONAL_KEYWORD];
    if (isPersonalKind(kind)) return kind;
  }
  return undefined;
}

/** RFC 6901 pointer of reference tokens (`*` stays `*`). */
export function toPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${escapeToken(t)}`).join('');
}

/** The branch conditions that can be judged; an `if` that cannot counts as holding. */
function conditions(
  branches: readonly BranchCondition[],
  tokens: readonly string[],
  offset: number,
): PersonalCondition[] {
  return branches.flatMap(({ depth, if: schema, negate }) => {
    const test = branchTest(schema);
    if (!test) return [];
    const at = offset + depth;
    return [
      Object.freeze({
        at: toPointer(tokens.slice(0, at)),
        depth: at,
        test: negate ? (value: unknown) => !test(value) : test,
      }),
    ];
  });
}

/**
 * Every annotated location of `root`, its tokens prefixed with `prefix`. A field annotated outside
 * any branch is one unconditional location and nothing beneath it is walked; annotations inside
 * branches give one conditional location each, in schema order (the first that holds masks).
 */
export function personalLocations(
  root: Schema,
  docs: SchemaDocuments,
  prefix: readonly string[] = [],
): PersonalLocations {
  const out: PersonalLocation[] = [];
  eachField(root, docs, (field) => {
    const tokens = Object.freeze([...prefix, ...field.tokens]);
    const pointer = toPointer(tokens);
    const conditional: PersonalLocation[] = [];
    for (const { schema, when } of field.sources) {
      const kind = schema[PERSONAL_KEYWORD];
      if (!isPersonalKind(kind)) continue;
      const judged = conditions(when, tokens, prefix.length);
      if (judged.length === 0) {
        out.push(Object.freeze({ pointer, tokens, kind }));
        return false;
      }
      conditional.push(Object.freeze({ pointer, tokens, kind, when: Object.freeze(judged) }));
    }
    out.push(...conditional);
    return true;
  });
  return Object.freeze(out);
}

/**
 * A submission's locations: the envelope's own (`personalLocations(envelope)`, the same for every
 * item version, so derived once by the caller), then the item payload's under /payload.
 */
export function submissionLocations(
  envelope: PersonalLocations,
  payload: Schema,
  docs: SchemaDocuments,
): PersonalLocations {
  return Object.freeze([...envelope, ...personalLocations(payload, docs, ['payload'])]);
}

/**
 * For a case whose item version is no longer compiled (so its payload locations are unknown): the
 * applicant and the payload are masked whole, every string as strictly as a name.
 */
export const WITHHELD_SUBMISSION: PersonalLocations = Object.freeze(
  ['applicant', 'payload'].map((field) =>
    Object.freeze({ pointer: `/${field}`, tokens: Object.freeze([field]), kind: 'name' as const }),
  ),
);
