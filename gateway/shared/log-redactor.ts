// Redaction by path for the root logger (gateway/shared/logger.ts), compiled once. pino's own
// `redact` option (@pinojs/redact 0.4) parses every path again on every call and, because some of
// our paths start with `*`, runs on every value of every line and every child binding: about
// 35 µs per line with our 35 paths, more than the rest of a worker's delivery bookkeeping. Here
// the same pino path syntax (`a.b`, `a["x-y"]`, `*` for any one key or index) is compiled into a
// small automaton over keys: a line walks only the keys it has, as deep as some path goes (three
// levels for ours), and copies an object only when a value in it is censored — the caller's object
// is never changed. tests/unit/shared/log-redactor.test.ts holds it to pino's own redaction.

interface PathNode {
  /** A path ends here: the value is censored. */
  end: boolean;
  keys: Map<string, PathNode>;
  any?: PathNode;
}

/** Where a walk stands: every path node the keys so far can have reached. */
export class RedactState {
  /** Censor the value here. */
  readonly censor: boolean;
  /** No path goes deeper: leave the value as it is. */
  readonly leaf: boolean;
  /** The state after a key no path names here (only `*` can match it). */
  other: RedactState = this;
  readonly byKey = new Map<string, RedactState>();

  constructor(censor: boolean, leaf: boolean) {
    this.censor = censor;
    this.leaf = leaf;
  }

  next(key: string): RedactState {
    return this.byKey.get(key) ?? this.other;
  }
}

const TOKEN = /[^.[\]]+|\[([^[\]]*?)\]/g;

/** A pino redaction path as its keys: `a.b["x-y"].*` → a, b, x-y, *. */
export function pathTokens(path: string): string[] {
  return [...path.matchAll(TOKEN)].map((m) =>
    m[1] === undefined ? m[0] : m[1].replace(/^(["'`])(.*)\1$/, '$2'),
  );
}

function tree(paths: readonly string[]): PathNode {
  const root: PathNode = { end: false, keys: new Map() };
  for (const path of paths) {
    let node = root;
    for (const token of pathTokens(path)) {
      const fresh = (): PathNode => ({ end: false, keys: new Map() });
      if (token === '*') node = node.any ??= fresh();
      else {
        const parent = node;
        node = parent.keys.get(token) ?? fresh();
        parent.keys.set(token, node);
      }
    }
    node.end = true;
  }
  return root;
}

/** The automaton's start: the state of a log line's top level. */
export function compileRedaction(paths: readonly string[]): RedactState {
  // States are sets of nodes; the same set reached by two routes is one state.
  const ids = new Map<PathNode, number>();
  const states = new Map<string, RedactState>();
  const idOf = (node: PathNode) => {
    if (!ids.has(node)) ids.set(node, ids.size);
    return ids.get(node)!;
  };
  function state(nodes: readonly PathNode[]): RedactState {
    const name = nodes
      .map(idOf)
      .sort((a, b) => a - b)
      .join(',');
    const known = states.get(name);
    if (known) return known;
    const anyNodes = nodes.flatMap((n) => (n.any ? [n.any] : []));
    const named = new Set(nodes.flatMap((n) => [...n.keys.keys()]));
    const leaf = anyNodes.length === 0 && named.size === 0;
    const made = new RedactState(
      nodes.some((n) => n.end),
      leaf,
    );
    states.set(name, made);
    if (!leaf) made.other = state(anyNodes);
    for (const key of named)
      made.byKey.set(key, state([...nodes.flatMap((n) => n.keys.get(key) ?? []), ...anyNodes]));
    return made;
  }
  return state([tree(paths)]);
}

/**
 * `value` with the values its paths reach replaced by `censor`: the same value when nothing is
 * censored, else a copy of each object on the way (the rest shared). Only own enumerable keys are
 * walked, as JSON.stringify sees them; an object with toJSON (a Date, a Buffer) is written by it,
 * so it is left alone.
 */
export function redactValue<T>(value: T, state: RedactState, censor: string): T {
  if (state.leaf || value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const out = redactEntry(item, state.next(String(i)), censor);
      if (out !== item) (copy ??= [...(value as unknown[])])[i] = out;
    });
    return (copy ?? value) as T;
  }
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const out = redactEntry(item, state.next(key), censor);
    if (out !== item) (copy ??= { ...source })[key] = out;
  }
  return (copy ?? value) as T;
}

function redactEntry(item: unknown, state: RedactState, censor: string): unknown {
  if (state.censor) return item === undefined ? item : censor;
  return redactValue(item, state, censor);
}
