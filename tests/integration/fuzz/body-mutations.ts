// Mutations of an envelope's structure for the fuzz test (envelope-fuzz.test.ts): type swaps,
// deletions, unicode oddities, huge strings, unknown and prototype members, odd numbers, deep
// nesting, item codes, modes, regions and duplicate members; the writer that can emit a member
// twice; and the judgement of which final bodies the gateway must refuse.
import type { Rng } from './prng.ts';

export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export const ODD_TEXT = [
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u009b',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  '😀',
  'e\u0301',
  '\u200d',
  '\u200b',
  '𠀀',
  '１２３',
  'བོད་',
  'ئۇيغۇر',
  '\t',
  '\n',
  '\r\n',
  '\\',
  '"',
  '</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
];

const ODD_NUMBERS = ['1e400', '-0', '1E2', '0.1e1', '9007199254740993', '-1', '1.5', '1e-400'];

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown): Slot[] {
  const out: Slot[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || node instanceof RawNumber) continue;
    for (const [key, child] of Object.entries(node)) {
      out.push({
        parent: node as Record<string, unknown>,
        key: Array.isArray(node) ? Number(key) : key,
      });
      stack.push(child);
    }
  }
  return out;
}

function objects(value: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || node instanceof RawNumber) continue;
    if (!Array.isArray(node)) out.push(node as Record<string, unknown>);
    stack.push(...(Object.values(node) as unknown[]));
  }
  return out;
}

/** A slot of the body, or none when earlier mutations emptied it (a small body: the portal's rating, portal sweep seed 3005). */
function anySlot(r: Rng, env: Record<string, unknown>): Slot | undefined {
  const all = slots(env);
  return all.length === 0 ? undefined : r.pick(all);
}

function get(slot: Slot): unknown {
  return (slot.parent as Record<string | number, unknown>)[slot.key];
}
function set(slot: Slot, v: unknown): void {
  (slot.parent as Record<string | number, unknown>)[slot.key] = v;
}

function randomValue(r: Rng): unknown {
  return r.pick<() => unknown>([
    () => r.int(-1000, 1_000_000),
    () => 'x'.repeat(r.int(0, 40)),
    () => r.chance(0.5),
    () => null,
    () => [],
    () => ({}),
    () => [r.int(0, 9), 'a'],
    () => ({ a: 1 }),
    () => String(r.int(100000, 999999)),
    () => new RawNumber(r.pick(ODD_NUMBERS)),
  ])();
}

export interface Dup {
  target: Record<string, unknown>;
  key: string;
  value: unknown;
}

/** What a mutation did to the request; `refuse` lists why the gateway must not accept it. */
export interface State {
  dup?: Dup;
  refuse: string[];
}

type Mutation = (r: Rng, envelope: Record<string, unknown>, state: State) => string;

