// Rule 3 (gateway/README.md#routing-rules): a case must cross a provincial border; same-province
// cases belong to the provincial platform (GW_NOT_CROSS_PROVINCE) unless the alliance config allows
// them. For joint cases the receiving region and the parties together must span ≥ 2 provinces, so
// one party may sit in the receiving province (e.g. the new insurer where the applicant now lives).
import type { DivisionTable } from '../../divisions/division-table.ts';
import type { Alliance } from '../alliance.ts';
import { fail, pass, provinceLabel, type RegionRef, type RuleResult } from './rule-result.ts';

export function checkCrossProvince(
  receiving: RegionRef,
  handling: readonly RegionRef[],
  joint: boolean,
  alliance: Alliance,
  divisions: DivisionTable,
): RuleResult {
  const province = receiving.code.slice(0, 2);
  const crosses = handling.some((r) => r.code.slice(0, 2) !== province);
  const provinceNames = () => {
    const provinces = new Set([receiving, ...handling].map((r) => r.code.slice(0, 2)));
    return [...provinces].map((p) => provinceLabel(p, divisions)).join(', ');
  };
  if (crosses) return pass(() => `crosses provinces: ${provinceNames()}`);
  if (alliance.allowSameProvince)
    return pass(
      () =>
        `same province (${provinceNames()}), allowed by the alliance config (allowSameProvince)`,
    );
  const names = provinceNames();
  if (joint)
    return fail(
      'GW_NOT_CROSS_PROVINCE',
      '/parties',
      `the receiving region and every party are in ${names}; a joint case must span at least 2 provinces`,
      `收件地和所有联办方都在${names},跨省联办须涉及至少2个省份,省内事项请通过本省平台办理`,
    );
  const [only] = handling;
  return fail(
    'GW_NOT_CROSS_PROVINCE',
    only?.path ?? '/handlingRegion',
    `receivingRegion ${receiving.code} and handlingRegion ${only?.code ?? ''} are both in ${names}; same-province cases belong to the provincial platform`,
    `收件地 ${receiving.code} 与办理地 ${only?.code ?? ''} 同在${names},省内事项请通过本省平台办理`,
  );
}
