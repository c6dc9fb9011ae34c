// Whatever an operator (or a broken client) sends as a draft, validation answers with problems and
// never throws (schemas/README.md#draft-validation): random JSON, and published drafts with one
// random part replaced by random JSON. No check may fail unexpectedly ("could not complete"); a
// draft is ok exactly when it has no problems. The compatibility check is held to the same on
// random schema pairs.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../../gateway/catalogue/compatibility/check-compatibility.ts';
import {
  validateItemDraft,
  type DraftValidation,
} from '../../../gateway/catalogue/draft-validation/validate-item-draft.ts';
import { itemExamplesFile, itemSchemaFile } from '../../../gateway/catalogue/item-files.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from './support.ts';

const read = (file: string): unknown =>
  JSON.parse(readFileSync(projectPath('schemas', file), 'utf8'));
const context = (code: string) => ({
  itemCode: code,
  version: 2,
  baseSchema: read(itemSchemaFile(code, 1)) as object,
  divisions,
});

function draftOf(code: string): Record<string, unknown> {
  const items = (read('catalogue.json') as { items: Record<string, unknown>[] }).items;
  const { code: _code, version: _version, ...metadata } = items.find((i) => i.code === code)!;
  return {
    ...metadata,
    schema: read(itemSchemaFile(code, 1)),
    examples: read(itemExamplesFile(code, 1)),
  };
}

type Path = (string | number)[];

/** Every place inside `value` that a mutation may replace. */
function pathsIn(value: unknown, here: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: (string | number)[] = Array.isArray(value)
    ? value.map((_, i) => i)
    : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...here, key];
    return [path, ...pathsIn((value as Record<string | number, unknown>)[key], path)];
  });
}

function replaced(value: unknown, path: Path, by: unknown): unknown {
  const copy = structuredClone(value);
  let node = copy as Record<string | number, unknown>;
  path.slice(0, -1).forEach((key) => (node = node[key] as Record<string | number, unknown>));
  node[path.at(-1)!] = by;
  return copy;
}

function expectWellFormed(result: DraftValidation): void {
  expect(result.ok).toBe(result.problems.length === 0);
  for (const p of result.problems) {
    expect(p.path === '' || p.path.startsWith('/')).toBe(true);
    expect(p.message).not.toMatch(/could not complete/);
    expect(p.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
  }
}

describe('validateItemDraft on any input', () => {
  it('answers random JSON with problems, never an exception', () => {
    const drafts = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }),
      fc.record(
        {
          name: fc.jsonValue({ maxDepth: 2 }),
          department: fc.oneof(fc.constantFrom('SW', 'GA', 'XX'), fc.jsonValue({ maxDepth: 1 })),
          modes: fc.jsonValue({ maxDepth: 2 }),
          schema: fc.jsonValue({ maxDepth: 4 }),
          examples: fc.jsonValue({ maxDepth: 4 }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(drafts, (draft) => {
        const result = validateItemDraft(draft, context('SW-005'));
        expectWellFormed(result);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 120 },
    );
  });

  it('answers a published draft with one part replaced by random JSON with problems or ok, never an exception', () => {
    const code = 'SW-005';
    const draft = draftOf(code);
    const paths = pathsIn(draft);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: paths.length - 1 }),
        fc.jsonValue({ maxDepth: 3 }),
        (index, by) =>
          expectWellFormed(validateItemDraft(replaced(draft, paths[index]!, by), context(code))),
      ),
      { numRuns: 25 },
    );
  });
});

describe('checkCompatibility on any schemas', () => {
  it('reports changes for random schema pairs and never throws', () => {
    const schema = fc
      .jsonValue({ maxDepth: 5 })
      .map((v) => (typeof v === 'object' && v !== null ? v : { const: v }));
    fc.assert(
      fc.property(schema, schema, (base, next) => {
        const report = checkCompatibility(base, next, { resolveRef: () => undefined });
        expect(report.breaking).toBe(report.changes.some((c) => c.breaking));
        for (const c of report.changes) expect(c.path.startsWith('/payload')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
