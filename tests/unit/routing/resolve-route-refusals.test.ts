// Every refusal of the routing rules (gateway/README.md#routing-rules) with its code, envelope
// pointer, a message that tells the portal what to fix, and a reasons list ending at the failed
// rule.
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../gateway/shared/errors.ts';
import { resolveRoute } from '../../../gateway/routing/resolve-route.ts';
import { RouteTable } from '../../../gateway/routing/route-table.ts';
import type {
  RouteRequest,
  RoutingContext,
  RuleName,
} from '../../../gateway/routing/route-decision.ts';
import {
  allianceWith,
  context,
  COUNTY_ONLINE,
  COUNTY_PROXY_ONLY,
  PREFECTURE_JOINT,
  PREFECTURE_ONLINE,
  request,
} from './routing-fixture.ts';

interface RefusalCase {
  requirement: string;
  request: RouteRequest;
  context?: RoutingContext;
  code: ErrorCode;
  path: string;
  rule: RuleName;
  detail: RegExp;
  detailZh?: RegExp;
}

const joint = (parties: { role: string; region: string }[], receivingRegion = '510104') =>
  request({
    item: PREFECTURE_JOINT,
    mode: 'joint',
    handlingRegion: undefined,
    receivingRegion,
    parties,
  });

const cases: RefusalCase[] = [
  {
    requirement: 'refuses an unknown handling region with GW_DIVISION_UNKNOWN',
    request: request({ handlingRegion: '539999' }),
    code: 'GW_DIVISION_UNKNOWN',
    path: '/handlingRegion',
    rule: 'divisions-exist',
    detail: /539999 is not a current division code/,
  },
  {
    requirement: 'refuses a retired code and names its successor (530321 马龙县 → 530304)',
    request: request({ handlingRegion: '530321' }),
    code: 'GW_DIVISION_UNKNOWN',
    path: '/handlingRegion',
    rule: 'divisions-exist',
    detail: /530321 \(马龙县\) was retired; use 530304 马龙区/,
    detailZh: /已撤销,请使用 530304/,
  },
  {
    requirement: 'refuses a retired receiving region with its successor',
    request: request({ receivingRegion: '510122' }),
    code: 'GW_DIVISION_UNKNOWN',
    path: '/receivingRegion',
    rule: 'divisions-exist',
    detail: /510122 \(双流县\) was retired; use 510116 双流区/,
  },
  {
    requirement: 'refuses a 12-digit statistical code, saying its first 6 digits are the division',
    request: request({ handlingRegion: '530323100000' }),
    code: 'GW_DIVISION_UNKNOWN',
    path: '/handlingRegion',
    rule: 'divisions-exist',
    detail: /12-digit statistical code; its first 6 digits \(530323\) are the division code/,
  },
  {
    requirement: 'refuses a region that is not six digits',
    request: request({ receivingRegion: '5101' }),
    code: 'GW_DIVISION_UNKNOWN',
    path: '/receivingRegion',
    rule: 'divisions-exist',
    detail: /not a 6-digit division code/,
  },
  {
    requirement: 'refuses a handling region outside the alliance (110105 北京) with GW_NOT_MEMBER',
    request: request({ handlingRegion: '110105' }),
    code: 'GW_NOT_MEMBER',
    path: '/handlingRegion',
    rule: 'divisions-exist',
    detail: /110105 is in 北京市 \(11\), which is not a member/,
    detailZh: /不是跨省通办联盟成员/,
  },
  {
    requirement: 'refuses a receiving region outside the alliance (440305 深圳) with GW_NOT_MEMBER',
    request: request({ receivingRegion: '440305' }),
    code: 'GW_NOT_MEMBER',
    path: '/receivingRegion',
    rule: 'divisions-exist',
    detail: /440305 is in 广东省 \(44\)/,
  },
  {
    requirement: 'refuses a joint party outside the alliance at its own pointer',
    request: joint([
      { role: 'transfer-in', region: '510104' },
      { role: 'transfer-out', region: '330106' },
    ]),
    code: 'GW_NOT_MEMBER',
    path: '/parties/1/region',
    rule: 'divisions-exist',
    detail: /330106 is in 浙江省/,
  },
  {
    requirement: 'refuses 广西 as handling province before it joined on 2022-05-25',
    request: request({ handlingRegion: '450102', date: '2022-05-01' }),
    code: 'GW_NOT_MEMBER',
    path: '/handlingRegion',
    rule: 'alliance-membership',
    detail: /广西壮族自治区, which is a member only from 2022-05-25 \(date 2022-05-01\)/,
  },
  {
    requirement: 'refuses 广西 as receiving province on the day before it joined',
    request: request({ receivingRegion: '450102', date: '2022-05-24' }),
    code: 'GW_NOT_MEMBER',
    path: '/receivingRegion',
    rule: 'alliance-membership',
    detail: /member only from 2022-05-25/,
  },
  {
    requirement: 'refuses a case dated before the five founders signed (April 2021)',
    request: request({ date: '2021-04-29' }),
    code: 'GW_NOT_MEMBER',
    path: '/receivingRegion',
    rule: 'alliance-membership',
    detail: /member only from 2021-04-30/,
  },
  {
    requirement: 'refuses a member table province that the alliance config no longer lists',
    request: request({ handlingRegion: '540102' }),
    context: allianceWith({
      members: [
        { province: '51', name: '四川省', joined: '2021-04-30' },
        { province: '53', name: '云南省', joined: '2021-04-30' },
      ],
    }),
    code: 'GW_NOT_MEMBER',
    path: '/handlingRegion',
    rule: 'alliance-membership',
    detail: /540102 is in 西藏自治区, which is not a member/,
  },
  {
    requirement: 'refuses a same-province case with GW_NOT_CROSS_PROVINCE',
    request: request({ receivingRegion: '530102', handlingRegion: '530323' }),
    code: 'GW_NOT_CROSS_PROVINCE',
    path: '/handlingRegion',
    rule: 'cross-province',
    detail: /both in 云南省; same-province cases belong to the provincial platform/,
  },
  {
    requirement: 'refuses a joint case whose receiving region and parties are all in one province',
    request: joint([
      { role: 'transfer-in', region: '510104' },
      { role: 'transfer-out', region: '510722' },
    ]),
    code: 'GW_NOT_CROSS_PROVINCE',
    path: '/parties',
    rule: 'cross-province',
    detail: /must span at least 2 provinces/,
  },
  {
    requirement: 'refuses an item with no published version',
    request: request({ item: undefined }),
    code: 'GW_ITEM_NOT_FOUND',
    path: '/itemCode',
    rule: 'item-offered',
    detail: /no published version/,
  },
  {
    requirement: "refuses an item outside the handling province's enabledProvinces",
    request: request({ item: { ...COUNTY_ONLINE, enabledProvinces: ['45', '50', '51'] } }),
    code: 'GW_ITEM_NOT_ENABLED',
    path: '/handlingRegion',
    rule: 'item-offered',
    detail: /GA-009 is not enabled in 云南省/,
  },
  {
    requirement: 'refuses an item the handling province disabled in the alliance config',
    request: request(),
    context: allianceWith({
      members: [
        { province: '51', name: '四川省', joined: '2021-04-30' },
        { province: '53', name: '云南省', joined: '2021-04-30', items: { disable: ['GA-009'] } },
      ],
    }),
    code: 'GW_ITEM_NOT_ENABLED',
    path: '/handlingRegion',
    rule: 'item-offered',
    detail: /not enabled in 云南省/,
  },
  {
    requirement: 'refuses a mode the item does not offer with GW_MODE_NOT_OFFERED',
    request: request({ item: COUNTY_PROXY_ONLY, mode: 'online' }),
    code: 'GW_MODE_NOT_OFFERED',
    path: '/mode',
    rule: 'item-offered',
    detail: /GA-001 offers proxy, not online/,
    detailZh: /不支持全程网办/,
  },
  {
    requirement: 'refuses a portal collecting for a region outside its province',
    request: request({ portalProvince: '52' }),
    code: 'GW_REGION_NOT_COLLECTABLE',
    path: '/receivingRegion',
    rule: 'portal-may-collect',
    detail: /portal of 贵州省 \(52\) collects only for 52xxxx regions, not receivingRegion 510104/,
  },
  {
    requirement: 'refuses a prefecture handling region for a county item (coarser than the level)',
    request: request({ handlingRegion: '530300' }),
    code: 'GW_REGION_TOO_COARSE',
    path: '/handlingRegion',
    rule: 'target-level',
    detail: /530300 曲靖市 is a prefecture, coarser than the item's level \(county\)/,
  },
  {
    requirement: 'refuses a province handling region for a prefecture item',
    request: request({ item: PREFECTURE_ONLINE, handlingRegion: '530000' }),
    code: 'GW_REGION_TOO_COARSE',
    path: '/handlingRegion',
    rule: 'target-level',
    detail: /530000 云南省 is a province/,
  },
  {
    requirement: 'refuses with GW_NO_ROUTE when no route-table prefix covers the target',
    request: request(),
    context: { ...context, routes: new RouteTable([{ prefix: '51', adapter: 'sc' }]) },
    code: 'GW_NO_ROUTE',
    path: '/handlingRegion',
    rule: 'adapter-match',
    detail: /no route-table prefix matches 530323/,
  },
  {
    requirement: 'refuses handlingRegion in joint mode',
    request: {
      ...joint([
        { role: 'a-in', region: '510104' },
        { role: 'b-out', region: '530323' },
      ]),
      handlingRegion: '530323',
    },
    code: 'GW_VALIDATION_FAILED',
    path: '/handlingRegion',
    rule: 'request-shape',
    detail: /joint mode names its authorities in parties/,
  },
  {
    requirement: 'refuses joint mode without parties',
    request: request({ item: PREFECTURE_JOINT, mode: 'joint', handlingRegion: undefined }),
    code: 'GW_VALIDATION_FAILED',
    path: '/parties',
    rule: 'request-shape',
    detail: /joint mode needs parties: at least 2/,
  },
  {
    requirement: 'refuses joint mode with a single party',
    request: joint([{ role: 'transfer-in', region: '530323' }]),
    code: 'GW_VALIDATION_FAILED',
    path: '/parties',
    rule: 'request-shape',
    detail: /at least 2/,
  },
  {
    requirement: 'refuses two joint parties with the same role',
    request: joint([
      { role: 'insurer', region: '530323' },
      { role: 'insurer', region: '500101' },
    ]),
    code: 'GW_VALIDATION_FAILED',
    path: '/parties/1/role',
    rule: 'request-shape',
    detail: /role of its own/,
  },
  {
    requirement: 'refuses parties outside joint mode',
    request: request({
      parties: [
        { role: 'a', region: '530323' },
        { role: 'b', region: '500101' },
      ],
    }),
    code: 'GW_VALIDATION_FAILED',
    path: '/parties',
    rule: 'request-shape',
    detail: /only for joint mode/,
  },
  {
    requirement: 'refuses online mode without a handlingRegion',
    request: request({ handlingRegion: undefined }),
    code: 'GW_VALIDATION_FAILED',
    path: '/handlingRegion',
    rule: 'request-shape',
    detail: /online mode needs a handlingRegion/,
  },
];

