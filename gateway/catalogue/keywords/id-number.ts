// 居民身份证号码, GB 11643-1999 (schemas/README.md#id-numbers): check character plus a real, non-future
// birth date. The address code is not checked against the division table: people keep retired
// codes.
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const SHAPE = /^[0-9]{17}[0-9X]$/;

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealPastDate(yyyymmdd: string, today: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && date.getTime() <= today.getTime();
}

export function checkIdNumber(value: string, today = new Date()): IdentifierProblem | undefined {
  if (!SHAPE.test(value)) {
    return {
      message: 'must be 17 digits followed by a digit or X',
      messageZh: '身份证号码应为17位数字加1位数字或X',
    };
  }
  if (!isRealPastDate(value.slice(6, 14), today)) {
    return {
      message: `birth date ${value.slice(6, 14)} is not a real past date`,
      messageZh: `出生日期 ${value.slice(6, 14)} 无效`,
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

export const idNumberKeyword = identifierKeyword('idNumber', (value) => checkIdNumber(value));
