// Route table (gateway/README.md#routing-rules, rule 7): longest-prefix match with the matched
// prefix, and start-up validation against the alliance and the division table with every problem
// listed.
import { describe, expect, it } from 'vitest';
import { parseRouteTable } from '../../../gateway/routing/route-table.ts';
import { RoutingConfigError } from '../../../gateway/routing/routing-config-error.ts';
import { alliance, divisions, routes } from './routing-fixture.ts';

const SEVEN = [
  { prefix: '45', adapter: 'gx' },
  { prefix: '50', adapter: 'cq' },
  { prefix: '51', adapter: 'sc' },
  { prefix: '5101', adapter: 'sc-chengdu' },
  { prefix: '52', adapter: 'gz' },
  { prefix: '53', adapter: 'yn' },
  { prefix: '54', adapter: 'xz' },
];

function problemsOf(data: unknown): readonly string[] {
  try {
    parseRouteTable(data, { alliance, divisions });
  } catch (error) {
    if (error instanceof RoutingConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the route table to be refused');
}

describe('route table', () => {
  it("loads config/routes.json with every member province's route and 成都's own platform", () => {
    // Contains rather than equals: an adapter added later adds its route (the registry test
    // checks routes.json names exactly the registered adapters).
    expect(routes.entries.map((e) => ({ prefix: e.prefix, adapter: e.adapter }))).toEqual(
      expect.arrayContaining(SEVEN),
    );
  });

  it('matches the longest prefix and returns it for explanation', () => {
    expect(routes.match('510104')).toEqual({ adapter: 'sc-chengdu', prefix: '5101' });
    expect(routes.match('510100')).toEqual({ adapter: 'sc-chengdu', prefix: '5101' });
    expect(routes.match('510722')).toEqual({ adapter: 'sc', prefix: '51' });
    expect(routes.match('450102')).toEqual({ adapter: 'gx', prefix: '45' });
    expect(routes.match('110105')).toBeUndefined();
  });

  it('prefers a 6-digit county route over its prefecture and province', () => {
    const table = parseRouteTable(
      { routes: [...SEVEN, { prefix: '510104', adapter: 'jinjiang' }] },
      { alliance, divisions },
    );
    expect(table.match('510104')).toEqual({ adapter: 'jinjiang', prefix: '510104' });
    expect(table.match('510105')).toEqual({ adapter: 'sc-chengdu', prefix: '5101' });
  });

  it('refuses a prefix listed twice', () => {
    expect(problemsOf({ routes: [...SEVEN, { prefix: '53', adapter: 'yn2' }] })).toEqual([
      '/routes/7/prefix 53 is listed twice',
    ]);
  });

  it('refuses a route table that leaves a member province without a route', () => {
    expect(problemsOf({ routes: SEVEN.filter((r) => r.prefix !== '54') })).toEqual([
      'member province 54 (西藏自治区) has no route',
    ]);
  });

  it('refuses a 4-digit route alone for a province: every member needs its 2-digit route', () => {
    expect(problemsOf({ routes: SEVEN.filter((r) => r.prefix !== '51') })).toEqual([
      'member province 51 (四川省) has no route',
    ]);
  });

  it('refuses prefixes that are not 2, 4 or 6 digits, with every problem listed', () => {
    const problems = problemsOf({
      routes: [...SEVEN, { prefix: '510', adapter: 'sc' }, { prefix: '51010', adapter: 'Bad_Id' }],
    });
    expect(problems).toEqual([
      '/routes/7/prefix must match pattern "^([0-9]{2}|[0-9]{4}|[0-9]{6})$"',
      '/routes/8/prefix must match pattern "^([0-9]{2}|[0-9]{4}|[0-9]{6})$"',
      '/routes/8/adapter must match pattern "^[a-z][a-z0-9-]{0,31}$"',
    ]);
  });

  it('refuses prefixes outside the alliance or naming no division', () => {
    expect(
      problemsOf({
        routes: [...SEVEN, { prefix: '44', adapter: 'gd' }, { prefix: '5199', adapter: 'sc' }],
      }),
    ).toEqual([
      "/routes/7/prefix 44 is outside the alliance's provinces",
      '/routes/8/prefix 5199 names no division in the division table',
    ]);
  });

  it('refuses a file without a routes list', () => {
    expect(problemsOf({ route: SEVEN })).toEqual([
      "/ must have required property 'routes'",
      '/ must NOT have additional properties (route)',
    ]);
  });
});
