// A forward walk over the fields a schema declares, for the compile-time derivations of personal
// data (personal-locations.ts, personal-check.ts). Each field is reported once with every schema
// that describes it: its own, its $ref targets (defs.schema.json or the document's $defs) and the
// allOf/anyOf/oneOf/then/else branches of all of those, so an annotation in any of them counts.
// A schema reached through `then` or `else` carries the `if` it depends on (and where in the data
// that `if` applies), so an annotation can hold only when another field says so (personal-locations.ts).
// Array items and additional or pattern properties are one field each, named `*`.
import { isSchemaObject, refTarget, schemaAt, type SchemaObject } from '../shared/schema-ref.ts';

type Schema = SchemaObject;

/** The documents a $ref can lead to: the shared definitions, and the walked schema itself. */
export interface SchemaDocuments {
  readonly defs: Schema;
}

/** A branch a schema sits in: `then` (the `if` holds) or `else` (it does not). */
export interface BranchCondition {
  /** How many tokens from the walked root to the value the `if` tests. */
  readonly depth: number;
  readonly if: Schema;
  readonly negate: boolean;
}

export interface FieldSource {
  readonly schema: Schema;
  /** The branches it sits in; empty when it always applies. */
  readonly when: readonly BranchCondition[];
}

export interface DeclaredField {
  /** Reference tokens from the walked root; `*` for every element or every extra property. */
  readonly tokens: readonly string[];
  /** Every schema describing the field, its own first. */
  readonly schemas: readonly Schema[];
  /** The same schemas, each with the branches it depends on. */
  readonly sources: readonly FieldSource[];
}

/** Return false to skip what the field declares beneath it. */
export type FieldVisitor = (field: DeclaredField) => boolean;

export const EVERY = '*';

// A recursive schema (a tree of $defs) is unrolled as deep as a request body may nest
// (gateway/http/json-body.ts MAX_JSON_DEPTH), so every field a valid body can hold has a
// location; a schema that branches so much the walk would not end is refused instead.
const MAX_DEPTH = 32;
const MAX_FIELDS = 20_000;

export class SchemaTooRecursiveError extends Error {
  override name = 'SchemaTooRecursiveError';
}

interface Node extends FieldSource {
  /** The document the schema sits in, for its local references. */
  readonly root: Schema;
}

function follow(ref: string, from: Node, docs: SchemaDocuments): Node | undefined {
  const target = refTarget(ref);
  if (!target) return undefined;
  const root = target.document === 'local' ? from.root : docs.defs;
  const schema = schemaAt(root, target.fragment);
  return schema ? { schema, root, when: from.when } : undefined;
}

const BRANCH_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const BRANCHES = ['then', 'else'] as const;

function expand(node: Node, depth: number, docs: SchemaDocuments, out: Node[] = []): Node[] {
  if (out.some((n) => n.schema === node.schema)) return out;
  out.push(node);
  const { schema, root, when } = node;
  if (typeof schema.$ref === 'string') {
    const target = follow(schema.$ref, node, docs);
    if (target) expand(target, depth, docs, out);
  }
  for (const key of BRANCH_LISTS) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const sub of list)
        if (isSchemaObject(sub)) expand({ schema: sub, root, when }, depth, docs, out);
  }
  for (const key of BRANCHES) {
    const sub = schema[key];
    if (!isSchemaObject(sub)) continue;
    const test = schema.if;
    const branch = isSchemaObject(test) ? [{ depth, if: test, negate: key === 'else' }] : [];
    expand({ schema: sub, root, when: [...when, ...branch] }, depth, docs, out);
  }
  return out;
}

/** The fields the nodes declare, by token, each with the nodes that declare it. */
function children(nodes: readonly Node[]): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const node of nodes) {
    const add = (token: string, sub: unknown) => {
      if (isSchemaObject(sub))
        out.set(token, [
          ...(out.get(token) ?? []),
          { schema: sub, root: node.root, when: node.when },
        ]);
    };
    const { schema } = node;
    if (isSchemaObject(schema.properties))
      for (const [name, sub] of Object.entries(schema.properties)) add(name, sub);
    if (isSchemaObject(schema.patternProperties))
      for (const sub of Object.values(schema.patternProperties)) add(EVERY, sub);
    add(EVERY, schema.additionalProperties);
    add(EVERY, schema.items);
    if (Array.isArray(schema.prefixItems))
      schema.prefixItems.forEach((sub, i) => add(String(i), sub));
  }
  return out;
}

function walk(
  nodes: readonly Node[],
  tokens: readonly string[],
  docs: SchemaDocuments,
  visit: FieldVisitor,
  budget: { fields: number },
): void {
  if (--budget.fields < 0)
    throw new SchemaTooRecursiveError(
      `more than ${MAX_FIELDS} fields: a recursive schema branches too much`,
    );
  const all: Node[] = [];
  for (const node of nodes) expand(node, tokens.length, docs, all);
  const sources = all.map(({ schema, when }) => ({ schema, when }));
  if (!visit({ tokens, schemas: all.map((n) => n.schema), sources }) || tokens.length >= MAX_DEPTH)
    return;
  for (const [token, subs] of children(all)) walk(subs, [...tokens, token], docs, visit, budget);
}

/**
 * Visits the root (tokens []) and every field declared beneath it, parents before children.
 * Throws SchemaTooRecursiveError for a schema whose recursion would not end in reasonable time.
 */
export function eachField(root: Schema, docs: SchemaDocuments, visit: FieldVisitor): void {
  walk([{ schema: root, root, when: [] }], [], docs, visit, { fields: MAX_FIELDS });
}

/** The first Chinese title among the field's schemas (its own before its definition's). */
export function fieldTitle(field: DeclaredField): string | undefined {
  const titled = field.schemas.find(
    (s) => typeof s.title === 'string' && /\p{Script=Han}/u.test(s.title),
  );
  return titled?.title as string | undefined;
}
