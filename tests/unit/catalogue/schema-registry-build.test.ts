// The registry refuses to build, naming every offending item and rule, rather than serve a
// catalogue with one bad schema; and it serves several published versions of one item. Each test
// works on a copy of schemas/ in the OS temp directory, never on the real files.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import type { CatalogueItem } from '../../../gateway/catalogue/catalogue-item.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions, rejectionOf } from './support.ts';

type Json = Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };

const sw005 = loadCatalogue().find((item) => item.code === 'SW-005')!;
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'swgw-schemas-'));
  mkdirSync(join(dir, 'items'));
  for (const file of ['defs.schema.json', 'envelope.schema.json', 'catalogue.json'])
    cpSync(projectPath('schemas', file), join(dir, file));
  for (const file of ['SW-005.schema.json', 'SW-005.examples.json'])
    cpSync(projectPath('schemas', 'items', file), join(dir, 'items', file));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function readItemFile(file: string): Json {
  return JSON.parse(readFileSync(join(dir, 'items', file), 'utf8')) as Json;
}

function writeItemFile(file: string, value: unknown): void {
  writeFileSync(join(dir, 'items', file), JSON.stringify(value));
}

function buildFailure(items: readonly CatalogueItem[]): CatalogueInvalidError {
  try {
    createSchemaRegistry({ divisions, items, schemasDir: dir });
  } catch (error) {
    if (error instanceof CatalogueInvalidError) return error;
    throw error;
  }
  throw new Error('expected the registry to refuse to build');
}

describe('createSchemaRegistry refuses a bad catalogue', () => {
  it('builds from an intact copy, so each refusal below comes from its one change', () => {
    expect(createSchemaRegistry({ divisions, items: [sw005], schemasDir: dir }).counts.items).toBe(
      1,
    );
  });

  it('names the item and the schema path of an unbounded string', () => {
    const schema = readItemFile('SW-005.schema.json');
    delete schema.properties.crossRegionReportNo!.maxLength;
    writeItemFile('SW-005.schema.json', schema);
    const error = buildFailure([sw005]);
    expect(error.problems).toEqual([
      'SW-005 v1: items/SW-005.schema.json: string without maxLength at /properties/crossRegionReportNo',
    ]);
    expect(error.message).toContain('SW-005');
  });

  it('lists every offending item and rule at once', () => {
    const schema = readItemFile('SW-005.schema.json');
    delete schema.properties.lines!.maxItems;
    delete schema.properties.bank!.additionalProperties;
    schema.properties.agreementNo!.title = 'agreement number';
    schema.properties.agreementNo!.format = 'no-such-format';
    schema.$id = 'https://swgw.example/schemas/items/SW-006.schema.json';
    writeItemFile('SW-005.schema.json', schema);
    const ga001 = loadCatalogue().find((item) => item.code === 'GA-001')!;
    const problems = buildFailure([sw005, ga001]).problems;
    const expected = [
      /^SW-005 v1: .*\$id is .*SW-006.schema.json, expected .*SW-005.schema.json$/,
      /^SW-005 v1: .*array without maxItems at \/properties\/lines$/,
      /^SW-005 v1: .*object without additionalProperties: false at \/properties\/bank$/,
      /^SW-005 v1: .*no Chinese title at \/properties\/agreementNo$/,
      /^SW-005 v1: .*does not compile in strict mode: .*no-such-format/,
      /^GA-001 v1: items\/GA-001.schema.json: missing$/,
    ];
    for (const pattern of expected)
      expect(
        problems.some((p) => pattern.test(p)),
        String(pattern),
      ).toBe(true);
    expect(problems).toHaveLength(expected.length);
  });

  it('refuses an item without examples', () => {
    rmSync(join(dir, 'items', 'SW-005.examples.json'));
    expect(buildFailure([sw005]).problems).toEqual([
      'SW-005 v1: items/SW-005.examples.json: missing',
    ]);
  });
});