// Characters the body checks refuse anywhere (gateway/README.md#body-checks).
export const REFUSED =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const BODY_MUTATIONS: (readonly [number, Mutation])[] = [
  [
    15,
    (r, env) => {
      const slot = anySlot(r, env);
      if (!slot) return 'none';
      set(slot, randomValue(r));
      return `type:${String(slot.key)}`;
    },
  ],
  [
    10,
    (r, env) => {
      const slot = anySlot(r, env);
      if (!slot) return 'none';
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return `delete:${String(slot.key)}`;
    },
  ],
  [
    15,
    (r, env) => {
      const strings = slots(env).filter((s) => typeof get(s) === 'string');
      if (strings.length === 0) return 'unicode:none';
      const slot = r.pick(strings);
      const text = get(slot) as string;
      const odd = r.pick(ODD_TEXT);
      const at = r.int(0, text.length);
      set(slot, text.slice(0, at) + odd + text.slice(at));
      return `unicode:${String(slot.key)}:${[...odd].map((c) => c.codePointAt(0)!.toString(16)).join('+')}`;
    },
  ],
  [
    3,
    (r, env) => {
      const slot = anySlot(r, env);
      if (!slot) return 'none';
      const size = r.pick([1000, 10_000, 100_000, 300_000]);
      set(slot, r.pick(['x', '中', '\u202e']).repeat(size));
      return `huge:${String(slot.key)}:${size}`;
    },
  ],
  [
    5,
    (r, env) => {
      const target = r.pick(objects(env));
      target[r.pick(['extra', 'admin', 'x-unknown', ''])] = randomValue(r);
      return 'unknown-member';
    },
  ],
  [
    4,
    (r, env) => {
      const slot = anySlot(r, env);
      if (!slot) return 'none';
      set(slot, new RawNumber(r.pick(ODD_NUMBERS)));
      return `number:${String(slot.key)}`;
    },
  ],
  [
    3,
    (r, env) => {
      const slot = anySlot(r, env);
      if (!slot) return 'none';
      const depth = r.pick([31, 33, 200]);
      set(slot, JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown);
      return `deep:${depth}`;
    },
  ],
  [
    3,
    (r, env) => {
      const target = r.pick(objects(env));
      const key = r.pick(['__proto__', 'constructor', 'prototype', 'valueOf', 'toString']);
      Object.defineProperty(target, key, {
        value: { admin: true, polluted: 1 },
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return `proto:${key}`;
    },
  ],
  [
    4,
    (r, env) => {
      env.itemCode = r.pick(['SW-005', 'GA-001', 'XX-999', 'sw-005', 'SW-5', '', 'SW-005 ']);
      return `itemCode:${String(env.itemCode)}`;
    },
  ],
  [
    4,
    (r, env) => {
      env.mode = r.pick(['online', 'proxy', 'joint', 'ONLINE', 'offline', '']);
      return `mode:${String(env.mode)}`;
    },
  ],
  [
    5,
    (r, env) => {
      const field = r.pick(['receivingRegion', 'handlingRegion']);
      env[field] = r.pick([
        '530323',
        '510104',
        '530321',
        '110105',
        '440305',
        '000000',
        '5303',
        '530323000000',
        '999999',
        '540171',
        '5003',
      ]);
      return `${field}:${String(env[field])}`;
    },
  ],
  [
    8,
    (r, env, state) => {
      const target = r.pick(objects(env).filter((o) => Object.keys(o).length > 0));
      if (!target) return 'dup:none';
      const key = r.pick(Object.keys(target));
      state.dup = { target, key, value: r.chance(0.5) ? target[key] : randomValue(r) };
      return `dup:${key}`;
    },
  ],
];

/**
 * Why the final body must be refused, judged on what is left after every mutation (a later
 * deletion can undo an earlier one): refused characters, over-long strings (every schema string
 * has a maxLength of at most 2 048), arrays of arrays (no schema has them), prototype member
 * names (additionalProperties: false everywhere), and a duplicate member that was written — twice
 * only while its key is still in the object: a later deletion of that key leaves one member
 * (seed 1001 case 8954: dup:type then delete:type wrote one "type" and was judged a duplicate).
 */
export function refusedContent(value: unknown, dup: Dup | undefined): string[] {
  const reasons = new Set<string>();
  if (dup && Object.hasOwn(dup.target, dup.key) && contains(value, dup.target))
    reasons.add('duplicate member');
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (REFUSED.test(node)) reasons.add('forbidden character');
      if (node.length > 2048) reasons.add('over-long string');
    } else if (Array.isArray(node)) {
      if (node.some(Array.isArray)) reasons.add('array of arrays');
      stack.push(...(node as unknown[]));
    } else if (typeof node === 'object' && node !== null && !(node instanceof RawNumber)) {
      for (const key of Object.keys(node)) {
        if (['__proto__', 'constructor', 'prototype', 'valueOf', 'toString'].includes(key))
          reasons.add('prototype member');
        if (REFUSED.test(key)) reasons.add('forbidden character');
      }
      stack.push(...(Object.values(node) as unknown[]));
    }
  }
  return [...reasons];
}

function contains(root: unknown, target: object): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === target) return true;
    if (typeof node === 'object' && node !== null)
      stack.push(...(Object.values(node) as unknown[]));
  }
  return false;
}

export function write(value: unknown, dup?: Dup): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => write(v, dup)).join(',')}]`;
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${write(v, dup)}`);
  if (dup && dup.target === value) members.push(`${JSON.stringify(dup.key)}:${write(dup.value)}`);
  return `{${members.join(',')}}`;
}
