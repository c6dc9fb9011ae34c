// Routes to each of the seven adapters (adapters/README.md#dialects), the target region per item
// level (rule 6), joint cases as one child per party, and the full reasons list of a routed
// decision.
import { describe, expect, it } from 'vitest';
import { resolveRoute } from '../../../gateway/routing/resolve-route.ts';
import type { RuleName } from '../../../gateway/routing/route-decision.ts';
import {
  context,
  COUNTY_JOINT,
  COUNTY_ONLINE,
  COUNTY_PROXY_ONLY,
  PREFECTURE_JOINT,
  PREFECTURE_ONLINE,
  PROVINCE_ONLINE,
  request,
} from './routing-fixture.ts';

const ALL_RULES: RuleName[] = [
  'request-shape',
  'divisions-exist',
  'alliance-membership',
  'cross-province',
  'item-offered',
  'portal-may-collect',
  'target-level',
  'adapter-match',
];

describe('resolveRoute routes', () => {
  it('uses catalogue items whose level and modes the cases below rely on', () => {
    expect([COUNTY_ONLINE.level, COUNTY_ONLINE.modes]).toEqual(['county', ['online', 'proxy']]);
    expect([COUNTY_PROXY_ONLY.level, COUNTY_PROXY_ONLY.modes]).toEqual(['county', ['proxy']]);
    expect([PREFECTURE_ONLINE.level, PROVINCE_ONLINE.level]).toEqual(['prefecture', 'province']);
    expect([PREFECTURE_JOINT.level, PREFECTURE_JOINT.modes]).toEqual(['prefecture', ['joint']]);
    expect([COUNTY_JOINT.level, COUNTY_JOINT.modes]).toEqual(['county', ['joint']]);
  });

  it.each([
    { handling: '450102', receiving: '510722', adapter: 'gx', platform: '广西 兴宁区' },
    { handling: '500101', receiving: '510722', adapter: 'cq', platform: '重庆 万州区' },
    { handling: '510722', receiving: '530102', adapter: 'sc', platform: '四川 三台县' },
    { handling: '510104', receiving: '530102', adapter: 'sc-chengdu', platform: '成都 锦江区' },
    { handling: '520102', receiving: '510722', adapter: 'gz', platform: '贵州 南明区' },
    { handling: '530323', receiving: '510104', adapter: 'yn', platform: '云南 师宗县' },
    { handling: '540102', receiving: '510104', adapter: 'xz', platform: '西藏 城关区' },
  ])('routes a county case in $platform ($handling) to adapter $adapter', (c) => {
    const decision = resolveRoute(
      request({ receivingRegion: c.receiving, handlingRegion: c.handling }),
      context,
    );
    expect(decision).toMatchObject({
      decision: 'routed',
      route: { adapter: c.adapter, targetRegion: c.handling, level: 'county' },
    });
  });

  it.each([
    { item: COUNTY_ONLINE, targetRegion: '530323', level: 'county' },
    { item: PREFECTURE_ONLINE, targetRegion: '530300', level: 'prefecture' },
    { item: PROVINCE_ONLINE, targetRegion: '530000', level: 'province' },
  ])('lifts 530323 师宗县 to $targetRegion for a $level item', ({ item, targetRegion, level }) => {
    expect(resolveRoute(request({ item }), context)).toMatchObject({
      decision: 'routed',
      route: { adapter: 'yn', targetRegion, level },
    });
  });

  it('sends a 成都 case for a province-level item to 四川 天府通办, since 510000 has no 5101 prefix', () => {
    const decision = resolveRoute(
      request({ item: PROVINCE_ONLINE, receivingRegion: '530102', handlingRegion: '510104' }),
      context,
    );
    expect(decision).toMatchObject({ route: { adapter: 'sc', targetRegion: '510000' } });
  });

  it.each([
    ['500101', '万州区, under the statistical grouping 500100 市辖区'],
    ['500243', '彭水县, under the statistical grouping 500200 县'],
    ['500100', 'the grouping 市辖区 itself'],
    ['500200', 'the grouping 县 itself'],
  ])(
    'lifts 重庆 %s (%s) to the municipality 500000 for a prefecture-level item, never to 500100/500200',
    (handlingRegion) => {
      const decision = resolveRoute(request({ item: PREFECTURE_ONLINE, handlingRegion }), context);
      expect(decision).toMatchObject({
        decision: 'routed',
        route: { adapter: 'cq', targetRegion: '500000', level: 'prefecture' },
      });
      const reason = decision.reasons.find((r) => r.rule === 'target-level');
      expect(reason?.detail).toContain(`${handlingRegion} → 500000 重庆市`);
    },
  );

  it('keeps a 重庆 district at county level for a county-level item', () => {
    expect(
      resolveRoute(request({ item: COUNTY_ONLINE, handlingRegion: '500101' }), context),
    ).toMatchObject({ route: { adapter: 'cq', targetRegion: '500101', level: 'county' } });
  });

  it('routes a proxy case collected by a 四川 portal for 510104 to 云南', () => {
    const decision = resolveRoute(
      request({ item: COUNTY_PROXY_ONLY, mode: 'proxy', portalProvince: '51' }),
      context,
    );
    expect(decision).toMatchObject({ decision: 'routed', route: { adapter: 'yn' } });
    expect(decision.reasons.find((r) => r.rule === 'portal-may-collect')?.outcome).toBe('pass');
  });

  it('routes 广西 from its join date 2022-05-25 on', () => {
    const decision = resolveRoute(
      request({ handlingRegion: '450102', date: '2022-05-25' }),
      context,
    );
    expect(decision).toMatchObject({ decision: 'routed', route: { adapter: 'gx' } });
  });

  it('lists every rule in order for a routed case, skipping the portal rule for operators', () => {
    const decision = resolveRoute(request(), context);
    expect(decision.reasons.map((r) => r.rule)).toEqual(ALL_RULES);
    expect(decision.reasons.find((r) => r.rule === 'portal-may-collect')?.outcome).toBe('skip');
    expect(decision.reasons.find((r) => r.rule === 'adapter-match')?.detail).toBe(
      '530323 matched prefix 53 → yn',
    );
  });

  it('routes a joint case across two provinces as two children, one per party', () => {
    const decision = resolveRoute(
      request({
        item: PREFECTURE_JOINT,
        mode: 'joint',
        handlingRegion: undefined,
        receivingRegion: '510104',
        parties: [
          { role: 'transfer-in', region: '510104' },
          { role: 'transfer-out', region: '530323' },
        ],
      }),
      context,
    );
    expect(decision).toEqual({
      decision: 'routed',
      children: [
        {
          role: 'transfer-in',
          region: '510104',
          route: { adapter: 'sc-chengdu', targetRegion: '510100', level: 'prefecture' },
        },
        {
          role: 'transfer-out',
          region: '530323',
          route: { adapter: 'yn', targetRegion: '530300', level: 'prefecture' },
        },
      ],
      reasons: expect.any(Array) as unknown,
    });
    expect(decision.reasons.map((r) => r.rule)).toEqual(ALL_RULES);
  });

  it('routes a joint case whose parties are both outside the receiving province', () => {
    const decision = resolveRoute(
      request({
        item: COUNTY_JOINT,
        mode: 'joint',
        handlingRegion: undefined,
        receivingRegion: '520102',
        parties: [
          { role: 'new-insurer', region: '450102' },
          { role: 'old-insurer', region: '540102' },
          { role: 'registry', region: '500243' },
        ],
      }),
      context,
    );
    expect(decision.decision).toBe('routed');
    if (!('children' in decision)) throw new Error('expected children');
    expect(decision.children.map((c) => [c.role, c.route.adapter, c.route.targetRegion])).toEqual([
      ['new-insurer', 'gx', '450102'],
      ['old-insurer', 'xz', '540102'],
      ['registry', 'cq', '500243'],
    ]);
  });
});
