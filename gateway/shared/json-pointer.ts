// JSON pointers (RFC 6901), one home: the problem details' `errors[].path`, the cross-field rules'
// field pointers, and the fragments of `$ref`s, escaped and read the same way everywhere.

/** One reference token escaped (`~` → `~0`, `/` → `~1`), to be appended after a `/`. */
export function escapeToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** One reference token as written in a pointer, unescaped (`~1` first, then `~0`: RFC 6901 §4). */
export function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The reference tokens of a pointer, unescaped; undefined when it is not a JSON pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) return undefined;
  return pointer.slice(1).split('/').map(unescapeToken);
}

/**
 * The value a pointer written as a URI fragment (`/$defs/date`, percent-encoded, as a `$ref`
 * carries it: RFC 6901 §6) names in `root`: an own member of an object or an index of an array at
 * each step; undefined when it names nothing, so `/__proto__` or `/constructor` never reach
 * Object's prototype.
 */
export function evaluatePointer(root: unknown, fragment: string): unknown {
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return undefined;
  let node = root;
  for (const raw of fragment.slice(1).split('/')) {
    let token: string;
    try {
      token = unescapeToken(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token)) node = node[Number(token)];
    else if (
      typeof node === 'object' &&
      node !== null &&
      !Array.isArray(node) &&
      Object.hasOwn(node, token)
    )
      node = (node as Record<string, unknown>)[token];
    else return undefined;
  }
  return node;
}
