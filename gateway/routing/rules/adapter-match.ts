// Rule 7 (gateway/README.md#routing-rules): the adapter is the longest route-table prefix of the
// target division (`5101` → sc-chengdu before `51` → sc); the matched prefix goes into the reason
// so every match is explainable. The route table is checked at start to cover every member, so a
// miss here means config and data disagree — refused as GW_NO_ROUTE, never delivered to a guess.
import type { RouteMatch, RouteTable } from '../route-table.ts';
import { fail, pass, type RuleFailure, type RulePass } from './rule-result.ts';
import type { LiftedRegion } from './target-level.ts';

export interface MatchedRegion extends LiftedRegion {
  readonly match: RouteMatch;
}

export function checkAdapterMatch(
  lifted: readonly LiftedRegion[],
  routes: RouteTable,
): RuleFailure | (RulePass & { readonly matched: readonly MatchedRegion[] }) {
  const matched: MatchedRegion[] = [];
  for (const { ref, target } of lifted) {
    const match = routes.match(target);
    if (!match)
      return fail(
        'GW_NO_ROUTE',
        ref.path,
        `no route-table prefix matches ${target} (from ${ref.label} ${ref.code})`,
        `路由表中没有与 ${target} 匹配的前缀(${ref.labelZh} ${ref.code})`,
      );
    matched.push({ ref, target, match });
  }
  const detail = () =>
    matched.map((m) => `${m.target} matched prefix ${m.match.prefix} → ${m.match.adapter}`);
  return { ...pass(() => detail().join('; ')), matched };
}
