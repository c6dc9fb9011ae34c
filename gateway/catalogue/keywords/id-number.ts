// 居民身份证号码, GB 11643-1999 (schemas/README.md#id-numbers): address code (6) + birth date
// (8) + sequence (3) + check character. The address code's first two digits must be a
// provincial-level code; the rest of it is not checked against the division table, because people
// keep the code they were given when their county is renamed or merged. The birth date must be a
// real date, not after today on the China calendar (UTC+8): at 00:30 in Beijing a child born that
// day already has a valid number, although it is still yesterday in UTC.
import { chinaProvinceName } from '../../divisions/china-provinces.ts';
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const SHAPE = /^[0-9]{17}[0-9X]$/;

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** YYYYMMDD is a real calendar date from 1900 up to `today` (YYYY-MM-DD, China calendar). */
function isRealPastDate(yyyymmdd: string, today: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900) return false;
  // Date.UTC only to test that the day exists in that month (no time zone is involved).
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && yyyymmdd <= today.replaceAll('-', '');
}

/** `today` is the China calendar date (YYYY-MM-DD) the birth date may not be after. */
export function checkIdNumber(value: string, today: string): IdentifierProblem | undefined {
  if (!SHAPE.test(value)) {
    return {
      message: 'must be 17 digits followed by a digit or X',
      messageZh: '身份证号码应为17位数字加1位数字或X',
    };
  }
  const province = value.slice(0, 2);
  if (chinaProvinceName(province) === undefined) {
    return {
      message: `address code ${value.slice(0, 6)} does not start with a provincial-level code (${province} is none)`,
      messageZh: `身份证号码地址码 ${value.slice(0, 6)} 的前两位 ${province} 不是省级行政区划代码`,
    };
  }
  if (!isRealPastDate(value.slice(6, 14), today)) {
    return {
      message: `birth date ${value.slice(6, 14)} is not a real date up to today (${today}, China time)`,
      messageZh: `出生日期 ${value.slice(6, 14)} 无效或晚于今天(${today},北京时间)`,
    };
  }
  const expected = idNumberCheckChar(value.slice(0, 17));
  if (value[17] !== expected) {
    return {
      message: `check character should be ${expected}`,
      messageZh: `身份证号码校验位错误,应为 ${expected}`,
    };
  }
  return undefined;
}

/** `today` returns the China calendar date (YYYY-MM-DD) when a value is checked. */
export function idNumberKeyword(today: () => string) {
  return identifierKeyword('idNumber', (value) => checkIdNumber(value, today()));
}
