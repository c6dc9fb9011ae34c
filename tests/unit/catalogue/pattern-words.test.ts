// gateway/catalogue/pattern-words.ts words the shared patterns by their source text: this keeps
// the table in step with schemas/defs.schema.json, envelope.schema.json and the CaseEvent, so an
// edit of a pattern there cannot silently bring back the bare regular expression. Clients written
// from the README alone met the bare expression in `message`, and a portal showed ajv-i18n's
// 应当匹配模式 "…" to a taxpayer: every rule with words says them in both languages and still
// quotes its pattern or format, `messageZh` ending in ajv-i18n's text, which portals parse.
// The items' own patterns are walked in item-pattern-words.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_SCHEMA } from '../../../gateway/cases/case-event.ts';
import { createRequestAjv } from '../../../gateway/catalogue/create-ajv.ts';
import {
  FORMAT_WORDS,
  PATTERN_WORDS,
  patternWords,
  type Words,
} from '../../../gateway/catalogue/pattern-words.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { patternsOf } from './schema-patterns.ts';

const schemaFile = (name: string): unknown =>
  JSON.parse(readFileSync(projectPath('schemas', name), 'utf8'));

const defs = schemaFile('defs.schema.json') as {
  $defs: Record<string, { pattern?: string; format?: string }>;
};

/** Every string a text quotes, "…". */
const quoted = (text: string): string[] => [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);

/** The quoted values that are no example (`not`), and those that are, of both languages. */
function examplesOf(words: Words): { examples: string[]; not: readonly string[] } {
  const all = [...new Set([...quoted(words.en), ...quoted(words.zh)])];
  const not = words.not ?? [];
  return { examples: all.filter((q) => !not.includes(q)), not };
}

