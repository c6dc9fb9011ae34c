// 税务机关代码 (schemas/README.md#tax-authority-codes): 11 digits, "1" + a six-digit division code + 4
// digits. The embedded division must exist, so the check takes the division lookup it is given.
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export function checkTaxAuthorityCode(
  value: string,
  divisionExists: (code: string) => boolean,
): IdentifierProblem | undefined {
  if (!/^1[0-9]{10}$/.test(value)) {
    return {
      message: 'must be 11 digits starting with 1',
      messageZh: '税务机关代码应为以1开头的11位数字',
    };
  }
  const division = value.slice(1, 7);
  if (!divisionExists(division)) {
    return {
      message: `embedded division code ${division} does not exist`,
      messageZh: `税务机关代码中的行政区划代码 ${division} 不存在`,
    };
  }
  return undefined;
}

export function taxAuthorityCodeKeyword(divisionExists: (code: string) => boolean) {
  return identifierKeyword('taxAuthorityCode', (value) =>
    checkTaxAuthorityCode(value, divisionExists),
  );
}
