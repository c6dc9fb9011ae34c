// The console's line diff (gateway/console/line-diff.ts): rows that rebuild both sides exactly,
// edits paired as changed lines, and a middle too large to align still a correct diff.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineDiff, type DiffRow } from '../../../gateway/console/line-diff.ts';

const sides = (rows: DiffRow[]) => ({
  left: rows.flatMap((r) => ('left' in r ? [r.left] : [])).join('\n'),
  right: rows.flatMap((r) => ('right' in r ? [r.right] : [])).join('\n'),
});

describe('lineDiff', () => {
  it('pairs an edited line as changed and an inserted one as added, keeping the rest the same', () => {
    const rows = lineDiff('a\nb\nc\nd', 'a\nB\nc\nx\nd');
    expect(rows.map((r) => r.kind)).toEqual(['same', 'changed', 'same', 'added', 'same']);
  });

  it('shows everything added against an empty published side', () => {
    expect(lineDiff('', 'a\nb').map((r) => r.kind)).toEqual(['added', 'added']);
  });

  it('rebuilds both texts from its rows, for any two texts', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', '{', '}'), { maxLength: 30 })
      .map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(sides(lineDiff(before, after))).toEqual({ left: before, right: after });
      }),
    );
  });

  it('falls back to removed-then-added for a middle too large to align, still exact', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `l${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `r${i}`).join('\n');
    const rows = lineDiff(before, after);
    expect(sides(rows)).toEqual({ left: before, right: after });
    expect(rows.every((r) => r.kind === 'changed')).toBe(true);
  });
});
