// gateway/catalogue/pattern-words.ts words the shared amount patterns by their source text: this
// keeps the table in step with schemas/defs.schema.json, so an edit of a pattern there cannot
// silently bring back the bare regular expression. A second client written from the README alone
// met the bare expression for every other shared pattern (a phone, a provinceCaseNo, a digest, a
// callbackUrl) and for the items' codes: each field a portal or province fills from the shared
// schemas now has words, and an item's one-class pattern is read into words.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_SCHEMA } from '../../../gateway/cases/case-event.ts';
import { patternWords } from '../../../gateway/catalogue/pattern-words.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const schemaFile = (name: string): unknown =>
  JSON.parse(readFileSync(projectPath('schemas', name), 'utf8'));

/** Every pattern a value is checked against, by its pointer; an `if`'s pattern only chooses. */
function patternsOf(schema: unknown, at = ''): [string, string][] {
  if (schema === null || typeof schema !== 'object') return [];
  const own = (schema as { pattern?: unknown }).pattern;
  const here: [string, string][] =
    typeof own === 'string' && !at.endsWith('/if') ? [[at, own]] : [];
  return here.concat(
    Object.entries(schema).flatMap(([key, value]) => patternsOf(value, `${at}/${key}`)),
  );
}

const defs = JSON.parse(readFileSync(projectPath('schemas/defs.schema.json'), 'utf8')) as {
  $defs: Record<string, { pattern?: string; format?: string }>;
};

describe('pattern words', () => {
  it.each(['moneyAmount', 'nonNegativeAmount'])(
    "has words for defs.schema.json's %s pattern, quoting the pattern",
    (name) => {
      const pattern = defs.$defs[name]!.pattern!;
      const words = patternWords('pattern', { pattern });
      expect(words).toMatch(/^must be an amount in yuan/);
      expect(words?.endsWith(`(pattern "${pattern}")`)).toBe(true);
    },
  );

  it.each(['date', 'dateTime'])("has words for defs.schema.json's %s format", (name) => {
    const format = defs.$defs[name]!.format!;
    expect(patternWords('format', { format })).toMatch(new RegExp(`\\(format "${format}"\\)$`));
  });

  it.each([
    ...patternsOf(schemaFile('defs.schema.json')).map(([at, p]) => [`defs.schema.json#${at}`, p]),
    ...patternsOf(schemaFile('envelope.schema.json')).map(([at, p]) => [
      `envelope.schema.json#${at}`,
      p,
    ]),
    ...patternsOf(CASE_EVENT_SCHEMA).map(([at, p]) => [`CaseEvent#${at}`, p]),
  ])('has words for the shared pattern at %s, quoting it', (_at, pattern) => {
    const words = patternWords('pattern', { pattern });
    expect(words).toMatch(/^must be /);
    expect(words?.endsWith(`(pattern "${pattern}")`)).toBe(true);
  });

  it.each([
    [
      '^[0-9A-Za-z_-]{1,64}$',
      'must be 1 to 64 characters, each a digit 0–9, an upper-case letter A–Z, a lower-case letter a–z, "_" or "-"',
    ],
    ['^[0-9]{6,20}$', 'must be 6 to 20 digits 0–9'],
    ['^[0-9]{12}$', 'must be exactly 12 digits 0–9'],
    [
      '^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?$',
      'must be a number as a string, at most 7 digits before the point and at most 2 after ("96.42", "120")',
    ],
    ['^[\\u4e00-\\u9fa5]{1,20}$', 'must be 1 to 20 characters, each a Chinese character'],
    [
      '^[A-Za-z0-9]{8,30}$',
      'must be 8 to 30 characters, each an upper-case letter A–Z, a lower-case letter a–z or a digit 0–9',
    ],
  ])('words the item pattern %s', (pattern, words) => {
    expect(patternWords('pattern', { pattern })).toBe(`${words} (pattern "${pattern}")`);
  });

  it('leaves a pattern it has no words for to ajv', () => {
    expect(patternWords('pattern', { pattern: '^[A-HJ-NPR-Z0-9]{17}$' })).toBeUndefined();
    expect(patternWords('pattern', { pattern: '^DA[0-9]{3}$' })).toBeUndefined();
  });
});