describe('resolveRoute refusals', () => {
  it.each(cases)('$requirement', (c) => {
    const decision = resolveRoute(c.request, c.context ?? context);
    expect(decision).toMatchObject({ decision: 'refused', code: c.code, path: c.path });
    if (decision.decision !== 'refused') return;
    expect(decision.detail).toMatch(c.detail);
    if (c.detailZh) expect(decision.detailZh).toMatch(c.detailZh);
    expect(decision.detailZh).toMatch(/[\u4e00-\u9fa5]/u);
    const last = decision.reasons.at(-1);
    expect(last).toEqual({ rule: c.rule, outcome: 'fail', detail: decision.detail });
    expect(decision.reasons.slice(0, -1).every((r) => r.outcome !== 'fail')).toBe(true);
  });

  it('never decides membership by the first digit: 广西 (45) is a member, 北京 (11) and 广东 (44) are not', () => {
    expect(resolveRoute(request({ handlingRegion: '450102' }), context)).toMatchObject({
      decision: 'routed',
      route: { adapter: 'gx' },
    });
    for (const code of ['110105', '440305'])
      expect(resolveRoute(request({ handlingRegion: code }), context)).toMatchObject({
        code: 'GW_NOT_MEMBER',
      });
  });

  it('accepts a same-province case when the alliance config sets allowSameProvince', () => {
    const allowed = allianceWith({ allowSameProvince: true });
    const decision = resolveRoute(request({ receivingRegion: '530102' }), allowed);
    expect(decision).toMatchObject({ decision: 'routed', route: { adapter: 'yn' } });
    expect(decision.reasons.find((r) => r.rule === 'cross-province')?.detail).toMatch(
      /allowSameProvince/,
    );
  });

  it('throws on a malformed date, which is the caller’s bug rather than the portal’s', () => {
    expect(() => resolveRoute(request({ date: '2026-3-2' }), context)).toThrow(TypeError);
  });
});
