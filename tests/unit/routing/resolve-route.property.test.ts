// Properties of resolveRoute over the real tables and catalogue (gateway/README.md#routing-rules): the adapter is the
// longest matching route prefix, the target is the handling region lifted to the item's level,
// and every decision — routed or refused, for any input — carries a non-empty reasons list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODES, type CatalogueItem } from '../../../gateway/catalogue/catalogue-item.ts';
import type { Division } from '../../../gateway/divisions/division-table.ts';
import { ERROR_CATALOGUE } from '../../../gateway/shared/errors.ts';
import { resolveRoute } from '../../../gateway/routing/resolve-route.ts';
import type { RouteDecision, RuleName } from '../../../gateway/routing/route-decision.ts';
import { catalogue, context, divisions, routes } from './routing-fixture.ts';

const RULE_ORDER: RuleName[] = [
  'request-shape',
  'divisions-exist',
  'alliance-membership',
  'cross-province',
  'item-offered',
  'portal-may-collect',
  'target-level',
  'adapter-match',
];
const DEPTH = { province: 0, prefecture: 1, county: 2 } as const;

const counties = divisions.list('county');
const handlingDivisions = [...counties, ...divisions.list('prefecture')];
const singleItems = catalogue.filter((i) => i.modes.some((m) => m !== 'joint'));
const jointItems = catalogue.filter((i) => i.modes.includes('joint'));

// The municipality among the members: it has no real prefecture, so its prefecture level is the
// municipality itself (500000), never the statistical groupings 500100 / 500200.
const MUNICIPALITIES = ['50'];

// Independent oracles, by the code layout and a scan of the route entries.
function expectedTarget(division: Division, item: CatalogueItem): string | undefined {
  if (DEPTH[item.level] > DEPTH[division.level]) return undefined;
  if (item.level === 'province') return `${division.province}0000`;
  if (item.level === 'prefecture')
    return MUNICIPALITIES.includes(division.province)
      ? `${division.province}0000`
      : `${division.code.slice(0, 4)}00`;
  return division.code;
}
function longestPrefixAdapter(code: string): string | undefined {
  const candidates = routes.entries.filter((e) => code.startsWith(e.prefix));
  return candidates.sort((a, b) => b.prefix.length - a.prefix.length)[0]?.adapter;
}

const date = fc
  .date({
    min: new Date('2022-05-25T00:00:00Z'),
    max: new Date('2030-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

describe('resolveRoute properties', () => {
  it('routes online/proxy cases to the longest matching prefix of the handling region lifted to the item level', () => {
    const arbitrary = fc
      .record({
        handling: fc.constantFrom(...handlingDivisions),
        receiving: fc.constantFrom(...counties),
        item: fc.constantFrom(...singleItems),
        pick: fc.nat(),
        date,
      })
      .filter(({ handling, receiving }) => handling.province !== receiving.province);
    fc.assert(
      fc.property(arbitrary, ({ handling, receiving, item, pick, date }) => {
        const modes = item.modes.filter((m) => m !== 'joint');
        const mode = modes[pick % modes.length] ?? 'online';
        const decision = resolveRoute(
          { item, mode, receivingRegion: receiving.code, handlingRegion: handling.code, date },
          context,
        );
        const target = expectedTarget(handling, item);
        if (target === undefined) {
          expect(decision).toMatchObject({ decision: 'refused', code: 'GW_REGION_TOO_COARSE' });
          return;
        }
        expect(decision).toMatchObject({
          decision: 'routed',
          route: { targetRegion: target, level: item.level, adapter: longestPrefixAdapter(target) },
        });
        // A municipality's districts have the municipality itself as their prefecture level.
        const municipal = item.level === 'prefecture' && MUNICIPALITIES.includes(handling.province);
        expect(divisions.get(target)?.level).toBe(municipal ? 'province' : item.level);
        expect(decision.reasons.map((r) => r.rule)).toEqual(RULE_ORDER);
      }),
      { numRuns: 500 },
    );
  });

  it('routes joint cases spanning two provinces as one child per party, each by the same rules', () => {
    const arbitrary = fc
      .record({
        receiving: fc.constantFrom(...counties),
        regions: fc.array(fc.constantFrom(...counties), { minLength: 2, maxLength: 6 }),
        item: fc.constantFrom(...jointItems),
        date,
      })
      .filter(({ receiving, regions }) => regions.some((r) => r.province !== receiving.province));
    fc.assert(
      fc.property(arbitrary, ({ receiving, regions, item, date }) => {
        const parties = regions.map((r, i) => ({ role: `party-${i}`, region: r.code }));
        const decision = resolveRoute(
          { item, mode: 'joint', receivingRegion: receiving.code, parties, date },
          context,
        );
        if (!('children' in decision)) throw new Error(`refused: ${JSON.stringify(decision)}`);
        expect(decision.children).toHaveLength(parties.length);
        decision.children.forEach((child, i) => {
          const region = regions[i];
          if (!region) throw new Error('no region');
          const target = expectedTarget(region, item) ?? '';
          expect(child).toEqual({
            role: `party-${i}`,
            region: region.code,
            route: {
              adapter: longestPrefixAdapter(target),
              targetRegion: target,
              level: item.level,
            },
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('explains every decision for any input: reasons never empty, in rule order, ending at the only failure; without reasons asked for, the same decision', () => {
    const code = fc.oneof(
      fc.constantFrom(...handlingDivisions.map((d) => d.code)),
      fc.constantFrom('110105', '440305', '530321', '530000', '500100', '530323100000', ''),
      fc.stringMatching(/^[0-9]{6}$/),
      fc.string({ maxLength: 14 }),
    );
    const arbitrary = fc.record(
      {
        item: fc.option(fc.constantFrom(...catalogue), { nil: undefined }),
        mode: fc.constantFrom(...MODES),
        receivingRegion: code,
        handlingRegion: fc.option(code, { nil: undefined }),
        parties: fc.option(
          fc.array(fc.record({ role: fc.constantFrom('a', 'b', 'c', ''), region: code }), {
            maxLength: 4,
          }),
          { nil: undefined },
        ),
        portalProvince: fc.option(fc.constantFrom('45', '50', '51', '52', '53', '54', '11'), {
          nil: undefined,
        }),
        date: fc
          .date({
            min: new Date('2019-01-01T00:00:00Z'),
            max: new Date('2030-12-31T00:00:00Z'),
            noInvalidDate: true,
          })
          .map((d) => d.toISOString().slice(0, 10)),
      },
      { requiredKeys: ['item', 'mode', 'receivingRegion', 'date'] },
    );
    fc.assert(
      fc.property(arbitrary, (request) => {
        const decision: RouteDecision = resolveRoute(request, context);
        // A submission asks for no reasons: the same decision, with none listed.
        expect(resolveRoute(request, context, { reasons: false })).toEqual({
          ...decision,
          reasons: [],
        });
        expect(decision.reasons.length).toBeGreaterThan(0);
        const rules = decision.reasons.map((r) => r.rule);
        expect(rules).toEqual(RULE_ORDER.slice(0, rules.length));
        const failures = decision.reasons.filter((r) => r.outcome === 'fail');
        if (decision.decision === 'refused') {
          expect(failures).toEqual([decision.reasons.at(-1)]);
          expect(ERROR_CATALOGUE[decision.code].status).toBe(
            decision.code === 'GW_ITEM_NOT_FOUND' ? 404 : 422,
          );
          expect(decision.path).toMatch(/^\/[A-Za-z]+(\/[0-9]+\/(region|role))?$/);
        } else {
          expect(failures).toEqual([]);
          expect(rules).toEqual(RULE_ORDER);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
