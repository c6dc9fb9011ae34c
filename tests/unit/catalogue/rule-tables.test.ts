// schemas/README.md's generated tables (npm run docs:tables) match the code and the item schemas:
// the rule catalogue, the items that carry rules (on their payload, on their result), the fields checked against the members'
// division table, and the compatibility check's rule table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import {
  renderCompatibilityTable,
  renderItemRulesTable,
  renderMemberFieldsTable,
  renderResultRulesTable,
  renderRuleTable,
} from '../../../scripts/generate-readme-tables.ts';

const readme = readFileSync(projectPath('schemas', 'README.md'), 'utf8');
const between = (marker: string) =>
  readme.split(`<!-- ${marker}:start -->\n`)[1]?.split(`\n<!-- ${marker}:end -->`)[0];

describe('schemas/README.md generated tables', () => {
  it.each([
    ['rule-table', renderRuleTable],
    ['item-rules-table', renderItemRulesTable],
    ['result-rules-table', renderResultRulesTable],
    ['member-fields-table', renderMemberFieldsTable],
    ['compatibility-table', renderCompatibilityTable],
  ])('keeps %s equal to what npm run docs:tables writes', (marker, render) => {
    expect(between(marker)).toBe(render());
  });
});
