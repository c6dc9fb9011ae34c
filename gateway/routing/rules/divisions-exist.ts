// Rule 1 (gateway/README.md#routing-rules): every region is a current division in the table —
// judged by the table, never by digit ranges, because codes change yearly
// (schemas/README.md#division-codes). The table holds only the members' divisions, so a code from a
// real non-member province (110105 北京, 440305 深圳) is refused as GW_NOT_MEMBER before it could be
// called unknown; membership is read from the whole two-digit prefix, never the first digit (广西 is
// 45, schemas/README.md#alliance-and-catalogue).
import { chinaProvinceName } from '../../divisions/china-provinces.ts';
import type { DivisionTable } from '../../divisions/division-table.ts';
import { findMember, type Alliance } from '../alliance.ts';
import {
  fail,
  named,
  pass,
  type RegionRef,
  type RuleFailure,
  type RuleResult,
} from './rule-result.ts';

function checkOne(
  ref: RegionRef,
  divisions: DivisionTable,
  alliance: Alliance,
): RuleFailure | undefined {
  const { code, path, label, labelZh } = ref;
  if (divisions.has(code)) return undefined;
  // 统计用区划代码 (12 digits) extend the 6-digit division code with town and village digits.
  if (/^[0-9]{12}$/.test(code)) {
    const head = code.slice(0, 6);
    return fail(
      'GW_DIVISION_UNKNOWN',
      path,
      `${label} ${code} is a 12-digit statistical code; its first 6 digits (${head}) are the division code`,
      `${labelZh} ${code} 是12位统计用区划代码,行政区划代码为其前6位 ${head}`,
    );
  }
  if (!/^[0-9]{6}$/.test(code))
    return fail(
      'GW_DIVISION_UNKNOWN',
      path,
      `${label} ${JSON.stringify(code)} is not a 6-digit division code`,
      `${labelZh} ${code} 不是6位行政区划代码`,
    );
  const province = code.slice(0, 2);
  const provinceName = chinaProvinceName(province);
  if (provinceName !== undefined && !findMember(alliance, province))
    return fail(
      'GW_NOT_MEMBER',
      path,
      `${label} ${code} is in ${provinceName} (${province}), which is not a member of the alliance`,
      `${labelZh} ${code} 属于${provinceName},不是跨省通办联盟成员`,
    );
  const retired = divisions.retired(code);
  if (retired) {
    const successor = `${retired.successor.code} ${retired.successor.name}`;
    return fail(
      'GW_DIVISION_UNKNOWN',
      path,
      `${label} ${code} (${retired.name}) was retired; use ${successor}`,
      `${labelZh} ${code}(${retired.name})已撤销,请使用 ${successor}`,
    );
  }
  return fail(
    'GW_DIVISION_UNKNOWN',
    path,
    `${label} ${code} is not a current division code`,
    `${labelZh} ${code} 不是现行行政区划代码`,
  );
}

export function checkDivisionsExist(
  regions: readonly RegionRef[],
  divisions: DivisionTable,
  alliance: Alliance,
): RuleResult {
  for (const ref of regions) {
    const failure = checkOne(ref, divisions, alliance);
    if (failure) return failure;
  }
  return pass(
    () =>
      `current divisions: ${regions.map((r) => `${r.label} ${named(r.code, divisions)}`).join('; ')}`,
  );
}
