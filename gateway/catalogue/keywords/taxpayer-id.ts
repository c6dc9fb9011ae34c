// 纳税人识别号 (schemas/README.md#taxpayer-ids): organisations use the credit code; individuals their ID
// number followed by two digits.
import { checkCreditCode } from './credit-code.ts';
import { checkIdNumber } from './id-number.ts';
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export function checkTaxpayerId(value: string): IdentifierProblem | undefined {
  if (value.length === 18) return checkCreditCode(value);
  if (value.length === 20 && /^[0-9]{2}$/.test(value.slice(18))) {
    const problem = checkIdNumber(value.slice(0, 18));
    if (!problem) return undefined;
    return { message: `ID number part: ${problem.message}`, messageZh: problem.messageZh };
  }
  return {
    message: 'must be an 18-character credit code or an ID number followed by 2 digits',
    messageZh: '纳税人识别号应为18位统一社会信用代码或身份证号码加2位数字',
  };
}

export const taxpayerIdKeyword = identifierKeyword('taxpayerId', checkTaxpayerId);
