// 组织机构代码, GB 11714-1997 (schemas/README.md#organisation-codes): 8 characters of 0-9 A-Z plus a
// check character. Not a keyword of its own: it is the second half of the legacy 15-character
// 纳税人识别号 (taxpayer-id.ts). The credit code carries one too (positions 9–17), but there only
// the outer check is enforced.
import type { IdentifierProblem } from './identifier-keyword.ts';

const CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[0-9A-Z]{8}[0-9X]$/;

/** The check character for the first 8 characters: 11 − Σ mod 11, 10 → X, 11 → 0. */
export function organisationCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += CHARSET.indexOf(first8[i] ?? '') * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function checkOrganisationCode(value: string): IdentifierProblem | undefined {
  if (!SHAPE.test(value)) {
    return {
      message: 'organisation code must be 8 characters of 0-9 A-Z and a check digit or X',
      messageZh: '组织机构代码应为8位数字或大写字母加1位校验码(数字或X)',
    };
  }
  const expected = organisationCodeCheckChar(value.slice(0, 8));
  if (value[8] !== expected) {
    return {
      message: `organisation code check character should be ${expected}`,
      messageZh: `组织机构代码校验码错误,应为 ${expected}`,
    };
  }
  return undefined;
}
