// JSON pointers of the cross-field rules (cross-field-rule.ts): RFC 6901, plus `*` for every
// element of an array. A rule's pointer is parsed once, when the item compiles
// (shared/json-pointer.ts's parsePointer: a `*` token is simply a token there); its tokens serve the
// compile-time check (schema-at-pointer.ts) and the run-time lookup below.
import { escapeToken } from '../../shared/json-pointer.ts';
import type { Located } from './cross-field-rule.ts';

export const EVERY_ELEMENT = '*';

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** The pointer naming a value found at `tokens` (RFC 6901, each token escaped). */
function pointerOf(tokens: readonly string[]): string {
  let path = '';
  for (const token of tokens) path += `/${escapeToken(token)}`;
  return path;
}

/**
 * A value selectValues found. Its pointer is spelt out only when read, i.e. when a rule reports a
 * problem there: every submission locates a dozen values or more and almost never reports one.
 */
class FoundValue implements Located {
  readonly value: unknown;
  readonly pattern: readonly string[];
  readonly tokens: readonly string[];
  constructor(value: unknown, pattern: readonly string[], tokens: readonly string[]) {
    this.value = value;
    this.pattern = pattern;
    this.tokens = tokens;
  }
  get path(): string {
    return pointerOf(this.tokens);
  }
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;
/** What child() answers for a field the data does not have (never a JSON value). */
const NOT_FOUND: unique symbol = Symbol('not found');

/** The child of `value` one reference token (not `*`) names, or NOT_FOUND. */
function child(value: unknown, token: string): unknown {
  if (Array.isArray(value)) {
    const index = ARRAY_INDEX.test(token) ? Number(token) : -1;
    return index >= 0 && index < value.length ? value[index] : NOT_FOUND;
  }
  if (typeof value === 'object' && value !== null && hasOwn(value, token))
    return (value as Record<string, unknown>)[token];
  return NOT_FOUND;
}

/** Walks `pattern` from `depth` on, adding what it reaches to `found`; `tokens` so far. */
function collect(
  value: unknown,
  pattern: readonly string[],
  depth: number,
  tokens: readonly string[],
  found: Located[],
): void {
  let at = value;
  for (let i = depth; i < pattern.length; i++) {
    const token = pattern[i]!;
    if (token === EVERY_ELEMENT) {
      if (!Array.isArray(at)) return;
      for (let index = 0; index < at.length; index++) {
        // Each element's own tokens: the pattern's, with this index in place of the `*`.
        const own = tokens.slice();
        own[i] = `${index}`;
        collect(at[index], pattern, i + 1, own, found);
      }
      return;
    }
    at = child(at, token);
    if (at === NOT_FOUND) return;
  }
  found.push(new FoundValue(at, pattern, tokens));
}

/**
 * Every value `pattern` reaches in `data`, each with its concrete pointer (`*` replaced by the
 * index), in document order. Absent fields are simply not returned. Without `*`, a value's tokens
 * are the pattern itself.
 */
export function selectValues(data: unknown, pattern: readonly string[]): Located[] {
  if (!pattern.includes(EVERY_ELEMENT)) {
    let at = data;
    for (const token of pattern) {
      at = child(at, token);
      if (at === NOT_FOUND) return [];
    }
    return [new FoundValue(at, pattern, pattern)];
  }
  const found: Located[] = [];
  collect(data, pattern, 0, pattern, found);
  return found;
}
