// Where a `$ref` in the catalogue's schemas leads, for the walks that follow references themselves
// rather than through ajv: the cross-field rules' pointer check (rules/schema-at-pointer.ts), the
// personal-data field walk (personal-data/schema-fields.ts) and the compatibility check
// (compatibility/schema-references.ts). A reference is local (`#/$defs/payment`, in the document
// it is written in) or into the shared definitions (`defs.schema.json#/$defs/date`, by relative
// path or full $id); any other document is no catalogue schema's.
import { evaluatePointer } from './json-pointer.ts';

export type SchemaObject = Readonly<Record<string, unknown>>;

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SHARED_DEFINITIONS = /(?:^|\/)defs\.schema\.json$/;

/** Whether the document part of a reference (before `#`) names the shared definitions. */
function isSharedDefinitions(documentPart: string): boolean {
  return SHARED_DEFINITIONS.test(documentPart);
}

/** A reference's document part (before `#`, empty for a local one) and its fragment (after it). */
export function splitRef(ref: string): { documentPart: string; fragment: string } {
  const hash = ref.indexOf('#');
  return hash < 0
    ? { documentPart: ref, fragment: '' }
    : { documentPart: ref.slice(0, hash), fragment: ref.slice(hash + 1) };
}

export interface RefTarget {
  readonly document: 'local' | 'shared';
  /** The pointer after `#`, as written (percent-encoded). */
  readonly fragment: string;
}

/** The document and fragment `ref` names; undefined for a document outside the catalogue's. */
export function refTarget(ref: string): RefTarget | undefined {
  const { documentPart, fragment } = splitRef(ref);
  if (documentPart === '') return { document: 'local', fragment };
  return isSharedDefinitions(documentPart) ? { document: 'shared', fragment } : undefined;
}

/** The schema object `fragment` names in `root`; undefined when it names none. */
export function schemaAt(root: unknown, fragment: string): SchemaObject | undefined {
  const node = evaluatePointer(root, fragment);
  return isSchemaObject(node) ? node : undefined;
}
