// A forward walk over the fields a schema declares, for the compile-time derivations of personal
// data (personal-locations.ts, personal-check.ts). Each field is reported once with every schema
// that describes it: its own, its $ref targets (defs.schema.json or the document's $defs) and the
// allOf/anyOf/oneOf/then/else branches of all of those, so an annotation in any of them counts.
// Array items and additional or pattern properties are one field each, named `*`.
type Schema = Readonly<Record<string, unknown>>;

/** The documents a $ref can lead to: the shared definitions, and the walked schema itself. */
export interface SchemaDocuments {
  readonly defs: Schema;
}

export interface DeclaredField {
  /** Reference tokens from the walked root; `*` for every element or every extra property. */
  readonly tokens: readonly string[];
  /** Every schema describing the field, its own first. */
  readonly schemas: readonly Schema[];
}

/** Return false to skip what the field declares beneath it. */
export type FieldVisitor = (field: DeclaredField) => boolean;

export const EVERY = '*';

interface Node {
  readonly schema: Schema;
  /** The document the schema sits in, for its local references. */
  readonly root: Schema;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fragment(root: Schema, pointer: string): Schema | undefined {
  let node: unknown = root;
  for (const token of pointer.split('/').slice(1)) {
    if (!isSchema(node)) return undefined;
    node = node[token.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return isSchema(node) ? node : undefined;
}

function follow(ref: string, from: Schema, docs: SchemaDocuments): Node | undefined {
  const [file = '', pointer = ''] = ref.split('#');
  const root = file === '' ? from : /defs\.schema\.json$/.test(file) ? docs.defs : undefined;
  const schema = root && fragment(root, pointer);
  return root && schema ? { schema, root } : undefined;
}

const BRANCH_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const BRANCHES = ['then', 'else'] as const;

function expand(node: Node, docs: SchemaDocuments, out: Node[] = []): Node[] {
  if (out.some((n) => n.schema === node.schema)) return out;
  out.push(node);
  const { schema, root } = node;
  if (typeof schema.$ref === 'string') {
    const target = follow(schema.$ref, root, docs);
    if (target) expand(target, docs, out);
  }
  for (const key of BRANCH_LISTS) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const sub of list) if (isSchema(sub)) expand({ schema: sub, root }, docs, out);
  }
  for (const key of BRANCHES) {
    const sub = schema[key];
    if (isSchema(sub)) expand({ schema: sub, root }, docs, out);
  }
  return out;
}

/** The fields the nodes declare, by token, each with the nodes that declare it. */
function children(nodes: readonly Node[]): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const add = (token: string, sub: unknown, root: Schema) => {
    if (isSchema(sub)) out.set(token, [...(out.get(token) ?? []), { schema: sub, root }]);
  };
  for (const { schema, root } of nodes) {
    if (isSchema(schema.properties))
      for (const [name, sub] of Object.entries(schema.properties)) add(name, sub, root);
    if (isSchema(schema.patternProperties))
      for (const sub of Object.values(schema.patternProperties)) add(EVERY, sub, root);
    add(EVERY, schema.additionalProperties, root);
    add(EVERY, schema.items, root);
    if (Array.isArray(schema.prefixItems))
      schema.prefixItems.forEach((sub, i) => add(String(i), sub, root));
  }
  return out;
}

function walk(
  nodes: readonly Node[],
  tokens: readonly string[],
  ancestors: ReadonlySet<Schema>,
  docs: SchemaDocuments,
  visit: FieldVisitor,
): void {
  const all: Node[] = [];
  for (const node of nodes) expand(node, docs, all);
  if (!visit({ tokens, schemas: all.map((n) => n.schema) })) return;
  // A recursive schema (a tree of $defs) is walked once along each path.
  const fresh = all.filter((n) => !ancestors.has(n.schema));
  const inner = new Set([...ancestors, ...fresh.map((n) => n.schema)]);
  for (const [token, subs] of children(fresh)) walk(subs, [...tokens, token], inner, docs, visit);
}

/** Visits the root (tokens []) and every field declared beneath it, parents before children. */
export function eachField(root: Schema, docs: SchemaDocuments, visit: FieldVisitor): void {
  walk([{ schema: root, root }], [], new Set(), docs, visit);
}

/** The first Chinese title among the field's schemas (its own before its definition's). */
export function fieldTitle(field: DeclaredField): string | undefined {
  const titled = field.schemas.find(
    (s) => typeof s.title === 'string' && /\p{Script=Han}/u.test(s.title),
  );
  return titled?.title as string | undefined;
}
