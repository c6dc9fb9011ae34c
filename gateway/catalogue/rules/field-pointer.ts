// JSON pointers of the cross-field rules (cross-field-rule.ts): RFC 6901, plus `*` for every
// element of an array. Parsing is shared by the compile-time check (schema-at-pointer.ts) and the
// run-time lookup below.
import { pointerToken } from '../field-problems.ts';
import type { Located } from './cross-field-rule.ts';

export const EVERY_ELEMENT = '*';

/** The reference tokens of a pointer, unescaped; undefined when it is not a JSON pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/**
 * Every value `tokens` reach in `data`, each with its concrete pointer (`*` replaced by the index).
 * Absent fields are simply not returned.
 */
export function selectValues(data: unknown, pattern: readonly string[]): Located[] {
  interface Step {
    value: unknown;
    tokens: string[];
  }
  let found: Step[] = [{ value: data, tokens: [] }];
  for (const token of pattern) {
    const next: Step[] = [];
    for (const { value, tokens } of found) {
      if (token === EVERY_ELEMENT) {
        if (Array.isArray(value))
          value.forEach((element, i) => next.push({ value: element, tokens: [...tokens, `${i}`] }));
      } else if (Array.isArray(value)) {
        const index = /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
        if (index >= 0 && index < value.length)
          next.push({ value: value[index], tokens: [...tokens, token] });
      } else if (typeof value === 'object' && value !== null && hasOwn(value, token)) {
        const child = (value as Record<string, unknown>)[token];
        next.push({ value: child, tokens: [...tokens, token] });
      }
    }
    found = next;
  }
  return found.map(({ value, tokens }) => ({
    path: tokens.map((t) => `/${pointerToken(t)}`).join(''),
    value,
    pattern,
    tokens,
  }));
}
