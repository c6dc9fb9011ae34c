// Rule 2 (gateway/README.md#routing-rules): the receiving province and every handling province are
// alliance members on the submission date; membership has a start date per member
// (schemas/README.md#alliance-and-catalogue), so 广西 cases dated before 2022-05-25 are refused.
import type { DivisionTable } from '../../divisions/division-table.ts';
import { membershipOn, type Alliance } from '../alliance.ts';
import { fail, pass, provinceLabel, type RegionRef, type RuleResult } from './rule-result.ts';

export function checkAllianceMembership(
  regions: readonly RegionRef[],
  date: string,
  alliance: Alliance,
  divisions: DivisionTable,
): RuleResult {
  for (const { code, path, label, labelZh } of regions) {
    const province = code.slice(0, 2);
    const membership = membershipOn(alliance, province, date);
    if (membership.member) continue;
    const name = provinceLabel(province, divisions);
    if (membership.reason === 'not-yet')
      return fail(
        'GW_NOT_MEMBER',
        path,
        `${label} ${code} is in ${name}, which is a member only from ${membership.joined} (date ${date})`,
        `${labelZh} ${code} 所在的${name}自 ${membership.joined} 起才是跨省通办联盟成员(办理日期 ${date})`,
      );
    return fail(
      'GW_NOT_MEMBER',
      path,
      `${label} ${code} is in ${name}, which is not a member of the alliance`,
      `${labelZh} ${code} 所在的${name}不是跨省通办联盟成员`,
    );
  }
  return pass(() => {
    const members = new Map<string, string>();
    for (const { code } of regions) {
      const province = code.slice(0, 2);
      const membership = membershipOn(alliance, province, date);
      const joined = membership.member ? membership.joined : '';
      members.set(
        province,
        `${provinceLabel(province, divisions)} (${province}, member since ${joined})`,
      );
    }
    return `members on ${date}: ${[...members.values()].join(', ')}`;
  });
}
