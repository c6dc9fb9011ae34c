// schemas/catalogue.json is validated and frozen at start, and a wrong catalogue is refused with
// every problem listed at once (gateway/README.md#compile-once; counts from
// schemas/README.md#alliance-and-catalogue).
import { describe, expect, it } from 'vitest';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import { loadCatalogue, parseCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';

const good = {
  code: 'SW-005',
  version: 1,
  name: '异地电子缴税',
  department: 'SW',
  subject: 'both',
  modes: ['online'],
  level: 'county',
  promisedDays: 0,
  scope: 'national',
};

function problemsOf(items: unknown[]): readonly string[] {
  try {
    parseCatalogue({ items });
  } catch (error) {
    if (error instanceof CatalogueInvalidError) return error.problems;
    throw error;
  }
  throw new Error('expected the catalogue to be refused');
}

describe('loadCatalogue', () => {
  it('loads the 148 items of the regional list: 128 national + 20 regional, 17 departments', () => {
    const items = loadCatalogue();
    expect(items).toHaveLength(148);
    expect(new Set(items.map((i) => i.department)).size).toBe(17);
    expect(items.filter((i) => i.scope === 'national')).toHaveLength(128);
    expect(items.filter((i) => i.scope === 'regional')).toHaveLength(20);
  });

  it('returns frozen items', () => {
    const items = loadCatalogue();
    expect(Object.isFrozen(items)).toBe(true);
    expect(Object.isFrozen(items[0])).toBe(true);
    expect(Object.isFrozen(items[0]!.modes)).toBe(true);
    expect(Object.isFrozen(items[0]!.enabledProvinces)).toBe(true);
  });

  it('enables an item in all six member provinces when enabledProvinces is omitted', () => {
    const [item] = parseCatalogue({ items: [good] });
    expect(item!.enabledProvinces).toEqual(['45', '50', '51', '52', '53', '54']);
  });

  it('accepts two versions of one item', () => {
    expect(parseCatalogue({ items: [good, { ...good, version: 2 }] })).toHaveLength(2);
  });

  it('refuses a wrong catalogue and reports every problem at once', () => {
    const problems = problemsOf([
      { ...good, code: 'sw-5' },
      { ...good, code: 'GA-001' },
      { ...good, department: 'XX', code: 'XX-001' },
      { ...good, subject: 'company', modes: ['post'], level: 'town' },
      { ...good, code: 'SW-006', promisedDays: -1, scope: 'local', version: 0 },
      { ...good, code: 'SW-007', enabledProvinces: ['51', '46'] },
      good,
      { ...good, extra: true },
    ]);
    const expected = [
      /^\/items\/0\/code: must be an item code: two upper-case letters, "-" and three digits \("SW-005"\) \(pattern/,
      /^\/items\/1\/code: GA-001 does not start with SW-/,
      /^\/items\/2\/department: must be one of/,
      /^\/items\/3\/subject: must be one of/,
      /^\/items\/3\/modes\/0: must be one of/,
      /^\/items\/3\/level: must be one of/,
      /^\/items\/4\/promisedDays: must be >= 0/,
      /^\/items\/4\/scope: must be one of/,
      /^\/items\/4\/version: must be >= 1/,
      /^\/items\/5\/enabledProvinces\/1: must be one of/,
      /^\/items\/6: SW-005 v1 duplicates \/items\/3/,
      /^\/items\/7\/extra: must NOT have additional properties/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        String(pattern),
      ).toBe(true);
  });

  it('refuses a missing file with CatalogueInvalidError', () => {
    expect(() => loadCatalogue('/nonexistent/catalogue.json')).toThrow(CatalogueInvalidError);
  });
});
