// 税务机关代码 (schemas/README.md#tax-authority-codes): 11 digits, "1" + a six-digit division code + 4
// digits. The embedded division must exist in the table the schema names, as for divisionCode:
// `"taxAuthorityCode": "member"` for an authority inside the alliance, `"national"` for any.
import type { DivisionScope, DivisionTables } from '../../divisions/load-division-table.ts';
import { DIVISION_SCOPES } from './division-code.ts';
import { optionKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export function checkTaxAuthorityCode(
  value: string,
  scope: DivisionScope,
  divisions: DivisionTables,
): IdentifierProblem | undefined {
  if (!/^1[0-9]{10}$/.test(value)) {
    return {
      message: 'must be 11 digits starting with 1',
      messageZh: '税务机关代码应为以1开头的11位数字',
    };
  }
  const division = value.slice(1, 7);
  if (divisions[scope].has(division)) return undefined;
  if (scope === 'member' && divisions.national.has(division)) {
    return {
      message: `embedded division code ${division} is not in a member province of the alliance`,
      messageZh: `税务机关代码中的行政区划代码 ${division} 不在跨省通办联盟成员省份内`,
    };
  }
  return {
    message: `embedded division code ${division} does not exist`,
    messageZh: `税务机关代码中的行政区划代码 ${division} 不存在`,
  };
}

export function taxAuthorityCodeKeyword(divisions: DivisionTables) {
  return optionKeyword('taxAuthorityCode', DIVISION_SCOPES, (value, scope) =>
    checkTaxAuthorityCode(value, scope, divisions),
  );
}
