// The shared definitions an item schema uses (gateway/README.md#read-endpoints): every
// `defs.schema.json#/$defs/<name>` it references, directly or through another definition, so
// GET /v1/catalogue/items/{code} hands a portal everything it needs to render a form from the
// schema without fetching files it cannot reach. Computed once, when the item compiles.

const SHARED_REF = /(?:^|\/)defs\.schema\.json#\/\$defs\/([^/]+)$|^#\/\$defs\/([^/]+)$/;

type Json = unknown;

/** Names referenced by `$ref` anywhere in `schema`; `local` also takes `#/$defs/<name>`. */
function refsIn(schema: Json, local: boolean, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const sub of schema) refsIn(sub, local, out);
  else if (typeof schema === 'object' && schema !== null)
    for (const [key, value] of Object.entries(schema)) {
      const match = key === '$ref' && typeof value === 'string' ? SHARED_REF.exec(value) : null;
      const name = match?.[1] ?? (local ? match?.[2] : undefined);
      if (name) out.add(name);
      else if (key !== 'enum' && key !== 'const' && key !== 'examples') refsIn(value, local, out);
    }
  return out;
}

// What each definition references, kept per defs document: every item version reaches the same
// few dozen definitions, and walking them again for each of the ~150 versions compiled at start
// was most of this step (gateway/README.md#catalogue-compile-at-start).
const siblingsByDocument = new WeakMap<object, Map<string, readonly string[]>>();

function siblingsOf(defsDocument: object, name: string, definition: unknown): readonly string[] {
  let known = siblingsByDocument.get(defsDocument);
  if (!known) siblingsByDocument.set(defsDocument, (known = new Map<string, readonly string[]>()));
  let siblings = known.get(name);
  if (!siblings) known.set(name, (siblings = [...refsIn(definition, true, new Set())]));
  return siblings;
}

/** The definitions of defs.schema.json that `schema` reaches, by name, in the order found. */
export function referencedDefinitions(
  schema: Json,
  defsDocument: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const defs = (defsDocument.$defs ?? {}) as Record<string, unknown>;
  const found = new Map<string, unknown>();
  let pending = [...refsIn(schema, false, new Set())];
  while (pending.length > 0) {
    const next: string[] = [];
    for (const name of pending) {
      if (found.has(name) || defs[name] === undefined) continue;
      found.set(name, defs[name]);
      // Inside defs.schema.json a definition refers to its siblings as #/$defs/<name>.
      next.push(...siblingsOf(defsDocument, name, defs[name]));
    }
    pending = next;
  }
  return Object.fromEntries(found);
}
