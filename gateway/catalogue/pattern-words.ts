// What a pattern or format asks for, in words, in English and Chinese. ajv's text is the
// mechanism — `must match pattern "^(?!0\.00$)(0|[1-9][0-9]{0,14})\.[0-9]{2}$"` for an amount sent
// as "12", `must match format "date-time"` for an event's `at` sent without its offset — which a
// province or portal developer had to decode (found by clients written from README.md alone), and
// ajv-i18n's Chinese (应当匹配模式 "…") is the same regular expression, which a portal showed a
// taxpayer. The shared patterns have words below, the items' own in item-pattern-words.ts, and a
// pattern that is one character class repeated (`^[0-9]{6,20}$`) is read into words
// (one-class-words.ts). Both messages still end with the pattern or format quoted as ajv-i18n
// quotes it — `messageZh` ends `应当匹配模式 "…"` as it was whole before — because portals read it:
// the reference portal's field-messages.js turns it into the taxpayer's words by the pattern.
import { ITEM_PATTERN_WORDS } from './item-pattern-words.ts';
import { oneClassWords } from './one-class-words.ts';

/**
 * What a rule asks for, as the end of "must be …" and of "应为…". Each value quoted ("40320.00")
 * is an example that matches the rule, or is listed in `not`: a part of a value ("-") or a value
 * refused ("40320") — tests check both.
 */
export interface Words {
  readonly en: string;
  readonly zh: string;
  readonly not?: readonly string[];
}

/** The page size of every list (http/cursor.ts, the audit log): 1–200 as a query string. */
export const PAGE_LIMIT_PATTERN = '^(200|1[0-9]{2}|[1-9][0-9]?)$';

/**
 * A province event's `at` once it is a date-time (cases/case-event.ts): RFC 3339's own grammar —
 * a `T`, the offset as ±hh:mm or Z — in the years a working-day calendar can be published for.
 */
export const EVENT_TIME_PATTERN =
  '^(?:20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$';

// Keyed by the pattern's source as the schema writes it; every pattern of defs.schema.json,
// envelope.schema.json and the CaseEvent is checked to have words
// (tests/unit/catalogue/pattern-words.test.ts).
const SHARED_PATTERN_WORDS: ReadonlyMap<string, Words> = new Map<string, Words>([
  [
    '^(?!0\\.00$)(0|[1-9][0-9]{0,14})\\.[0-9]{2}$',
    {
      en: 'an amount in yuan greater than zero, as a string with exactly two decimal places ("40320.00", not 40320 or "40320")',
      zh: '大于零的金额（元），写作恰好两位小数的字符串（如 "40320.00"，不能是 40320 或 "40320"）',
      not: ['40320'],
    },
  ],
  [
    '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$',
    {
      en: 'an amount in yuan, as a string with exactly two decimal places ("0.00", "40320.00")',
      zh: '金额（元），写作恰好两位小数的字符串（如 "0.00"、"40320.00"）',
    },
  ],
  [PAGE_LIMIT_PATTERN, { en: 'a whole number from 1 to 200', zh: '1 至 200 的整数' }],
  // schemas/defs.schema.json
  [
    '^[^\\u0000-\\u001f]+$',
    {
      en: 'text without control characters (no tab, line feed or carriage return)',
      zh: '不含控制字符的文本（不能有制表符、换行符或回车符）',
    },
  ],
  [
    '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]+$',
    {
      en: 'text without control characters other than tab, line feed and carriage return',
      zh: '除制表符、换行符和回车符外不含控制字符的文本',
    },
  ],
  [
    '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$',
    {
      en: 'a phone number: a mobile number of 11 digits beginning 13 to 19 ("13812345678"), or a landline with its area code ("028-86123456")',
      zh: '电话号码：以 13 至 19 开头的 11 位手机号码（如 "13812345678"），或带区号的固定电话号码（如 "028-86123456"）',
    },
  ],
  [
    '^(100(\\.0{1,2})?|[1-9]?[0-9](\\.[0-9]{1,2})?)$',
    {
      en: 'a percentage from 0 to 100 as a string, with at most two decimal places ("12.5", "100")',
      zh: '0 至 100 的百分数，写作最多两位小数的字符串（如 "12.5"、"100"）',
    },
  ],
  [
    '^[\\u4e00-\\u9fa5][A-Z][A-Z0-9]{5,6}$',
    {
      en: 'a plate number: the Chinese character of a province, an upper-case letter, then 5 or 6 upper-case letters or digits ("川A12345")',
      zh: '车牌号：省份简称汉字、一个大写字母，再接 5 或 6 个大写字母或数字（如 "川A12345"）',
    },
  ],
  [
    '^[0-9A-Za-z\\u4e00-\\u9fa5()（）〔〕\\[\\]_/#-]+$',
    {
      en: 'a document number of letters, digits, Chinese characters and ( ) （ ） 〔 〕 [ ] _ / # -, without spaces',
      zh: '由字母、数字、汉字及 ( ) （ ） 〔 〕 [ ] _ / # - 组成的文号，不含空格',
    },
  ],
  [
    '^[0-9a-f]{64}$',
    { en: 'a digest as 64 lower-case hex digits', zh: '64 位小写十六进制数字的摘要' },
  ],
  [
    '^[a-z]+/[a-z0-9.+-]+$',
    {
      en: 'a media type in lower case, type/subtype ("application/pdf")',
      zh: '小写的媒体类型，写作 type/subtype（如 "application/pdf"）',
    },
  ],
  // an item pattern several items use: a floor area (GJ-002, GJ-011, SJ-012)
  [
    '^(0|[1-9][0-9]{0,6})(\\.[0-9]{1,2})?$',
    {
      en: 'a number as a string, at most 7 digits before the point and at most 2 after ("96.42", "120")',
      zh: '写作字符串的数字，小数点前最多 7 位、小数点后最多 2 位（如 "96.42"、"120"）',
    },
  ],
  // schemas/envelope.schema.json
  [
    '^[A-Z]{2}-[0-9]{3}$',
    {
      en: 'an item code: two upper-case letters, "-" and three digits ("SW-005")',
      zh: '事项编码：两个大写字母、"-" 和三位数字（如 "SW-005"）',
      not: ['-'],
    },
  ],
  [
    '^[a-z][a-z0-9-]{1,31}$',
    {
      en: 'a role name: a lower-case letter, then 1 to 31 lower-case letters, digits or "-" ("transfer-out")',
      zh: '角色名：一个小写字母，再接 1 至 31 个小写字母、数字或 "-"（如 "transfer-out"）',
      not: ['-'],
    },
  ],
  ['^https?://', { en: 'an http:// or https:// URL', zh: '以 http:// 或 https:// 开头的 URL' }],
  [
    '^[0-9A-HJKMNP-TV-Z]{26}$',
    {
      en: 'a case id as the gateway gave it: 26 digits and upper-case letters other than I, L, O and U',
      zh: '网关给出的办件编号：26 个数字和除 I、L、O、U 外的大写字母',
    },
  ],
  [
    EVENT_TIME_PATTERN,
    {
      en: 'an RFC 3339 date-time in the years 2000–2100, with a "T" between date and time and its offset as ±hh:mm or Z ("2026-12-04T10:00:00+08:00", not "+0800" nor a space for the "T")',
      zh: '2000–2100 年间的 RFC 3339 日期时间，日期与时间之间为 "T"，时区偏移写作 ±hh:mm 或 Z（如 "2026-12-04T10:00:00+08:00"，不能写作 "+0800"，也不能用空格代替 "T"）',
      not: ['T', '+0800'],
    },
  ],
]);

