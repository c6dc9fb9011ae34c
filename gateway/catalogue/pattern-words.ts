// What a shared pattern or format asks for, in words. ajv's text is the mechanism — `must match
// pattern "^(?!0\.00$)(0|[1-9][0-9]{0,14})\.[0-9]{2}$"` for an amount sent as "12", `must match
// format "date-time"` for an event's `at` sent without its offset — which a province or portal
// developer had to decode (found by a client written from README.md alone). field-problems.ts
// says these in words and still quotes the pattern or format. A second such client met the same
// for every other shared pattern (a phone, a provinceCaseNo, a digest, a callbackUrl) and for the
// items' own codes and account numbers: the shared ones have words below, and a pattern that is
// one character class repeated (`^[0-9]{6,20}$`, most item patterns) is read into words. Only `message` changes: `messageZh`
// keeps ajv-i18n's text, which portals read (the reference portal's field-messages.js turns
// 应当匹配模式 "…" into the taxpayer's words by the pattern it quotes).

/** The page size of every list (http/cursor.ts, the audit log): 1–200 as a query string. */
export const PAGE_LIMIT_PATTERN = '^(200|1[0-9]{2}|[1-9][0-9]?)$';

/**
 * A province event's `at` once it is a date-time (cases/case-event.ts): RFC 3339's own grammar —
 * a `T`, the offset as ±hh:mm or Z — in the years a working-day calendar can be published for.
 */
export const EVENT_TIME_PATTERN =
  '^(?:20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$';

// Keyed by the pattern's source as the schema writes it; schemas/defs.schema.json's moneyAmount
// and nonNegativeAmount are checked to be here (tests/unit/catalogue/pattern-words.test.ts).
const PATTERNS: ReadonlyMap<string, string> = new Map([
  [
    '^(?!0\\.00$)(0|[1-9][0-9]{0,14})\\.[0-9]{2}$',
    'an amount in yuan greater than zero, as a string with exactly two decimal places ("40320.00", not 40320 or "40320")',
  ],
  [
    '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$',
    'an amount in yuan, as a string with exactly two decimal places ("0.00", "40320.00")',
  ],
  [PAGE_LIMIT_PATTERN, 'a whole number from 1 to 200'],
  // schemas/defs.schema.json
  [
    '^[^\\u0000-\\u001f]+$',
    'text without control characters (no tab, line feed or carriage return)',
  ],
  [
    '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]+$',
    'text without control characters other than tab, line feed and carriage return',
  ],
  [
    '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$',
    'a phone number: a mobile number of 11 digits beginning 13 to 19 ("13812345678"), or a landline with its area code ("028-86123456")',
  ],
  [
    '^(100(\\.0{1,2})?|[1-9]?[0-9](\\.[0-9]{1,2})?)$',
    'a percentage from 0 to 100 as a string, with at most two decimal places ("12.5", "100")',
  ],
  [
    '^[\\u4e00-\\u9fa5][A-Z][A-Z0-9]{5,6}$',
    'a plate number: the Chinese character of a province, an upper-case letter, then 5 or 6 upper-case letters or digits ("川A12345")',
  ],
  [
    '^[0-9A-Za-z\\u4e00-\\u9fa5()（）〔〕\\[\\]_/#-]+$',
    'a document number of letters, digits, Chinese characters and ( ) （ ） 〔 〕 [ ] _ / # -, without spaces',
  ],
  ['^[0-9a-f]{64}$', 'a digest as 64 lower-case hex digits'],
  ['^[a-z]+/[a-z0-9.+-]+$', 'a media type in lower case, type/subtype ("application/pdf")'],
  // an item pattern several items use: a floor area (GJ-002, GJ-011, SJ-012)
  [
    '^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?$',
    'a number as a string, at most 7 digits before the point and at most 2 after ("96.42", "120")',
  ],
  // schemas/envelope.schema.json
  ['^[A-Z]{2}-[0-9]{3}$', 'an item code: two upper-case letters, "-" and three digits ("SW-005")'],
  [
    '^[a-z][a-z0-9-]{1,31}$',
    'a role name: a lower-case letter, then 1 to 31 lower-case letters, digits or "-" ("transfer-out")',
  ],
  ['^https?://', 'an http:// or https:// URL'],
  [
    '^[0-9A-HJKMNP-TV-Z]{26}$',
    'a case id as the gateway gave it: 26 digits and upper-case letters other than I, L, O and U',
  ],
  [
    EVENT_TIME_PATTERN,
    'an RFC 3339 date-time in the years 2000–2100, with a "T" between date and time and its offset as ±hh:mm or Z ("2026-12-04T10:00:00+08:00", not "+0800" nor a space for the "T")',
  ],
]);

const FORMATS: ReadonlyMap<string, string> = new Map([
  [
    'date-time',
    'an RFC 3339 date-time with its offset ("2026-12-04T10:00:00+08:00" or "2026-12-04T02:00:00Z")',
  ],
  ['date', 'a date as YYYY-MM-DD ("2026-11-25")'],
]);

// The parts of a character class read into words, longest first so `0-9` is not read as `0`.
const CLASS_PARTS: readonly (readonly [string, string])[] = [
  ['\\u4e00-\\u9fa5', 'a Chinese character'],
  ['0-9', 'a digit 0–9'],
  ['A-Z', 'an upper-case letter A–Z'],
  ['a-z', 'a lower-case letter a–z'],
  ['A-F', 'an upper-case letter A–F'],
  ['a-f', 'a lower-case letter a–f'],
  ['_', '"_"'],
  ['-', '"-"'],
];

const ONE_CLASS = /^\^\[([^\]^]+)\](?:\{([0-9]+)(?:,([0-9]+))?\}|(\+))\$$/;

/**
 * `^[0-9A-Za-z_-]{1,64}$` as "1 to 64 characters, each a digit 0–9, …"; undefined for any other
 * shape, or a class with a part not in CLASS_PARTS (`A-HJ-N`), which ajv's text then quotes.
 */
function oneClassWords(pattern: string): string | undefined {
  const shape = ONE_CLASS.exec(pattern);
  if (!shape) return undefined;
  const [, body, min, max, plus] = shape as unknown as [string, string, string?, string?, string?];
  const parts: string[] = [];
  for (let rest = body; rest.length > 0;) {
    const part = CLASS_PARTS.find(([source]) => rest.startsWith(source));
    if (!part) return undefined;
    parts.push(part[1]);
    rest = rest.slice(part[0].length);
  }
  if (parts.length === 1 && parts[0] === 'a digit 0–9')
    return plus
      ? 'one or more digits 0–9'
      : `${max === undefined ? 'exactly' : `${min} to`} ${max ?? min} digits 0–9`;
  const count = plus
    ? 'one or more characters'
    : max === undefined
      ? `exactly ${min} character${min === '1' ? '' : 's'}`
      : `${min} to ${max} characters`;
  const each =
    parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
  return `${count}, each ${each}`;
}

/** The English message for a pattern or format error whose rule has words here, else undefined. */
export function patternWords(keyword: string, params: Record<string, unknown>): string | undefined {
  if (keyword === 'pattern' && typeof params.pattern === 'string') {
    const words = PATTERNS.get(params.pattern) ?? oneClassWords(params.pattern);
    return words && `must be ${words} (pattern "${params.pattern}")`;
  }
  if (keyword === 'format' && typeof params.format === 'string') {
    const words = FORMATS.get(params.format);
    return words && `must be ${words} (format "${params.format}")`;
  }
  return undefined;
}
