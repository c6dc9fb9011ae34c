// Resolving `$ref`s while two schemas are compared. A local reference (`#/$defs/payment`) points
// into the document it is written in: the item schema itself, or, once a reference has led into
// the shared definitions, defs.schema.json (whose `period` refers to `#/$defs/date`). Other
// references go to the caller's resolver, which knows the shared documents (the catalogue's
// defs.schema.json, as the registry resolves them: referenced-definitions.ts).
import { evaluatePointer } from '../../shared/json-pointer.ts';
import { refTarget, splitRef } from '../../shared/schema-ref.ts';

export type ResolveRef = (ref: string) => object | undefined;

/** The document a schema node sits in: the compared schema's own root, or a shared one by URI. */
export type SchemaDocument = { readonly root: unknown } | { readonly uri: string };

/** A schema node and the document its local references resolve in. */
export interface Located {
  readonly node: unknown;
  readonly doc: SchemaDocument;
}

/** The node `ref` names, seen from `doc`, or undefined when it cannot be resolved. */
export function resolveReference(
  ref: string,
  doc: SchemaDocument,
  resolveRef: ResolveRef,
): Located | undefined {
  const { documentPart, fragment } = splitRef(ref);
  let node: unknown;
  if (documentPart !== '') {
    node = safely(resolveRef, ref);
    return node === undefined ? undefined : { node, doc: { uri: documentPart } };
  }
  node =
    'root' in doc
      ? evaluatePointer(doc.root, fragment)
      : safely(resolveRef, `${doc.uri}#${fragment}`);
  return node === undefined ? undefined : { node, doc };
}

// A caller's resolver that throws must not stop the check: the reference is reported unresolved.
function safely(resolveRef: ResolveRef, ref: string): unknown {
  try {
    return resolveRef(ref);
  } catch {
    return undefined;
  }
}

/**
 * A resolver for the catalogue's shared definitions: any reference whose document is
 * defs.schema.json (`../defs.schema.json#/$defs/date`, or by its full $id) is looked up in
 * `defsDocument`.
 */
export function sharedDefinitionsResolver(defsDocument: unknown): ResolveRef {
  return (ref) => {
    const target = refTarget(ref);
    if (target?.document !== 'shared') return undefined;
    const node = evaluatePointer(defsDocument, target.fragment);
    return typeof node === 'object' && node !== null ? node : undefined;
  };
}
