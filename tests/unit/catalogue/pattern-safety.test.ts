// The regular expressions of an operator's draft (gateway/catalogue/draft-validation/
// pattern-safety.ts): a pattern V8 could backtrack on without bound is refused at its pointer before
// any example runs against it, and every pattern the seed catalogue ships is judged safe, so the
// seed (which reaches Redis without a draft) meets the same rule.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DRAFT_JUDGEMENT_STEPS,
  MAX_DRAFT_PATTERNS,
  patternIsSafe,
  unsafePatternProblems,
} from '../../../gateway/catalogue/draft-validation/pattern-safety.ts';
import { validateItemDraft } from '../../../gateway/catalogue/draft-validation/validate-item-draft.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { seedDraftWithCatastrophicPattern } from '../../support/catalogue.ts';
import { divisions } from './support.ts';

const CATASTROPHIC = ['^(a|a)+$', '^(a+)+$', '^([a-z]+)*$', '^(\\w+\\s?)*$', '^[0-9]+[0-9]+x$'];

function shippedPatterns(): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null)
      for (const [key, value] of Object.entries(node) as [string, unknown][]) {
        if (key === 'pattern' && typeof value === 'string') out.add(value);
        else if (key === 'patternProperties' && typeof value === 'object' && value !== null)
          Object.keys(value).forEach((name) => out.add(name));
        visit(value);
      }
  };
  for (const dir of ['schemas', 'schemas/items'])
    for (const file of readdirSync(projectPath(dir)).filter((f) => f.endsWith('.json')))
      visit(JSON.parse(readFileSync(projectPath(dir, file), 'utf8')));
  return out;
}

describe('pattern safety', () => {
  it.each(CATASTROPHIC)('judges %s unsafe', (pattern) => {
    expect(patternIsSafe(pattern)).toBe(false);
  });

  it('judges every pattern the seed catalogue ships safe', () => {
    const patterns = [...shippedPatterns()];
    expect(patterns.length).toBeGreaterThan(50);
    expect(patterns.filter((p) => !patternIsSafe(p))).toEqual([]);
  });

  it('locates an unsafe pattern and an unsafe patternProperties name by JSON pointer, and reads no pattern out of data', () => {
    const problems = unsafePatternProblems({
      properties: {
        remark: { type: 'string', maxLength: 50, pattern: '^(a|a)+$' },
        safe: { type: 'string', maxLength: 50, pattern: '^[0-9]{6}$' },
        notes: { type: 'object', patternProperties: { '^(x+)+$': { type: 'string' } } },
        kind: { enum: [{ pattern: '^(a+)+$' }], examples: [{ pattern: '^(a+)+$' }] },
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/properties/notes/patternProperties/^(x+)+$',
      '/properties/remark/pattern',
    ]);
    expect(problems[0]!.messageZh).toContain('灾难性回溯');
  });
  it('refuses a schema with more distinct patterns than it will judge, without judging them', () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_DRAFT_PATTERNS + 1 }, (_, i) => [
        `f${i}`,
        { type: 'string', maxLength: 9, pattern: `^(a|a)+${i}$` },
      ]),
    );
    const problems = unsafePatternProblems({ properties });
    expect(problems.map((p) => p.path)).toEqual(['']);
    expect(problems[0]!.message).toContain(`more than ${MAX_DRAFT_PATTERNS}`);
  });
});

describe('the step budget of a draft', () => {
  it('judges every seed item document within the budget', () => {
    for (const file of readdirSync(projectPath('schemas/items')).filter((f) => f.endsWith('.json')))
      expect([
        file,
        unsafePatternProblems(JSON.parse(readFileSync(projectPath('schemas/items', file), 'utf8'))),
      ]).toEqual([file, []]);
  });

  it('still names the catastrophic pattern, not the budget, when one is added to the seed item costliest to judge', () => {
    const schema = JSON.parse(
      readFileSync(projectPath('schemas/items', 'SW-013.schema.json'), 'utf8'),
    ) as { properties: Record<string, unknown> };
    // Pointer order puts it after every seed pattern, so they are all judged first.
    schema.properties.zzz = { type: 'string', maxLength: 9, pattern: '^(a|a)+$' };
    const problems = unsafePatternProblems(schema);
    expect(problems.map((p) => p.path)).toEqual(['/properties/zzz/pattern']);
    expect(problems[0]!.message).toContain('catastrophic backtracking');
  });

  it('stops at the first pattern past the budget and refuses the draft as too complex there, judging no further pattern', () => {
    // Each `^(a|a)+N$` takes the whole per-pattern allowance (about a fifth of a second) to refuse:
    // 32 of them held the thread for seconds before the budget.
    const properties = Object.fromEntries(
      Array.from({ length: MAX_DRAFT_PATTERNS }, (_, i) => [
        `f${String(i).padStart(2, '0')}`,
        { type: 'string', maxLength: 9, pattern: `^(a|a)+${i}$` },
      ]),
    );
    const problems = unsafePatternProblems({ properties });
    expect(problems.map((p) => p.path)).toEqual([
      '/properties/f00/pattern',
      '/properties/f01/pattern',
    ]);
    expect(problems[0]!.message).toContain('catastrophic backtracking');
    expect(problems[1]!.message).toContain(`more than ${DRAFT_JUDGEMENT_STEPS} steps`);
    expect(problems[1]!.messageZh).toContain('过于复杂');
  });
});

describe('an item draft with a catastrophic pattern', () => {
  it('is refused at the pattern, and its examples are not run against it', () => {
    const item = seedDraftWithCatastrophicPattern();
    const result = validateItemDraft(item, {
      itemCode: 'SW-005',
      version: 2,
      divisions,
    });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual(['/schema/properties/remark/pattern']);
  });
});