describe('createSchemaRegistry refuses bad division fields and cross-field rules', () => {
  it('refuses a division field that names no table', () => {
    const schema = readItemFile('SW-005.schema.json');
    const project = schema.properties.project as Json;
    delete project.properties.region!.divisionCode;
    writeItemFile('SW-005.schema.json', schema);
    // The rules that compare the project region also lose their division field.
    expect(buildFailure([sw005]).problems).toContain(
      'SW-005 v1: items/SW-005.schema.json: divisionCode field without a division table (add "divisionCode": "member" or "national") at /properties/project/properties/region',
    );
  });

  it('refuses a division table other than member or national', () => {
    const schema = readItemFile('SW-005.schema.json');
    schema.properties.taxAuthorityCode!.taxAuthorityCode = 'alliance';
    writeItemFile('SW-005.schema.json', schema);
    const [problem] = buildFailure([sw005]).problems;
    expect(problem).toMatch(
      /does not compile in strict mode: keyword "taxAuthorityCode" value is invalid/,
    );
  });

  it('refuses an unknown rule and a pointer to no field, naming each entry', () => {
    const schema = readItemFile('SW-005.schema.json');
    const rules = schema.crossFieldRules as Record<string, unknown>[];
    rules.push({ rule: 'no-such-rule' });
    rules.push({ rule: 'sum-equals', total: '/payload/total', parts: '/payload/lines/*/amount' });
    writeItemFile('SW-005.schema.json', schema);
    const problems = buildFailure([sw005]).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /^SW-005 v1: items\/SW-005.schema.json: \/crossFieldRules\/6: unknown rule "no-such-rule"/,
      ),
      'SW-005 v1: items/SW-005.schema.json: /crossFieldRules/7/total: /payload/total names no field of the schemas',
    ]);
  });

  it('refuses a rule entry of the wrong shape before looking at its rule', () => {
    const schema = readItemFile('SW-005.schema.json');
    (schema.crossFieldRules as unknown[]).push({ total: '/payload/totalAmount' });
    writeItemFile('SW-005.schema.json', schema);
    const [problem] = buildFailure([sw005]).problems;
    expect(problem).toMatch(/keyword "crossFieldRules" value is invalid/);
  });
});

describe('published versions', () => {
  // Version 2 of SW-005 adds an optional remark; its files follow the <code>.v<N> naming.
  function publishVersion2(): CatalogueItem[] {
    const schema = readItemFile('SW-005.schema.json');
    schema.$id = 'https://swgw.example/schemas/items/SW-005.v2.schema.json';
    schema.properties.remark = { title: '备注', type: 'string', maxLength: 200 };
    writeItemFile('SW-005.v2.schema.json', schema);
    cpSync(
      join(dir, 'items', 'SW-005.examples.json'),
      join(dir, 'items', 'SW-005.v2.examples.json'),
    );
    return [sw005, { ...sw005, version: 2 }];
  }

  it('serves the latest version by default and each version on request', () => {
    const registry = createSchemaRegistry({
      divisions,
      items: publishVersion2(),
      schemasDir: dir,
    });
    expect(registry.item('SW-005')!.version).toBe(2);
    expect(registry.item('SW-005', 1)!.version).toBe(1);
    expect(registry.items().map((i) => `${i.code} v${i.version}`)).toEqual(['SW-005 v2']);
    expect(registry.counts).toMatchObject({ items: 1, versions: 2 });
  });

  it('validates the payload against the version the envelope names', () => {
    const registry = createSchemaRegistry({
      divisions,
      items: publishVersion2(),
      schemasDir: dir,
    });
    const body = structuredClone(registry.examplesFor('SW-005')!.valid[0]) as Record<
      string,
      unknown
    > & {
      payload: Record<string, unknown>;
    };
    body.payload.remark = '第一期工程';
    delete body.itemVersion;
    expect(registry.validateSubmission(body).item.version).toBe(2);
    const error = rejectionOf(() => registry.validateSubmission({ ...body, itemVersion: 1 }));
    expect(error.errors).toMatchObject([
      { path: '/payload/remark', keyword: 'additionalProperties' },
    ]);
  });
});
