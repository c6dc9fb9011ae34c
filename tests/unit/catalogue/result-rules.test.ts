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
import type { CaseEvent } from '../../../gateway/cases/case-event.ts';
import { eventResultProblems } from '../../../gateway/cases/event-result.ts';
import type { SubmissionEnvelope } from '../../../gateway/catalogue/submission-envelope.ts';
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

// The case was submitted the day the examples were paid (2026-11-25 in China).
const caseContext = { ...registry.ruleContext, submittedOn: '2026-11-25' };

function problemsOf(result: Json): [string, string | undefined][] {
  return resultRuleProblems(compiled, result, submission, caseContext).map((p) => [
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
      'lines-match',
      'equals',
      'equals',
      'equals',
      'equals',
      'equals',
      'not-after-today',
      'not-before-submission',
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

  it('refuse a paid line whose period ends after today, at the line (a period not submitted either)', () => {
    const lines = structuredClone(paid.lines) as Json[];
    lines[1]!.taxPeriod = { start: '2026-11-01', end: '2026-11-30' };
    expect(problemsOf({ ...paid, lines })).toEqual([
      ['/result/lines/1', 'lines-match'],
      ['/result/lines', 'lines-match'],
      ['/result/lines/1/taxPeriod/end', 'not-after-today'],
    ]);
  });

  it('refuse a bank code other than the submitted one, naming the value since it is not personal', () => {
    const errors = resultRuleProblems(
      compiled,
      { ...paid, account: { bankCode: '102100099996', accountNo: '6222020200112233445' } },
      submission,
      caseContext,
    );
    expect(errors.map((e) => e.path)).toEqual(['/result/account/bankCode']);
    expect(errors[0]!.message).toContain('102731000019');
  });
});

/** The paid example's lines, cloned: [0] 增值税 38400.00, [1] 城市维护建设税 1920.00. */
const paidLines = () => structuredClone(paid.lines) as Json[];

/** The lines-match problems of a payment with these lines, as [path, message] pairs. */
function lineProblems(lines: Json[], totalAmount = paid.totalAmount): [string, string][] {
  return resultRuleProblems(compiled, { ...paid, lines, totalAmount }, submission, caseContext)
    .filter((p) => p.keyword === 'lines-match')
    .map((p) => [p.path, p.message]);
}

describe("SW-005's paid lines against the submitted lines (lines-match)", () => {
  it('pass the submitted lines in another order', () => {
    expect(lineProblems(paidLines().reverse())).toEqual([]);
  });

  it('refuse a line paid at another amount at its amount, naming the submitted amount', () => {
    const lines = paidLines();
    lines[0]!.amount = '38420.00';
    lines[1]!.amount = '1900.00';
    // The total still adds up and is the one submitted: only the pairing sees it.
    expect(problemsOf({ ...paid, lines })).toEqual([
      ['/result/lines/0/amount', 'lines-match'],
      ['/result/lines/1/amount', 'lines-match'],
    ]);
    const errors = resultRuleProblems(compiled, { ...paid, lines }, submission, caseContext);
    expect(errors[1]!.message).toContain('1920.00');
    expect(errors[1]!.messageZh).toContain('实缴金额(元) 1900.00');
  });

  it('refuse a line that is no submitted line (another 征收品目) at the line, and the submitted one it left unpaid at the list', () => {
    const lines = paidLines();
    lines[1]!.collectionSubitemCode = '101090199';
    const problems = lineProblems(lines);
    expect(problems.map(([path]) => path)).toEqual(['/result/lines/1', '/result/lines']);
    expect(problems[1]![1]).toContain('/payload/lines/1');
  });

  it('refuse a payment that leaves a submitted line out, at the list', () => {
    expect(lineProblems(paidLines().slice(0, 1), '38400.00')).toEqual([
      [
        '/result/lines',
        expect.stringContaining('/payload/lines/1 (10109 101090101 2026-09-01 2026-09-30)'),
      ],
    ]);
  });

  it('refuse a submitted line paid twice at the second line', () => {
    const [first] = paidLines();
    const problems = lineProblems([first!, structuredClone(first!)]);
    expect(problems.map(([path]) => path)).toEqual(['/result/lines/1', '/result/lines']);
    expect(problems[0]![1]).toContain('/result/lines/0');
  });

  it('refuse a line of another 税款所属期 (start only) at the line', () => {
    const lines = paidLines();
    (lines[0]!.taxPeriod as Json).start = '2026-09-02';
    expect(lineProblems(lines).map(([path]) => path)).toEqual(['/result/lines/0', '/result/lines']);
  });

  it('leave a failed deduction, which has no lines, alone', () => {
    const errors = resultRuleProblems(
      compiled,
      { ...failed, agreementNo: paid.agreementNo, attemptedOn: '2026-11-25' },
      submission,
      caseContext,
    );
    expect(errors).toEqual([]);
  });
});

describe("SW-005's result dates against the case's submission day (not-before-submission)", () => {
  // Today in China is 2026-11-27 (04:00 UTC is 12:00 there): every date below is not after it.
  const later = createSchemaRegistry({
    divisions,
    items: [sw005],
    now: () => new Date('2026-11-27T04:00:00Z'),
  });
  const decided = (result: Json) =>
    ({ type: 'decided', at: '2026-11-26T08:00:00Z', result }) as CaseEvent;
  async function problemsAt(createdAt: string, result: Json): Promise<[string, string?][]> {
    const record = { itemCode: 'SW-005', itemVersion: 1, createdAt };
    const problems = await eventResultProblems(later, record, decided(result), () =>
      Promise.resolve(submission as unknown as SubmissionEnvelope),
    );
    return problems.map((p) => [p.path, p.keyword]);
  }
  const paidOn = (day: string) => ({ ...paid, deductedOn: day, creditedOn: day });

  it('take a case submitted at 23:30 China time (15:30 UTC) as submitted that China day', async () => {
    const at2330 = '2026-11-25T15:30:00Z';
    expect(await problemsAt(at2330, paidOn('2026-11-26'))).toEqual([]);
    expect(await problemsAt(at2330, paidOn('2026-11-25'))).toEqual([]);
    expect(await problemsAt(at2330, paidOn('2026-11-24'))).toEqual([
      ['/result/deductedOn', 'not-before-submission'],
      ['/result/creditedOn', 'not-before-submission'],
    ]);
  });

  it('take a case submitted at 01:00 China time (17:00 UTC the day before) as submitted the China day', async () => {
    // Its UTC date is 2026-11-25: a deduction that day is still the day before, in China.
    const at0100 = '2026-11-25T17:00:00Z';
    expect(await problemsAt(at0100, paidOn('2026-11-26'))).toEqual([]);
    expect(
      await problemsAt(at0100, { ...paid, deductedOn: '2026-11-25', creditedOn: '2026-11-26' }),
    ).toEqual([['/result/deductedOn', 'not-before-submission']]);
  });

  it('refuse a failed deduction attempted before the submission day at /result/attemptedOn, naming 扣款日期', async () => {
    const result = { ...failed, agreementNo: paid.agreementNo, attemptedOn: '2026-11-20' };
    expect(await problemsAt('2026-11-25T02:00:00Z', result)).toEqual([
      ['/result/attemptedOn', 'not-before-submission'],
    ]);
    const [problem] = await eventResultProblems(
      later,
      { itemCode: 'SW-005', itemVersion: 1, createdAt: '2026-11-25T02:00:00Z' },
      decided(result),
      () => Promise.resolve(submission as unknown as SubmissionEnvelope),
    );
    expect(problem!.message).toBe(
      '2026-11-20 is before the day the case was submitted (2026-11-25, China time)',
    );
    expect(problem!.messageZh).toBe('扣款日期 2026-11-20 早于办件提交日期(2026-11-25,北京时间)');
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

  it('is refused when a lines-match key names no field of the line', () => {
    expect(
      compileWith([
        {
          rule: 'lines-match',
          key: ['/result/lines/*/itemCode'],
          otherKey: ['/payload/lines/*/collectionItemCode'],
          amount: '/result/lines/*/amount',
          otherAmount: '/payload/lines/*/amount',
        },
      ]),
    ).toEqual([
      '/resultSchema/crossFieldRules/0/key: /result/lines/*/itemCode names no field of the schemas',
    ]);
  });

  it('is refused when lines-match names fewer key fields on one side, or an amount of another array', () => {
    expect(
      compileWith([
        {
          rule: 'lines-match',
          key: ['/result/lines/*/collectionItemCode', '/result/lines/*/collectionSubitemCode'],
          otherKey: ['/payload/lines/*/collectionItemCode'],
          amount: '/payload/lines/*/amount',
          otherAmount: '/payload/lines/*/amount',
        },
      ]),
    ).toEqual([
      expect.stringMatching(
        /^\/resultSchema\/crossFieldRules\/0\/otherKey: names 1 key fields, key 2/,
      ),
      expect.stringMatching(
        /^\/resultSchema\/crossFieldRules\/0\/key: the pointers of key and amount must/,
      ),
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
