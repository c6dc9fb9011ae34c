// Every item of schemas/catalogue.json, end to end: its schema meets the meta-rules (sizes,
// titles, a named table for every division field) and compiles in strict mode, the registry builds
// over the whole catalogue, every valid example is accepted by validateSubmission as a portal would
// send it (gateway/README.md#read-endpoints), and every invalid example is refused at its named
// pointer and keyword (an ajv keyword or a cross-field rule). One test per item, so a failure
// names the item.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { createAjv } from '../../../gateway/catalogue/create-ajv.ts';
import { itemSchemaFile, itemSchemaId } from '../../../gateway/catalogue/item-files.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import {
  checkChineseTitles,
  checkDivisionScopes,
  checkSchemaRules,
} from '../../../gateway/catalogue/schema-rules.ts';
import type { FieldProblem } from '../../../gateway/shared/errors.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions, rejectionOf } from './support.ts';

type Json = Parameters<typeof checkSchemaRules>[0];

const catalogue = loadCatalogue();
// Independent of the registry's own compile, so a registry bug cannot hide a schema that fails.
const strictAjv = createAjv({ divisions });
const label = (item: { code: string; version: number }) => `${item.code} v${item.version}`;

// The whole catalogue once; when it is refused, a registry of the items that load, so each
// item's own tests still run and the refused ones fail with their reasons.
let buildProblems: readonly string[] = [];
function buildRegistry() {
  try {
    return createSchemaRegistry({ divisions });
  } catch (error) {
    if (!(error instanceof CatalogueInvalidError)) throw error;
    buildProblems = error.problems;
    const loads = catalogue.filter(
      (item) => !buildProblems.some((p) => p.startsWith(`${label(item)}:`)),
    );
    return createSchemaRegistry({ divisions, items: loads });
  }
}
const registry = buildRegistry();

// Exactly the pointer and keyword the gateway answers (a missing or extra property at the property
// itself, field-problems.ts): a portal developer compares the example with the answer it gets.
function locates(example: { pointer: string; keyword: string }, problem: FieldProblem): boolean {
  return problem.keyword === example.keyword && problem.path === example.pointer;
}
const problemsOf = (code: string) => buildProblems.filter((p) => p.startsWith(`${code} `));

describe('the whole catalogue', () => {
  it('builds into one registry: 148 items, 17 departments, 128 national, 20 regional', () => {
    expect(buildProblems).toEqual([]);
    expect(registry.counts).toEqual({
      items: 148,
      versions: 148,
      departments: 17,
      national: 128,
      regional: 20,
    });
    console.info(
      `schema registry: ${registry.counts.versions} item schemas in ${registry.compileMs.toFixed(0)} ms`,
    );
  });
});

describe('division tables and cross-field rules across the catalogue', () => {
  const schemas = catalogue.map(
    (item) =>
      JSON.parse(
        readFileSync(projectPath('schemas', itemSchemaFile(item.code, item.version)), 'utf8'),
      ) as {
        crossFieldRules?: unknown[];
      },
  );

  it('names the division table of every division field of the shared definitions', () => {
    const defs = JSON.parse(
      readFileSync(projectPath('schemas', 'defs.schema.json'), 'utf8'),
    ) as Json;
    expect(checkDivisionScopes(defs)).toEqual([]);
  });

  it('gives 90 items 165 cross-field rules (the table in schemas/README.md)', () => {
    const withRules = schemas.filter((s) => (s.crossFieldRules?.length ?? 0) > 0);
    expect(withRules).toHaveLength(90);
    expect(withRules.reduce((n, s) => n + s.crossFieldRules!.length, 0)).toBe(165);
  });
});

describe.each(catalogue.map((item) => [label(item), item] as const))('%s', (_label, item) => {
  const file = itemSchemaFile(item.code, item.version);

  it('has a schema that meets the meta-rules and compiles in strict mode', () => {
    const schema = JSON.parse(readFileSync(projectPath('schemas', file), 'utf8')) as Json & {
      $id?: string;
    };
    expect(schema.$id).toBe(itemSchemaId(item.code, item.version));
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect([
      ...checkSchemaRules(schema),
      ...checkChineseTitles(schema),
      ...checkDivisionScopes(schema),
    ]).toEqual([]);
    expect(() => strictAjv.compile(schema)).not.toThrow();
  });

  it('accepts every valid example end to end (envelope, identifiers, payload)', () => {
    expect(problemsOf(item.code)).toEqual([]);
    const examples = registry.examplesFor(item.code, item.version)!;
    for (const envelope of examples.valid) {
      const { item: resolved, envelope: narrowed } = registry.validateSubmission(envelope);
      expect(label(resolved)).toBe(label(item));
      // Routing refuses a mode the item does not offer; an example must not teach one.
      expect(item.modes).toContain(narrowed.mode);
    }
  });

  it('refuses every invalid example at its named pointer and keyword', () => {
    expect(problemsOf(item.code)).toEqual([]);
    const examples = registry.examplesFor(item.code, item.version)!;
    for (const example of examples.invalid) {
      const error = rejectionOf(() => registry.validateSubmission(example.envelope));
      const found = error.errors.map((p) => `${p.keyword ?? ''}@${p.path}`).join(', ');
      const hit = error.errors.some((p) => locates(example, p));
      expect(hit, `${example.description ?? ''}: got ${found}`).toBe(true);
      for (const problem of error.errors) expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
    }
  });
});