describe('pattern words', () => {
  it.each(['moneyAmount', 'nonNegativeAmount'])(
    "has words for defs.schema.json's %s pattern in English and Chinese, quoting the pattern",
    (name) => {
      const pattern = defs.$defs[name]!.pattern!;
      const words = patternWords('pattern', { pattern });
      expect(words?.message).toMatch(/^must be an amount in yuan/);
      expect(words?.message.endsWith(`(pattern "${pattern}")`)).toBe(true);
      expect(words?.messageZh).toMatch(/^应为(大于零的)?金额（元），写作恰好两位小数的字符串/);
      expect(words?.messageZh.endsWith(`；应当匹配模式 "${pattern}"`)).toBe(true);
    },
  );

  it.each(['date', 'dateTime', 'email'])(
    "has words for defs.schema.json's %s format in English and Chinese, quoting the format",
    (name) => {
      const format = defs.$defs[name]!.format!;
      const words = patternWords('format', { format });
      expect(words?.message).toMatch(new RegExp(`^must be .+ \\(format "${format}"\\)$`));
      expect(words?.messageZh).toMatch(new RegExp(`^应为[^；]+；应当匹配格式 "${format}"$`));
    },
  );

  it("has words for the uri format of a callbackUrl and a material's address", () => {
    expect(patternWords('format', { format: 'uri' })?.messageZh).toBe(
      '应为以协议名开头的绝对 URI（如 "https://portal.example/callbacks"）；应当匹配格式 "uri"',
    );
  });

  it.each([
    ...patternsOf(schemaFile('defs.schema.json')).map(([at, p]) => [`defs.schema.json#${at}`, p]),
    ...patternsOf(schemaFile('envelope.schema.json')).map(([at, p]) => [
      `envelope.schema.json#${at}`,
      p,
    ]),
    ...patternsOf(CASE_EVENT_SCHEMA).map(([at, p]) => [`CaseEvent#${at}`, p]),
  ])(
    'has words for the shared pattern at %s in English and Chinese, quoting it',
    (_at, pattern) => {
      const words = patternWords('pattern', { pattern });
      expect(words?.message).toMatch(/^must be /);
      expect(words?.message.endsWith(`(pattern "${pattern}")`)).toBe(true);
      expect(words?.messageZh).toMatch(/^应为/);
      expect(words?.messageZh.endsWith(`；应当匹配模式 "${pattern}"`)).toBe(true);
    },
  );

  it.each([...PATTERN_WORDS])(
    'gives for %s examples that match it, the same in both languages, and parts that do not',
    (pattern, words) => {
      const rule = new RegExp(pattern, 'u');
      const { examples, not } = examplesOf(words);
      expect(quoted(words.en).sort()).toEqual(quoted(words.zh).sort());
      for (const example of examples) expect(rule.test(example), example).toBe(true);
      for (const part of not) {
        expect(quoted(words.en)).toContain(part);
        expect(rule.test(part), part).toBe(false);
      }
    },
  );

  it.each([...FORMAT_WORDS])(
    'gives for the %s format examples the format accepts, the same in both languages',
    (format, words) => {
      const validate = createRequestAjv().compile({ type: 'string', format });
      const { examples } = examplesOf(words);
      expect(examples.length).toBeGreaterThan(0);
      expect(quoted(words.en).sort()).toEqual(quoted(words.zh).sort());
      for (const example of examples) expect(validate(example), example).toBe(true);
    },
  );

  it.each([
    [
      '^[0-9A-Za-z_-]{1,64}$',
      'must be 1 to 64 characters, each a digit 0–9, an upper-case letter A–Z, a lower-case letter a–z, "_" or "-"',
      '应为 1 至 64 个字符，每个为数字 0–9、大写字母 A–Z、小写字母 a–z、"_" 或 "-"',
    ],
    ['^[0-9]{6,20}$', 'must be 6 to 20 digits 0–9', '应为 6 至 20 位数字'],
    ['^[0-9]{12}$', 'must be exactly 12 digits 0–9', '应为 12 位数字'],
    ['^[0-9]+$', 'must be one or more digits 0–9', '应为一位或多位数字'],
    [
      '^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?$',
      'must be a number as a string, at most 7 digits before the point and at most 2 after ("96.42", "120")',
      '应为写作字符串的数字，小数点前最多 7 位、小数点后最多 2 位（如 "96.42"、"120"）',
    ],
    [
      '^[\\u4e00-\\u9fa5]{1,20}$',
      'must be 1 to 20 characters, each a Chinese character',
      '应为 1 至 20 个字符，每个为汉字',
    ],
    [
      '^[A-Za-z0-9]{8,30}$',
      'must be 8 to 30 characters, each an upper-case letter A–Z, a lower-case letter a–z or a digit 0–9',
      '应为 8 至 30 个字符，每个为大写字母 A–Z、小写字母 a–z 或数字 0–9',
    ],
    [
      '^[A-Z]+$',
      'must be one or more characters, each an upper-case letter A–Z',
      '应为一个或多个字符，每个为大写字母 A–Z',
    ],
    [
      '^[A-HJ-NPR-Z0-9]{17}$',
      'must be a vehicle identification number (VIN): 17 characters, each a digit 0–9 or an upper-case letter other than I, O and Q ("LSVAM4187C2184530")',
      '应为车辆识别代号（VIN）：17 个字符，每个为数字 0–9 或除 I、O、Q 外的大写字母（如 "LSVAM4187C2184530"）',
    ],
  ])('words the item pattern %s', (pattern, en, zh) => {
    expect(patternWords('pattern', { pattern })).toEqual({
      message: `${en} (pattern "${pattern}")`,
      messageZh: `${zh}；应当匹配模式 "${pattern}"`,
    });
  });

  it('leaves a pattern it has no words for to ajv', () => {
    expect(patternWords('pattern', { pattern: '^[A-HJ-N]{3}$' })).toBeUndefined();
    expect(patternWords('pattern', { pattern: '^QQ[0-9]{3}$' })).toBeUndefined();
    expect(patternWords('format', { format: 'ipv4' })).toBeUndefined();
  });
});
