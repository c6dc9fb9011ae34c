// Turns the `if` of a conditional annotation into a test on the data (personal-locations.ts), for
// the forms the catalogue uses: `type`, `const`, `enum`, `pattern`, `required` and `properties` of
// those.
// Any other `if` cannot be judged here and counts as holding, so its annotation always applies: a
// value is masked once too often rather than shown once too many.
type Schema = Readonly<Record<string, unknown>>;

export type ValueTest = (value: unknown) => boolean;

// Bounds a refining `if` must carry for the catalogue's size rules; they do not change its meaning
// for a value the field's own schema already accepted.
const IGNORED = new Set(['title', 'description', '$comment', 'maxLength', 'maxItems']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function typeOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number')
    return Number.isInteger(value) ? ['number', 'integer'] : ['number'];
  return [typeof value];
}

function has(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** A test with the meaning JSON Schema gives `schema`, or undefined when it uses other keywords. */
export function branchTest(schema: Schema): ValueTest | undefined {
  const tests: ValueTest[] = [];
  for (const [keyword, arg] of Object.entries(schema)) {
    if (IGNORED.has(keyword)) continue;
    if (keyword === 'const') tests.push((v) => equal(v, arg));
    else if (keyword === 'type' && (typeof arg === 'string' || Array.isArray(arg))) {
      const types: unknown[] = [arg].flat();
      tests.push((v) => typeOf(v).some((t) => types.includes(t)));
    } else if (keyword === 'enum' && Array.isArray(arg))
      tests.push((v) => arg.some((a) => equal(v, a)));
    else if (keyword === 'pattern' && typeof arg === 'string') {
      const pattern = new RegExp(arg, 'u');
      tests.push((v) => typeof v !== 'string' || pattern.test(v));
    } else if (keyword === 'required' && Array.isArray(arg))
      tests.push((v) => !isObject(v) || arg.every((name) => has(v, String(name))));
    else if (keyword === 'properties' && isObject(arg)) {
      for (const [name, sub] of Object.entries(arg)) {
        const test = isObject(sub) ? branchTest(sub) : undefined;
        if (!test) return undefined;
        tests.push((v) => !isObject(v) || !has(v, name) || test(v[name]));
      }
    } else return undefined;
  }
  return (value) => tests.every((test) => test(value));
}