/** Words for the formats the gateway's schemas use (create-ajv.ts). */
export const FORMAT_WORDS: ReadonlyMap<string, Words> = new Map<string, Words>([
  [
    'date-time',
    {
      en: 'an RFC 3339 date-time with its offset ("2026-12-04T10:00:00+08:00" or "2026-12-04T02:00:00Z")',
      zh: '带时区偏移的 RFC 3339 日期时间（如 "2026-12-04T10:00:00+08:00" 或 "2026-12-04T02:00:00Z"）',
    },
  ],
  [
    'date',
    { en: 'a date as YYYY-MM-DD ("2026-11-25")', zh: '写作 YYYY-MM-DD 的日期（如 "2026-11-25"）' },
  ],
  [
    'email',
    {
      en: 'an email address ("liming@example.com")',
      zh: '电子邮箱地址（如 "liming@example.com"）',
    },
  ],
  [
    'uri',
    {
      en: 'an absolute URI, its scheme first ("https://portal.example/callbacks")',
      zh: '以协议名开头的绝对 URI（如 "https://portal.example/callbacks"）',
    },
  ],
]);

/** The shared and item tables in one, built once when the module loads. */
export const PATTERN_WORDS: ReadonlyMap<string, Words> = new Map([
  ...SHARED_PATTERN_WORDS,
  ...ITEM_PATTERN_WORDS,
]);

// A pattern read into words is read once: field problems are built only for a refusal, but a
// client that keeps sending the same wrong value should not pay for the reading again. Patterns
// come from the catalogue's schemas, never from a request; the bound only guards against drafts
// validated over a long uptime.
const READ_WORDS = new Map<string, Words | null>();
const READ_WORDS_MAX = 1024;

function wordsOfPattern(pattern: string): Words | undefined {
  const known = PATTERN_WORDS.get(pattern);
  if (known) return known;
  let read = READ_WORDS.get(pattern);
  if (read === undefined) {
    if (READ_WORDS.size >= READ_WORDS_MAX) READ_WORDS.clear();
    read = oneClassWords(pattern) ?? null;
    READ_WORDS.set(pattern, read);
  }
  return read ?? undefined;
}

/** 应为 before a number is followed by a space, as the Chinese texts write "最多 N 个字符". */
function mustBeZh(zh: string): string {
  return /^[0-9]/.test(zh) ? `应为 ${zh}` : `应为${zh}`;
}

/**
 * The messages for a pattern or format error whose rule has words, else undefined (ajv's texts
 * stand). `message` is "must be <words> (pattern "<pattern>")"; `messageZh` is "应为<words>；" and
 * then ajv-i18n's own text, 应当匹配模式 "<pattern>" (应当匹配格式 "<format>"), last.
 */
export function patternWords(
  keyword: string,
  params: Record<string, unknown>,
): { message: string; messageZh: string } | undefined {
  if (keyword === 'pattern' && typeof params.pattern === 'string') {
    const words = wordsOfPattern(params.pattern);
    return (
      words && {
        message: `must be ${words.en} (pattern "${params.pattern}")`,
        messageZh: `${mustBeZh(words.zh)}；应当匹配模式 "${params.pattern}"`,
      }
    );
  }
  if (keyword === 'format' && typeof params.format === 'string') {
    const words = FORMAT_WORDS.get(params.format);
    return (
      words && {
        message: `must be ${words.en} (format "${params.format}")`,
        messageZh: `${mustBeZh(words.zh)}；应当匹配格式 "${params.format}"`,
      }
    );
  }
  return undefined;
}
