// Typed results (schemas/README.md#result-schemas): SW-005 declares what a 经营地 tax core answers —
// a payment or a failed deduction — and the registry refuses a result schema that breaks the
// catalogue's rules or rejects its own examples. Registry builds that must fail work on a copy of
// schemas/ in the OS temp directory.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { resultProblems } from '../../../gateway/catalogue/result-schema.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from './support.ts';

const catalogue = loadCatalogue();
const sw005 = catalogue.find((item) => item.code === 'SW-005')!;
const registry = createSchemaRegistry({ divisions, items: [sw005, catalogue[0]!] });
const result = registry.resultFor('SW-005')!;

type Result = Record<string, unknown>;
const [paid, failed] = (result.schema.examples as Result[]).map((r) => structuredClone(r)) as [
  Result,
  Result,
];

function problemsOf(value: unknown) {
  return resultProblems(result.validate, value).map((p) => [p.path, p.keyword]);
}

describe('the SW-005 result schema', () => {
  it('accepts its payment and its failed-deduction example', () => {
    expect(paid.outcome).toBe('paid');
    expect(failed.outcome).toBe('failed');
    expect(problemsOf(paid)).toEqual([]);
    expect(problemsOf(failed)).toEqual([]);
  });

  it('refuses an electronic tax voucher number (dzsphm) of 21 digits, at its field, once: too long', () => {
    expect(problemsOf({ ...paid, taxVoucherNo: '1'.repeat(21) })).toEqual([
      ['/taxVoucherNo', 'maxLength'],
    ]);
  });

  it('refuses an amount that is not fen-exact and a payment without its deduction date', () => {
    const lines = structuredClone(paid.lines) as Result[];
    lines[1]!.amount = '1920.5';
    const { deductedOn: _, ...undated }: Result = { ...paid, lines };
    expect(problemsOf(undated)).toEqual(
      expect.arrayContaining([
        ['/deductedOn', 'required'],
        ['/lines/1/amount', 'pattern'],
      ]),
    );
  });

  it('refuses a failure reason outside 余额不足, 三方协议未生效 and 账户状态异常', () => {
    expect(problemsOf({ ...failed, reason: 'bank-offline' })).toEqual([['/reason', 'enum']]);
  });

  it('refuses a generic approval and a field neither outcome declares', () => {
    expect(problemsOf({ decision: 'approved' })).toEqual(
      expect.arrayContaining([['/outcome', 'required']]),
    );
    expect(problemsOf({ ...paid, note: 'extra' })).toEqual(
      expect.arrayContaining([['/note', 'additionalProperties']]),
    );
  });

  it('annotates the deducted account as a bank account (x-personal)', () => {
    const fields = result.schema.properties as Record<
      string,
      { properties: Record<string, Result> }
    >;
    expect(fields.account!.properties.accountNo!['x-personal']).toBe('bank-account');
  });

  it('is absent for an item that declares no result', () => {
    expect(registry.resultFor(catalogue[0]!.code)).toBeUndefined();
  });
});

describe('createSchemaRegistry refuses a bad result schema', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swgw-result-'));
    mkdirSync(join(dir, 'items'));
    for (const file of ['defs.schema.json', 'envelope.schema.json', 'catalogue.json'])
      cpSync(projectPath('schemas', file), join(dir, file));
    for (const file of ['SW-005.schema.json', 'SW-005.examples.json'])
      cpSync(projectPath('schemas', 'items', file), join(dir, 'items', file));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  type Node = Record<string, unknown>;
  /** The object at `path` below `root` (the test knows the schema's shape). */
  const node = (root: Node, ...path: (string | number)[]): Node =>
    path.reduce<Node>((at, key) => at[key] as Node, root);
  function refusal(change: (resultSchema: Node) => void): string[] {
    const file = join(dir, 'items', 'SW-005.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { resultSchema: Node };
    change(schema.resultSchema);
    writeFileSync(file, JSON.stringify(schema));
    try {
      createSchemaRegistry({ divisions, items: [sw005], schemasDir: dir });
    } catch (error) {
      if (error instanceof CatalogueInvalidError) return error.problems as string[];
      throw error;
    }
    throw new Error('expected the registry to refuse the result schema');
  }

  it('names an unbounded string inside the result schema by its path', () => {
    expect(refusal((r) => delete node(r, 'properties', 'certificateNo').maxLength)).toContainEqual(
      'SW-005 v1: items/SW-005.schema.json: string without maxLength at /resultSchema/properties/certificateNo',
    );
  });

  it('names an example the result schema itself refuses', () => {
    expect(refusal((r) => (node(r, 'examples', 0).taxVoucherNo = 'not-digits'))).toEqual([
      expect.stringMatching(
        /\/resultSchema\/examples\/0\/taxVoucherNo: must be 1 to 20 digits 0–9 \(pattern/,
      ),
    ]);
  });

  it('refuses a result schema that does not compile in strict mode', () => {
    expect(
      refusal(
        (r) => (node(r, 'properties', 'account', 'properties', 'accountNo')['x-personal'] = 'x'),
      ),
    ).toEqual([
      expect.stringMatching(/\/resultSchema: does not compile in strict mode: .*x-personal/),
    ]);
  });
});
