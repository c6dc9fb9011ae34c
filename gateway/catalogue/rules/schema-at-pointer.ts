// Compile-time half of the rule pointers: which schemas a pointer into the envelope leads to, so
// compile-rules.ts can refuse a pointer that names no field, or a field of the wrong kind, before
// the item is served. /payload/... continues in the item's schema, /result/... in the item's result
// schema (a result's own rules only: result-schema.ts), anything else in the envelope schema. $ref is followed into defs.schema.json and the document's own $defs; a property may be
// declared directly or in allOf/anyOf/oneOf/then/else branches.
import { isSchemaObject, refTarget, schemaAt, type SchemaObject } from '../../shared/schema-ref.ts';
import { EVERY_ELEMENT } from './field-pointer.ts';

type Schema = SchemaObject;

/** The schema documents a pointer can reach. */
export interface SchemaDocuments {
  readonly item: Schema;
  readonly envelope: Schema;
  readonly defs: Schema;
  /** The item's result schema, given only when its result's rules compile. */
  readonly result?: Schema;
}

type DocName = keyof SchemaDocuments;

interface Node {
  readonly schema: Schema;
  readonly doc: DocName;
}

function follow(ref: string, from: DocName, docs: SchemaDocuments): Node | undefined {
  const target = refTarget(ref);
  if (!target) return undefined;
  const doc: DocName = target.document === 'local' ? from : 'defs';
  const root = docs[doc];
  const schema = root ? schemaAt(root, target.fragment) : undefined;
  return schema ? { schema, doc } : undefined;
}

const BRANCHES = ['allOf', 'anyOf', 'oneOf'] as const;

/** The node with everything it stands for: its $ref targets and combinator/conditional branches. */
function expand(node: Node, docs: SchemaDocuments, out: Node[] = []): Node[] {
  if (out.some((n) => n.schema === node.schema)) return out;
  out.push(node);
  const { schema, doc } = node;
  if (typeof schema.$ref === 'string') {
    const target = follow(schema.$ref, doc, docs);
    if (target) expand(target, docs, out);
  }
  for (const key of BRANCHES) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const sub of list) if (isSchemaObject(sub)) expand({ schema: sub, doc }, docs, out);
  }
  for (const key of ['then', 'else'] as const) {
    const sub = schema[key];
    if (isSchemaObject(sub)) expand({ schema: sub, doc }, docs, out);
  }
  return out;
}

function child(node: Node, token: string): Node | undefined {
  const { schema, doc } = node;
  if (token === EVERY_ELEMENT || /^[0-9]+$/.test(token)) {
    const prefix = schema.prefixItems;
    if (token !== EVERY_ELEMENT && Array.isArray(prefix) && isSchemaObject(prefix[Number(token)]))
      return { schema: prefix[Number(token)] as Schema, doc };
    return isSchemaObject(schema.items) ? { schema: schema.items, doc } : undefined;
  }
  const properties = schema.properties;
  if (!isSchemaObject(properties) || !Object.prototype.hasOwnProperty.call(properties, token))
    return undefined;
  const sub = properties[token];
  return isSchemaObject(sub) ? { schema: sub, doc } : undefined;
}

/** Where a pointer's first token leads: the payload, the result (when given), or the envelope. */
function startOf(head: string, docs: SchemaDocuments): { node: Node; inEnvelope: boolean } {
  if (head === 'payload') return { node: { schema: docs.item, doc: 'item' }, inEnvelope: false };
  if (head === 'result' && docs.result)
    return { node: { schema: docs.result, doc: 'result' }, inEnvelope: false };
  return { node: { schema: docs.envelope, doc: 'envelope' }, inEnvelope: true };
}

/**
 * Every schema the field at `tokens` (a pointer into the envelope) is described by, $ref targets
 * included; empty when the schemas declare no such field.
 */
export function schemasAt(tokens: readonly string[], docs: SchemaDocuments): Schema[] {
  const [head, ...rest] = tokens;
  if (head === undefined) return [];
  const start = startOf(head, docs);
  let nodes: Node[] = [start.node];
  const path = start.inEnvelope ? tokens : rest;
  for (const token of path) {
    const next: Node[] = [];
    for (const node of nodes)
      for (const candidate of expand(node, docs)) {
        const found = child(candidate, token);
        if (found) next.push(found);
      }
    nodes = next;
    if (nodes.length === 0) return [];
  }
  const all: Node[] = [];
  for (const node of nodes) expand(node, docs, all);
  return all.map((n) => n.schema);
}
