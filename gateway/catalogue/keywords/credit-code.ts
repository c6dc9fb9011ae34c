// 统一社会信用代码, GB 32100-2015 (schemas/README.md#credit-codes). Only the outer check character is
// enforced: some real codes carry an organisation code (positions 9–17) whose own GB 11714 check
// fails.
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** The check character for the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i] ?? '') * WEIGHTS[i]!;
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

export function checkCreditCode(value: string): IdentifierProblem | undefined {
  if (!SHAPE.test(value)) {
    return {
      message: 'must be 18 characters of 0-9 and A-Z without I, O, S, V, Z',
      messageZh: '统一社会信用代码应为18位数字或大写字母(不含 I、O、S、V、Z)',
    };
  }
  const expected = creditCodeCheckChar(value.slice(0, 17));
  if (value[17] !== expected) {
    return {
      message: `check character should be ${expected}`,
      messageZh: `统一社会信用代码校验位错误,应为 ${expected}`,
    };
  }
  return undefined;
}

export const creditCodeKeyword = identifierKeyword('creditCode', checkCreditCode);
