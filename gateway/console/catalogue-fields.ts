// An item schema as a table of its fields for the console's item page (gateway/console/README.md):
// one row per field, located by a JSON pointer into the payload (`*` stands for any element of an
// array), with its Chinese title, type, whether it is required, its constraints, its x-personal
// kind and the division table its code is checked against. `$ref`s are followed into the item's
// own `$defs` and into the shared definitions the registry hands out with the item
// (referenced-definitions.ts), so a field typed by `defs.schema.json#/$defs/taxpayerId` shows that
// definition's type and limits. Fields that exist only under a condition (if/then, anyOf, oneOf)
// are marked conditional. Pure, bounded in depth, and never throws on a schema it cannot read.
import { escapeToken } from '../shared/json-pointer.ts';

export interface FieldRow {
  readonly pointer: string;
  readonly title: string;
  readonly type: string;
  readonly required: boolean;
  readonly conditional: boolean;
  readonly constraints: readonly string[];
  /** x-personal kind (`name`, `id-number`…); `(条件)` when only a condition makes it personal. */
  readonly personal?: string;
  /** `divisionCode: member`, `taxAuthorityCode: national`. */
  readonly division?: string;
  /** The shared or local definition the field is typed by. */
  readonly ref?: string;
}

type Node = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 12;
const MAX_ROWS = 500;

const LIMIT_KEYWORDS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  // The gateway's own keywords (catalogue/keywords/).
  'idNumber',
  'taxpayerId',
  'creditCode',
  'organisationCode',
  'orderedPeriod',
  'maxJsonLength',
] as const;

const DIVISION_KEYWORDS = ['divisionCode', 'taxAuthorityCode'] as const;

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SHARED_REF = /(?:^|\/)defs\.schema\.json#\/\$defs\/([^/]+)$/;
const LOCAL_REF = /^#\/\$defs\/([^/]+)$/;

interface Documents {
  readonly item: Node;
  readonly shared: Node;
}

/** The node with its `$ref` chain merged in (the node's own keywords win), and where it led. */
function resolve(
  node: Node,
  docs: Documents,
  inShared: boolean,
): { node: Node; inShared: boolean; ref?: string } {
  let merged: Record<string, unknown> = { ...node };
  let shared = inShared;
  let ref: string | undefined;
  for (let hops = 0; hops < 8 && typeof merged.$ref === 'string'; hops++) {
    const text = merged.$ref;
    const sharedName = SHARED_REF.exec(text)?.[1];
    const localName = LOCAL_REF.exec(text)?.[1];
    let target: unknown;
    if (sharedName !== undefined) {
      target = docs.shared[sharedName];
      shared = true;
    } else if (localName !== undefined) {
      const defs = shared ? docs.shared : ((docs.item.$defs ?? {}) as Node);
      target = defs[localName];
    }
    ref ??= sharedName ?? (localName !== undefined ? `#/$defs/${localName}` : text);
    const { $ref: _ref, ...rest } = merged;
    merged = isObject(target) ? { ...target, ...rest } : rest;
  }
  return { node: merged, inShared: shared, ...(ref ? { ref } : {}) };
}

function typeOf(node: Node): string {
  if (node.const !== undefined) return 'const';
  if (Array.isArray(node.type)) return node.type.join(' | ');
  if (typeof node.type === 'string') return node.type;
  if (isObject(node.properties)) return 'object';
  if (node.enum !== undefined) return 'enum';
  return '—';
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function constraintsOf(node: Node): string[] {
  const out: string[] = [];
  for (const keyword of LIMIT_KEYWORDS)
    if (node[keyword] !== undefined && node[keyword] !== false)
      out.push(`${keyword}: ${show(node[keyword])}`);
  if (Array.isArray(node.enum)) out.push(`enum: ${show(node.enum.map(String).join(', '))}`);
  if (node.const !== undefined) out.push(`const: ${show(node.const)}`);
  if (node.additionalProperties === false) out.push('additionalProperties: false');
  return out;
}

function personalOf(node: Node): string | undefined {
  if (typeof node['x-personal'] === 'string') return node['x-personal'];
  for (const branch of [node.then, node.else])
    if (isObject(branch) && typeof branch['x-personal'] === 'string')
      return `${branch['x-personal']} (条件 conditional)`;
  return undefined;
}

function divisionOf(node: Node): string | undefined {
  const found = DIVISION_KEYWORDS.filter((k) => typeof node[k] === 'string').map(
    (k) => `${k}: ${String(node[k])}`,
  );
  return found.length > 0 ? found.join(', ') : undefined;
}

/** Every field of an item's payload schema, in schema order (nested fields after their parent). */
export function schemaFields(schema: unknown, sharedDefinitions: unknown = {}): FieldRow[] {
  if (!isObject(schema)) return [];
  const docs: Documents = {
    item: schema,
    shared: isObject(sharedDefinitions) ? sharedDefinitions : {},
  };
  const rows = new Map<string, FieldRow>();

  function walk(
    raw: Node,
    pointer: string,
    flags: { required: boolean; conditional: boolean; inShared: boolean },
    depth: number,
  ): void {
    if (depth > MAX_DEPTH || rows.size >= MAX_ROWS) return;
    const { node, inShared, ref } = resolve(raw, docs, flags.inShared);
    if (pointer !== '' && !rows.has(pointer)) {
      rows.set(pointer, {
        pointer,
        title: typeof node.title === 'string' ? node.title : '',
        type: typeOf(node),
        required: flags.required,
        conditional: flags.conditional,
        constraints: constraintsOf(node),
        ...(personalOf(node) ? { personal: personalOf(node) } : {}),
        ...(divisionOf(node) ? { division: divisionOf(node) } : {}),
        ...(ref ? { ref } : {}),
      });
    }
    const required = Array.isArray(node.required) ? node.required : [];
    if (isObject(node.properties))
      for (const [key, child] of Object.entries(node.properties))
        if (isObject(child))
          walk(
            child,
            `${pointer}/${escapeToken(key)}`,
            { required: required.includes(key), conditional: flags.conditional, inShared },
            depth + 1,
          );
    if (isObject(node.items))
      walk(
        node.items,
        `${pointer}/*`,
        { required: false, conditional: flags.conditional, inShared },
        depth + 1,
      );
    // Branches add fields at the same level: allOf always applies, the others only sometimes.
    const branches: [unknown, boolean][] = [
      ...(Array.isArray(node.allOf) ? node.allOf.map((b): [unknown, boolean] => [b, false]) : []),
      ...[node.anyOf, node.oneOf].flatMap((list) =>
        Array.isArray(list) ? list.map((b): [unknown, boolean] => [b, true]) : [],
      ),
      [node.then, true],
      [node.else, true],
    ];
    for (const [branch, conditional] of branches)
      if (isObject(branch) && (isObject(branch.properties) || branch.$ref !== undefined))
        walk(
          { ...branch, title: undefined, 'x-personal': undefined },
          pointer,
          { required: false, conditional: flags.conditional || conditional, inShared },
          depth + 1,
        );
  }

  walk(schema, '', { required: true, conditional: false, inShared: false }, 0);
  return [...rows.values()];
}
