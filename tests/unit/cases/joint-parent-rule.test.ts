// The joint parent's rule runs in Lua (gateway/cases/scripts/parent-follow.lua) over data built
// from the lifecycle table (gateway/cases/joint-parent.ts); its behaviour is tested on real Redis
// in tests/integration/joint-parent.test.ts. Here: the data stays inside the table's row.
import { describe, expect, it } from 'vitest';
import { PARENT_RULE } from '../../../gateway/cases/joint-parent.ts';
import { LIFECYCLE, PROGRESS_RANK } from '../../../gateway/cases/lifecycle.ts';

describe('the joint parent rule', () => {
  it('moves a parent only from and to statuses of the parent-followed row', () => {
    const row = LIFECYCLE['parent-followed'];
    expect(PARENT_RULE.from).toEqual(row.from);
    const targets = [...PARENT_RULE.blocking, ...Object.values(PARENT_RULE.byRank)];
    for (const target of [...targets, PARENT_RULE.fallback]) expect(row.to).toContain(target);
  });

  it('maps each progress rank to the main-path status of that rank, ROUTED first', () => {
    expect(PARENT_RULE.rank).toEqual(PROGRESS_RANK);
    expect(PARENT_RULE.byRank).toEqual({
      '1': 'ROUTED',
      '2': 'DELIVERED',
      '3': 'IN_PROGRESS',
      '4': 'DECIDED',
      '5': 'RESULT_DELIVERED',
      '6': 'CLOSED',
    });
    expect(PARENT_RULE.fallback).toBe('ROUTED');
  });
});
