// Bounds on an operator's draft (schemas/README.md#draft-validation), checked before anything else
// reads it: a draft is compiled into code and walked recursively, so an oversize or deeply nested
// one must be refused without being walked. The largest published schema is ~12 KiB and the
// deepest item file nests 13 levels, so the limits leave room to grow while refusing a 1 MiB paste or a
// nesting built to exhaust the stack.

/** The draft's schema, as UTF-8 JSON. */
export const MAX_DRAFT_SCHEMA_BYTES = 256 * 1024;
/** The draft's examples document, as UTF-8 JSON. */
export const MAX_DRAFT_EXAMPLES_BYTES = 256 * 1024;
/** Objects and arrays inside one another, anywhere in the draft. */
export const MAX_DRAFT_DEPTH = 32;

/**
 * How deeply objects and arrays nest in `value` (a scalar is 0), counting at most to `limit + 1`:
 * iterative, so a nesting deeper than the stack is measured, not overflowed.
 */
export function nestingDepth(value: unknown, limit = MAX_DRAFT_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Size of `value` as UTF-8 JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}
