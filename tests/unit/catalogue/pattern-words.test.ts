// gateway/catalogue/pattern-words.ts words the shared amount patterns by their source text: this
// keeps the table in step with schemas/defs.schema.json, so an edit of a pattern there cannot
// silently bring back the bare regular expression.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { patternWords } from '../../../gateway/catalogue/pattern-words.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

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

  it('leaves a pattern it has no words for to ajv', () => {
    expect(patternWords('pattern', { pattern: '^[A-Z]{2}-[0-9]{3}$' })).toBeUndefined();
  });
});
