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
      next.push(...refsIn(defs[name], true, new Set()));
    }
    pending = next;
  }
  return Object.fromEntries(found);
}
