// Division code (GB/T 2260, schemas/README.md#division-codes): six digits that exist in the current
// division table. Never judged by digit ranges: codes change yearly (530321 马龙县 is now 530304 马龙区).
// The table is injected, so tests and the registry decide which table is current.
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export function checkDivisionCode(
  value: string,
  divisionExists: (code: string) => boolean,
): IdentifierProblem | undefined {
  if (/^[0-9]{12}$/.test(value)) {
    return {
      message: `a 12-digit statistical code is not a division code; its first 6 digits (${value.slice(0, 6)}) are`,
      messageZh: `这是12位统计用区划代码,行政区划代码为其前6位 ${value.slice(0, 6)}`,
    };
  }
  if (!/^[0-9]{6}$/.test(value)) {
    return { message: 'must be a 6-digit division code', messageZh: '行政区划代码应为6位数字' };
  }
  if (!divisionExists(value)) {
    return {
      message: `division ${value} does not exist or has been retired`,
      messageZh: `行政区划代码 ${value} 不存在或已撤销`,
    };
  }
  return undefined;
}

export function divisionCodeKeyword(divisionExists: (code: string) => boolean) {
  return identifierKeyword('divisionCode', (value) => checkDivisionCode(value, divisionExists));
}
