// Rule 5 (gateway/README.md#routing-rules): a portal collects only for regions of its own province
// (a 四川 portal collects for 51xxxx). Under 窗口互信互认 any member window may collect for any other
// member (schemas/README.md#alliance-and-catalogue), but a window speaks for where it stands, not
// for another province's windows.
import type { DivisionTable } from '../../divisions/division-table.ts';
import { fail, pass, provinceLabel, skip, type RegionRef, type RuleResult } from './rule-result.ts';

export function checkPortalMayCollect(
  receiving: RegionRef,
  portalProvince: string | undefined,
  divisions: DivisionTable,
): RuleResult {
  if (portalProvince === undefined)
    return skip(() => 'no portal province given (operator or internal request): not checked');
  const province = receiving.code.slice(0, 2);
  const portalName = provinceLabel(portalProvince, divisions);
  if (province !== portalProvince)
    return fail(
      'GW_REGION_NOT_COLLECTABLE',
      receiving.path,
      `a portal of ${portalName} (${portalProvince}) collects only for ${portalProvince}xxxx regions, not receivingRegion ${receiving.code}`,
      `${portalName}的门户只能代收本省(${portalProvince}xxxx)的办件,不能代收收件地 ${receiving.code}`,
    );
  return pass(
    () => `the ${portalName} portal collects for its own province's region ${receiving.code}`,
  );
}
