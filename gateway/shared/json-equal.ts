// Equality of JSON values, for ajv's `uniqueItems`, `enum` and `const` (installed in
// shared-meta-ajv.ts, where every ajv of the process is made). ajv compares with fast-deep-equal,
// which calls an object's `valueOf` (and `toString`) whenever it is not Object.prototype's — and a
// parsed body's `{"valueOf": 0}` has its own, not callable: the compare threw "a.valueOf is not a
// function", and a submission with such an object in an array of unique items (HJ-001's
// pollutants) was answered 500 instead of 422; a draft with one in its modes failed its
// validation. Known upstream and unfixed (fast-deep-equal 3.1.3, issues #49/#111, PRs #93/#142).
// node:util's isDeepStrictEqual would not throw, but tells 0 from -0, which JSON Schema counts
// equal. Parsed JSON holds only plain objects, arrays and primitives, compared here by structure
// and own members alone, as the JSON Schema specification defines instance equality.

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}
