import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusedText, scanJson } from '../../../gateway/http/json-scan.ts';

const scan = (text: string, maxDepth = 32) => scanJson(text, { maxDepth });
const paths = (problems: { path: string }[]) => problems.map((p) => p.path);

// The reference the scanner must agree with: walk the parsed value, test each string by regex.
const FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function referenceCharacterPaths(value: unknown): string[] {
  const out: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.shift()!;
    if (typeof node === 'string') {
      if (FORBIDDEN.test(node)) out.push(path);
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push([v, `${path}/${i}`]));
    } else if (typeof node === 'object' && node !== null) {
      let badName = false;
      for (const [k, v] of Object.entries(node)) {
        if (FORBIDDEN.test(k)) badName = true;
        stack.push([v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
      if (badName) out.push(path);
    }
  }
  return [...new Set(out)].sort();
}

/** Any JSON value whose strings and member names may hold one of `oddities` between plain text. */
function jsonValue(oddities: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const str = fc.oneof(
    text,
    fc.tuple(text, oddities, text).map((p) => p.join('')),
  );
  return fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      str,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(str, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
}
describe('scanJson: duplicate member names', () => {
  it('finds none in ordinary JSON', () => {
    expect(scan('{"a":1,"b":{"a":2,"c":[{"a":3},{"a":4}]}}').duplicates).toEqual([]);
  });

  it('finds a duplicate at the top level with its pointer', () => {
    expect(paths(scan('{"a":1,"b":2,"a":3}').duplicates)).toEqual(['/a']);
  });

  it('finds duplicates inside arrays of objects, with the element index', () => {
    expect(paths(scan('{"x":[{"a":1},{"a":1,"b":0,"a":2}]}').duplicates)).toEqual(['/x/1/a']);
  });

  it('treats an escaped spelling as the same name', () => {
    expect(paths(scan('{"amount":1,"\\u0061mount":2}').duplicates)).toEqual(['/amount']);
  });

  it('escapes ~ and / in the pointer (RFC 6901)', () => {
    expect(paths(scan('{"a/b~c":1,"a/b~c":2}').duplicates)).toEqual(['/a~1b~0c']);
  });

  it('does not mistake string values or names of sibling objects for duplicates', () => {
    expect(scan('{"a":"a","b":{"a":"b"},"c":{"a":1}}').duplicates).toEqual([]);
    expect(scan('[{"a":1},{"a":1}]').duplicates).toEqual([]);
  });

  it('does not carry the names of one object into the next at the same depth', () => {
    const text = '[{"a":1,"b":2,"c":3},{"c":1,"b":2,"a":3},{"a":1,"a":2}]';
    expect(paths(scan(text).duplicates)).toEqual(['/2/a']);
  });

  it.each([15, 16, 17, 40])(
    'finds a duplicate after %i distinct names, every time it repeats',
    (distinct) => {
      const names = Array.from({ length: distinct }, (_, i) => `"n${i}":${i}`);
      const text = `{"x":{${names.join(',')},"n0":0,"n${distinct - 1}":1,"n0":2}}`;
      expect(paths(scan(text).duplicates)).toEqual(['/x/n0', `/x/n${distinct - 1}`, '/x/n0']);
    },
  );

  it('never reports a duplicate for JSON.stringify output', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(scan(JSON.stringify(value), 10_000).duplicates).toEqual([]);
      }),
    );
  });
});

