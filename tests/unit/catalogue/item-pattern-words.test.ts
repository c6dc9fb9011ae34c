// Every pattern of every item schema, its payload's and its result's, is told in words in English
// and Chinese (gateway/catalogue/item-pattern-words.ts, one-class-words.ts): 37 item patterns — a
// VIN, certificate numbers, decimal quantities — were told only as the regular expression, and a
// new item's pattern without words fails here. The examples the words give are the item's own
// where its examples file has a value for that field (pattern-words.test.ts checks they match).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ITEM_PATTERN_WORDS } from '../../../gateway/catalogue/item-pattern-words.ts';
import { patternWords } from '../../../gateway/catalogue/pattern-words.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { patternsOf } from './schema-patterns.ts';

type Schema = Record<string, unknown>;

const read = (file: string): unknown =>
  JSON.parse(readFileSync(projectPath('schemas/items', file), 'utf8'));

const itemFiles = readdirSync(projectPath('schemas/items')).filter((f) =>
  f.endsWith('.schema.json'),
);

/** Which pattern is where: pattern → `<file>#<pointer>` of each use. */
const uses = new Map<string, string[]>();
for (const file of itemFiles)
  for (const [at, pattern] of patternsOf(read(file)))
    uses.set(pattern, [...(uses.get(pattern) ?? []), `${file}#${at}`]);

const isObject = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Adds to `seen` each string of `value` that a pattern of `schema` is applied to, keyed by the
 * pattern; local `#/…` references are followed within `root` (an item's or its result's schema).
 */
function collect(
  schema: unknown,
  value: unknown,
  root: Schema,
  seen: Map<string, Set<string>>,
  depth = 0,
): void {
  if (!isObject(schema) || depth > 32) return;
  const next = (s: unknown, v: unknown) => collect(s, v, root, seen, depth + 1);
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
    const target = schema.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, token) => (isObject(node) ? node[token] : undefined), root);
    next(target, value);
  }
  if (typeof schema.pattern === 'string' && typeof value === 'string')
    seen.set(schema.pattern, (seen.get(schema.pattern) ?? new Set()).add(value));
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(schema[key])) for (const branch of schema[key]) next(branch, value);
  for (const key of ['then', 'else']) next(schema[key], value);
  if (isObject(schema.properties) && isObject(value))
    for (const [name, sub] of Object.entries(schema.properties)) next(sub, value[name]);
  if (Array.isArray(value)) for (const element of value) next(schema.items, element);
}

/** The values each pattern checks in the items' examples files and result examples. */
const exampleValues = new Map<string, Set<string>>();
for (const file of itemFiles) {
  const schema = read(file) as Schema;
  const examples = read(file.replace(/\.schema\.json$/, '.examples.json')) as {
    valid: { payload?: unknown }[];
  };
  for (const envelope of examples.valid) collect(schema, envelope.payload, schema, exampleValues);
  const result = schema.resultSchema;
  if (isObject(result) && Array.isArray(result.examples))
    for (const example of result.examples) collect(result, example, result, exampleValues);
}

const quoted = (text: string): string[] => [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);

describe("the items' patterns in words", () => {
  it('walks the payload and result patterns of every item', () => {
    expect(itemFiles.length).toBeGreaterThan(100);
    expect(uses.size).toBeGreaterThan(60);
    // SW-005's result: a paid deduction's taxVoucherNo
    expect([...uses].some(([, at]) => at.some((a) => a.includes('/resultSchema/')))).toBe(true);
  });

  it.each([...uses].map(([pattern, at]) => [pattern, at[0]!]))(
    'has words in English and Chinese for %s (%s …), quoting the pattern',
    (pattern) => {
      const words = patternWords('pattern', { pattern });
      expect(words?.message).toMatch(new RegExp('^must be [^(]'));
      expect(words?.message.endsWith(`(pattern "${pattern}")`)).toBe(true);
      expect(words?.messageZh).toMatch(/^应为/);
      expect(words?.messageZh.endsWith(`；应当匹配模式 "${pattern}"`)).toBe(true);
    },
  );

  it.each([...ITEM_PATTERN_WORDS])(
    "words %s, a pattern an item uses, with a value of the item's examples where they have one",
    (pattern, words) => {
      expect(uses.has(pattern)).toBe(true);
      const values = exampleValues.get(pattern);
      const examples = quoted(words.en).filter((q) => !(words.not ?? []).includes(q));
      expect(examples.length).toBeGreaterThan(0);
      if (values && values.size > 0)
        expect(
          examples.filter((e) => values.has(e)),
          `one of ${[...values].join(', ')}`,
        ).not.toEqual([]);
    },
  );
});
