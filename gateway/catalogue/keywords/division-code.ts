// Division code (GB/T 2260, schemas/README.md#division-codes): six digits that exist in a current
// division table, never judged by digit ranges (codes change yearly: 530321 马龙县 is now 530304
// 马龙区). The schema names the table: `"divisionCode": "national"` for a place anywhere in China
// (户籍地, 就医地, a postal address…), `"divisionCode": "member"` for a place that must lie in the
// alliance (e.g. the project whose tax is paid at the handling region). The tables are injected.
import type { DivisionScope, DivisionTables } from '../../divisions/load-division-table.ts';
import { optionKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export const DIVISION_SCOPES: readonly DivisionScope[] = ['member', 'national'];

export function checkDivisionCode(
  value: string,
  scope: DivisionScope,
  divisions: DivisionTables,
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
  if (divisions[scope].has(value)) return undefined;
  if (scope === 'member' && divisions.national.has(value)) {
    return {
      message: `division ${value} is not in a member province of the alliance`,
      messageZh: `行政区划代码 ${value} 不在跨省通办联盟成员省份内`,
    };
  }
  const retired = divisions.member.retired(value);
  if (retired) {
    return {
      message: `division ${value} (${retired.name}) has been retired; use ${retired.successor.code} ${retired.successor.name}`,
      messageZh: `行政区划代码 ${value}(${retired.name})已撤销,请使用 ${retired.successor.code} ${retired.successor.name}`,
    };
  }
  return {
    message: `division ${value} does not exist or has been retired`,
    messageZh: `行政区划代码 ${value} 不存在或已撤销`,
  };
}

export function divisionCodeKeyword(divisions: DivisionTables) {
  return optionKeyword('divisionCode', DIVISION_SCOPES, (value, scope) =>
    checkDivisionCode(value, scope, divisions),
  );
}
