// What a shared pattern or format asks for, in words. ajv's text is the mechanism — `must match
// pattern "^(?!0\.00$)(0|[1-9][0-9]{0,14})\.[0-9]{2}$"` for an amount sent as "12", `must match
// format "date-time"` for an event's `at` sent without its offset — which a province or portal
// developer had to decode (found by a client written from README.md alone). field-problems.ts
// says these in words and still quotes the pattern or format. Only `message` changes: `messageZh`
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

/** The English message for a pattern or format error whose rule has words here, else undefined. */
export function patternWords(keyword: string, params: Record<string, unknown>): string | undefined {
  if (keyword === 'pattern' && typeof params.pattern === 'string') {
    const words = PATTERNS.get(params.pattern);
    return words && `must be ${words} (pattern "${params.pattern}")`;
  }
  if (keyword === 'format' && typeof params.format === 'string') {
    const words = FORMATS.get(params.format);
    return words && `must be ${words} (format "${params.format}")`;
  }
  return undefined;
}
