// canonicalJson (gateway/shared/canonical-json.ts) is hashed into stored digests (request hashes of
// Idempotency-Keys, event digests, the audit chain): its text must never change. Checked against
// the plain definition it replaced: keys sorted by Array.prototype.sort at every level.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../gateway/shared/canonical-json.ts';

function reference(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  // Every index, holes included (as the loop of the original definition).
  if (Array.isArray(value)) return `[${Array.from(value, (v) => reference(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every level, integer-like keys included', () => {
    const value = { b: 1, a: { '10': true, '9': null, z: [{ y: 'é', x: '缴款' }] }, A: 2 };
    expect(canonicalJson(value)).toBe(
      '{"A":2,"a":{"10":true,"9":null,"z":[{"x":"缴款","y":"é"}]},"b":1}',
    );
  });

  it('orders keys beyond the BMP as sort() does (by code unit, not code point)', () => {
    const value = { '\u{1F600}': 1, '\uFF5E': 2, '\uD7FF': 3 };
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('sorts an object with many keys (more than the in-place sort takes) the same way', () => {
    const value = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`k${(i * 7919) % 200}`, i]),
    );
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it('gives the text of the plain definition for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the text of the plain definition for values JSON.stringify writes differently', () => {
    class Point {
      x = 1;
      y = 2;
    }
    const nullPrototype = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    const values: unknown[] = [
      { a: undefined, b: 1 },
      [undefined, () => 1, Symbol('s')],
      [1, , 3],
      { f: () => 1 },
      { toJSON: () => 'replaced', a: 1 },
      { toJSON: 'not a function', a: 1 },
      { at: new Date(0) },
      new Map([['a', 1]]),
      new Point(),
      nullPrototype,
      JSON.parse('{"__proto__":{"b":1,"a":2},"a":0}') as unknown,
      { '10': 1, '9': 2, a: 3, '1a': 4, '-1': 5 },
      { s: new String('x'), n: new Number(1) },
      { nested: [{ z: 1, y: [{ b: undefined }] }] },
      [Object.assign([1, 2], { extra: true })],
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
  });

  it('gives the text of the plain definition, or throws as it does, for any value', () => {
    const outcome = (write: () => string) => {
      try {
        return { text: write() };
      } catch (error) {
        return { threw: (error as Error).constructor.name };
      }
    };
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(outcome(() => canonicalJson(value))).toEqual(outcome(() => reference(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the text of the plain definition for objects of up to 40 keys', () => {
    const record = fc.dictionary(fc.string({ unit: 'binary' }), fc.integer(), { maxKeys: 40 });
    fc.assert(
      fc.property(record, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });
});
