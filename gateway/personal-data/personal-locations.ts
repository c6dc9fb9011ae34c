// Where a schema keeps personal data, derived once when the schema compiles (per item version, in
// the compile pipeline: gateway/catalogue/compile-item.ts), never per request and never by field
// name: the JSON pointer pattern of every field annotated `x-personal` (schemas/README.md#personal-data),
// `*` standing for every array element or every extra property. What lies beneath an annotated
// field is personal as a whole, so the walk stops there. Masking (mask-personal.ts), the raw-data
// scan of the tests and any later reader (typed result schemas, an unmasking console) take this
// list, so one annotation drives them all.
import { isPersonalKind, PERSONAL_KEYWORD, type PersonalKind } from './personal-kind.ts';
import { eachField, type DeclaredField, type SchemaDocuments } from './schema-fields.ts';

type Schema = Readonly<Record<string, unknown>>;

export interface PersonalLocation {
  /** RFC 6901 pointer pattern; the token `*` stands for every element or every property. */
  readonly pointer: string;
  readonly tokens: readonly string[];
  readonly kind: PersonalKind;
}

export type PersonalLocations = readonly PersonalLocation[];

/** The kind a field is annotated with: its own annotation first, then its definition's. */
export function annotatedKind(field: DeclaredField): PersonalKind | undefined {
  for (const schema of field.schemas) {
    const kind = schema[PERSONAL_KEYWORD];
    if (isPersonalKind(kind)) return kind;
  }
  return undefined;
}

function toPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Every annotated location of `root`, its tokens prefixed with `prefix`. */
export function personalLocations(
  root: Schema,
  docs: SchemaDocuments,
  prefix: readonly string[] = [],
): PersonalLocations {
  const out: PersonalLocation[] = [];
  eachField(root, docs, (field) => {
    const kind = annotatedKind(field);
    if (!kind) return true;
    const tokens = [...prefix, ...field.tokens];
    out.push(Object.freeze({ pointer: toPointer(tokens), tokens: Object.freeze(tokens), kind }));
    return false;
  });
  return Object.freeze(out);
}

/** A submission's locations: the envelope's own, then the item payload's under /payload. */
export function submissionLocations(
  envelope: Schema,
  payload: Schema,
  docs: SchemaDocuments,
): PersonalLocations {
  return Object.freeze([
    ...personalLocations(envelope, docs),
    ...personalLocations(payload, docs, ['payload']),
  ]);
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
