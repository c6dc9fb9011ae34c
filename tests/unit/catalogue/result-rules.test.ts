// A result schema's cross-field rules (schemas/README.md#result-rules): compiled by the payload
// rules' checks with pointers into /result and the case's envelope, refused when a rule is
// unknown, names no field, a field of the wrong kind or no field of the result; run against the
// result and the case's submission, with today on the China calendar from the registry's clock.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../gateway/catalogue/create-ajv.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import {
  compileResultSchema,
  resultRuleProblems,
} from '../../../gateway/catalogue/result-schema.ts';
import { CROSS_FIELD_RULES } from '../../../gateway/catalogue/rules/rule-catalogue.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from './support.ts';

type Json = Record<string, unknown>;

const sw005 = loadCatalogue().find((item) => item.code === 'SW-005')!;
const itemSchema = JSON.parse(
  readFileSync(projectPath('schemas/items/SW-005.schema.json'), 'utf8'),
) as Json;
const submission = (
  JSON.parse(readFileSync(projectPath('schemas/items/SW-005.examples.json'), 'utf8')) as {
    valid: Json[];
  }
).valid[0]!;
const resultSchema = itemSchema.resultSchema as Json;
const [paid, failed] = structuredClone(resultSchema.examples) as [Json, Json];

// 2026-11-25 16:30 UTC is 2026-11-26 00:30 in China: the examples' 2026-11-25 is yesterday there.
const registry = createSchemaRegistry({
  divisions,
  items: [sw005],
  now: () => new Date('2026-11-25T16:30:00Z'),
});
const compiled = registry.resultFor('SW-005')!;

function problemsOf(result: Json): [string, string | undefined][] {
  return resultRuleProblems(compiled, result, submission, registry.ruleContext).map((p) => [
    p.path,
    p.keyword,
  ]);
}

/** Compiles SW-005 with its result's rules replaced by `rules`; answers the problems. */
function compileWith(rules: unknown[]): string[] {
  const ajv = createAjv({ divisions });
  const schema = { ...itemSchema, resultSchema: { ...resultSchema, crossFieldRules: rules } };
  const outcome = compileResultSchema(ajv, 'SW-005', 1, schema, CROSS_FIELD_RULES);
  return outcome.ok ? [] : outcome.problems;
}

describe("SW-005's result rules", () => {
  it('compile with the item, and read the submission', () => {
    expect(compiled.rules.map((r) => r.rule.name)).toEqual([
      'sum-equals',
      'equals',
      'equals',
      'equals',
      'equals',
      'equals',
      'not-after-today',
      'date-order',
    ]);
    expect(compiled.readsSubmission).toBe(true);
  });

  it("pass the payment and the failed deduction of the case's own submission", () => {
    expect(problemsOf(paid)).toEqual([]);
    // The failed example names the sandbox's failing agreement; the case submitted the paying one.
    expect(problemsOf({ ...failed, agreementNo: paid.agreementNo })).toEqual([]);
  });

  it('take today in China (UTC+8) as not in the future and tomorrow there as in it', () => {
    expect(problemsOf({ ...paid, deductedOn: '2026-11-26', creditedOn: '2026-11-26' })).toEqual([]);
    expect(problemsOf({ ...paid, creditedOn: '2026-11-27' })).toEqual([
      ['/result/creditedOn', 'not-after-today'],
    ]);
  });

  it('refuse a paid line whose period ends after today, at the line', () => {
    const lines = structuredClone(paid.lines) as Json[];
    lines[1]!.taxPeriod = { start: '2026-11-01', end: '2026-11-30' };
    expect(problemsOf({ ...paid, lines })).toEqual([
      ['/result/lines/1/taxPeriod/end', 'not-after-today'],
    ]);
  });

  it('refuse a bank code other than the submitted one, naming the value since it is not personal', () => {
    const errors = resultRuleProblems(
      compiled,
      { ...paid, account: { bankCode: '102100099996', accountNo: '6222020200112233445' } },
      submission,
      registry.ruleContext,
    );
    expect(errors.map((e) => e.path)).toEqual(['/result/account/bankCode']);
    expect(errors[0]!.message).toContain('102731000019');
  });
});

describe('a result rule, when the item compiles', () => {
  it('is refused when unknown, at its entry', () => {
    expect(compileWith([{ rule: 'sum-equal', total: '/result/totalAmount', parts: '/x' }])).toEqual(
      [expect.stringMatching(/^\/resultSchema\/crossFieldRules\/0: unknown rule "sum-equal"/)],
    );
  });

  it('is refused when a pointer names no field of the result, payload or envelope', () => {
    expect(
      compileWith([
        { rule: 'equals', value: '/result/agreementNumber', other: '/payload/agreementNo' },
      ]),
    ).toEqual([
      '/resultSchema/crossFieldRules/0/value: /result/agreementNumber names no field of the schemas',
    ]);
  });

  it('is refused when a field is of the wrong kind (an agreement number is no date)', () => {
    expect(compileWith([{ rule: 'not-after-today', date: '/result/agreementNo' }])).toEqual([
      '/resultSchema/crossFieldRules/0/date: /result/agreementNo is not a field of kind date',
    ]);
  });

  it('is refused when it names no field of the result (the payload rules judge the submission)', () => {
    expect(
      compileWith([
        { rule: 'equals', value: '/payload/agreementNo', other: '/payload/agreementNo' },
      ]),
    ).toEqual([
      expect.stringContaining(
        '/resultSchema/crossFieldRules/0: equals names no field of the result',
      ),
    ]);
  });
});