describe('scanJson: depth', () => {
  const nested = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

  it('allows exactly the limit and refuses one more', () => {
    expect(scan(nested(32)).tooDeep).toBe(false);
    expect(scan(nested(33)).tooDeep).toBe(true);
    expect(scan(`${'['.repeat(33)}${']'.repeat(33)}`).tooDeep).toBe(true);
  });

  it('handles 100 000 levels without recursion', () => {
    expect(scan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`).tooDeep).toBe(true);
  });
});

describe('scanJson: characters', () => {
  it.each([
    ['\\u202e', 'U+202E'],
    ['\u202a', 'U+202A'],
    ['\\u2067', 'U+2067'],
    ['\ufeff', 'U+FEFF'],
    ['\\u2028', 'U+2028'],
    ['\\u0000', 'U+0000'],
    ['\\b', 'U+0008'],
    ['\\u001b', 'U+001B'],
    ['\u0080', 'U+0080'],
    ['\\u009f', 'U+009F'],
    ['\\ud800', 'U+D800'],
    ['\\udfff', 'U+DFFF'],
    ['\\ud83d\\u0041', 'U+D83D'],
  ])('refuses %j and names %s', (text, unit) => {
    const found = scan(`{"a":[1,{"b":"x${text}y"}]}`).characters;
    expect(paths(found)).toEqual(['/a/1/b']);
    expect(found[0]!.message).toContain(unit);
    expect(found[0]!.messageZh).toContain(unit);
  });

  it.each([
    ['a tab, newline and carriage return', 'a\\tb\\nc\\r'],
    ['CJK and Tibetan', '四川 བོད་'],
    ['a surrogate pair, raw', '😀'],
    ['a surrogate pair, escaped', '\\ud83d\\ude00'],
    ['escaped quotes and backslashes', '\\"\\\\\\/'],
    ['U+00A0 and U+200D', '\u00a0\u200d'],
  ])('accepts %s', (_label, text) => {
    expect(scan(`{"a":"${text}"}`).characters).toEqual([]);
  });

  it('points a bad member name at its object', () => {
    expect(paths(scan('{"p":{"ok":1,"x\\u202e":2}}').characters)).toEqual(['/p']);
  });

  it('reports each bad string once, in document order, up to the cap', () => {
    const body = JSON.stringify({ a: '\u202e\u202e', b: ['ok', '\u2028'], c: '\ufeff' });
    expect(paths(scan(body).characters)).toEqual(['/a', '/b/1', '/c']);
    const many = JSON.stringify(Array.from({ length: 50 }, () => '\u202e'));
    expect(scanJson(many, { maxDepth: 32, maxProblems: 5 }).characters).toHaveLength(5);
  });

  it('agrees with a regex over the parsed value for any JSON value', () => {
    const value = jsonValue(
      fc.constantFrom(
        '\u202e',
        '\ufeff',
        '\u2028',
        '\u0085',
        '\ud800',
        '\udc00',
        '\u0007',
        '😀',
        '\n',
      ),
    );
    fc.assert(
      fc.property(value, (v) => {
        const found = scanJson(JSON.stringify(v), { maxDepth: 10_000, maxProblems: 10_000 });
        expect([...new Set(paths(found.characters))].sort()).toEqual(referenceCharacterPaths(v));
      }),
      { numRuns: 500 },
    );
  });
});

describe('refusedText: the same refusal for a parsed value (a console form’s document)', () => {
  it('names each refused string and member name at its pointer under the path given', () => {
    const found = refusedText(
      { name: `事项\u202e`, ok: '😀 a\tb\n', list: ['x', '\u2028'], ['a\u202eb']: 1 },
      '/item',
    );
    expect(found.map((p) => [p.path, p.keyword])).toEqual([
      ['/item', 'forbiddenCharacter'],
      ['/item/name', 'forbiddenCharacter'],
      ['/item/list/1', 'forbiddenCharacter'],
    ]);
    expect(found[1]!.messageZh).toBe('文本含有不允许的字符 U+202E（双向文本控制字符）');
    expect(refusedText('\ud800', '/note')[0]!.message).toContain('unpaired surrogate');
    expect(refusedText(undefined, '/calendar')).toEqual([]);
  });

  it('finds what the scan of the value’s JSON text finds, for any value', () => {
    const value = jsonValue(
      fc.constantFrom('\u202e', '\ufeff', '\u2029', '\u0085', '\udc00', '😀', '\r'),
    );
    // Paths: the scan names an object once per bad member name, refusedText once per object.
    const set = (problems: { path: string }[]) => [...new Set(paths(problems))].sort();
    fc.assert(
      fc.property(value, (v) => {
        const scanned = scanJson(JSON.stringify(v), { maxDepth: 10_000, maxProblems: 10_000 });
        expect(set(refusedText(v, '', 10_000))).toEqual(set(scanned.characters));
      }),
      { numRuns: 500 },
    );
  });
});
