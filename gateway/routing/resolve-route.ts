// Routing under mutual recognition (gateway/README.md#routing-rules): a pure function of the
// request, the date and the config — no I/O, no clock — so the submit path and GET
// /v1/routes/resolve share one truth (gateway/README.md#routing-is-a-pure-function). Rules run in
// the documented order and the first failure stops the run; the reasons list records every rule
// applied, so a refusal or a route always explains itself.
import { checkAdapterMatch } from './rules/adapter-match.ts';
import { checkAllianceMembership } from './rules/alliance-membership.ts';
import { checkCrossProvince } from './rules/cross-province.ts';
import { checkDivisionsExist } from './rules/divisions-exist.ts';
import { checkItemOffered } from './rules/item-offered.ts';
import { checkPortalMayCollect } from './rules/portal-may-collect.ts';
import { checkRequestShape } from './rules/request-shape.ts';
import type { RuleFailure, RuleResult } from './rules/rule-result.ts';
import { checkTargetLevel } from './rules/target-level.ts';
import type {
  Reason,
  RefusedDecision,
  RouteDecision,
  RouteRequest,
  RoutingContext,
  RuleName,
} from './route-decision.ts';

const ISO_DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

export interface ResolveOptions {
  /**
   * Whether the decision lists its reasons (default: yes). A submission does not: it answers with
   * the route or the failed rule alone, so each passed rule's detail is never spelt out.
   */
  readonly reasons?: boolean;
}

export function resolveRoute(
  request: RouteRequest,
  context: RoutingContext,
  options: ResolveOptions = {},
): RouteDecision {
  // The caller supplies the date (the server's date in China Standard Time); a malformed one is
  // a programming error, not a portal's mistake, so it throws instead of refusing.
  if (!ISO_DATE.test(request.date)) throw new TypeError(`date must be YYYY-MM-DD: ${request.date}`);
  const { divisions, alliance, routes } = context;
  const reasons: Reason[] = [];
  const explain = options.reasons ?? true;
  const record = <T extends RuleResult>(rule: RuleName, result: T): T => {
    if (explain) {
      const detail = result.outcome === 'fail' ? result.detail : result.detail();
      reasons.push({ rule, outcome: result.outcome, detail });
    }
    return result;
  };
  const refuse = (failure: RuleFailure): RefusedDecision => ({
    decision: 'refused',
    code: failure.code,
    detail: failure.detail,
    detailZh: failure.detailZh,
    path: failure.path,
    reasons,
  });

  const shape = record('request-shape', checkRequestShape(request));
  if (shape.outcome === 'fail') return refuse(shape);
  const { receiving, handling } = shape;
  const regions = [receiving, ...handling];
  const joint = request.mode === 'joint';

  const exist = record('divisions-exist', checkDivisionsExist(regions, divisions, alliance));
  if (exist.outcome === 'fail') return refuse(exist);

  const members = record(
    'alliance-membership',
    checkAllianceMembership(regions, request.date, alliance, divisions),
  );
  if (members.outcome === 'fail') return refuse(members);

  const cross = record(
    'cross-province',
    checkCrossProvince(receiving, handling, joint, alliance, divisions),
  );
  if (cross.outcome === 'fail') return refuse(cross);

  const offered = record(
    'item-offered',
    checkItemOffered(request.item, request.mode, handling, alliance, divisions),
  );
  if (offered.outcome === 'fail') return refuse(offered);
  const { level } = offered.item;

  const portal = record(
    'portal-may-collect',
    checkPortalMayCollect(receiving, request.portalProvince, divisions),
  );
  if (portal.outcome === 'fail') return refuse(portal);

  const target = record('target-level', checkTargetLevel(handling, level, divisions));
  if (target.outcome === 'fail') return refuse(target);

  const adapter = record('adapter-match', checkAdapterMatch(target.lifted, routes));
  if (adapter.outcome === 'fail') return refuse(adapter);

  const routed = adapter.matched.map(({ ref, target: targetRegion, match }) => ({
    role: ref.role,
    region: ref.code,
    route: { adapter: match.adapter, targetRegion, level },
  }));
  const [single] = routed;
  if (!joint && single) return { decision: 'routed', route: single.route, reasons };
  // gateway/README.md#routing-rules: a joint case has one child per party, each routed by the same
  // rules; the shape rule guaranteed every party a role.
  const children = routed.map(({ role, region, route }) => ({ role: role ?? '', region, route }));
  return { decision: 'routed', children, reasons };
}
