// Alliance config (schemas/README.md#alliance-and-catalogue): members with join dates, per-province
// item overrides, and refusal of bad config with every problem listed at once.
import { describe, expect, it } from 'vitest';
import {
  isItemEnabled,
  loadAlliance,
  membershipOn,
  parseAlliance,
} from '../../../gateway/routing/alliance.ts';
import { RoutingConfigError } from '../../../gateway/routing/routing-config-error.ts';
import { COUNTY_ONLINE } from './routing-fixture.ts';

const alliance = loadAlliance();

function problemsOf(data: unknown): readonly string[] {
  try {
    parseAlliance(data);
  } catch (error) {
    if (error instanceof RoutingConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

const member = (province: string, joined = '2021-04-30', extra: object = {}) => ({
  province,
  name: `province ${province}`,
  joined,
  ...extra,
});

describe('alliance config', () => {
  it('lists the six members with 广西 from 2022-05-25 and the five founders from April 2021', () => {
    expect(alliance.members.map((m) => [m.province, m.joined])).toEqual([
      ['45', '2022-05-25'],
      ['50', '2021-04-30'],
      ['51', '2021-04-30'],
      ['52', '2021-04-30'],
      ['53', '2021-04-30'],
      ['54', '2021-04-30'],
    ]);
    expect(alliance.allowSameProvince).toBe(false);
    expect(Object.isFrozen(alliance) && Object.isFrozen(alliance.members)).toBe(true);
  });

  it('counts a member from its join date on, and a non-member never', () => {
    expect(membershipOn(alliance, '45', '2022-05-24')).toEqual({
      member: false,
      reason: 'not-yet',
      joined: '2022-05-25',
    });
    expect(membershipOn(alliance, '45', '2022-05-25')).toEqual({
      member: true,
      joined: '2022-05-25',
    });
    expect(membershipOn(alliance, '44', '2026-01-01')).toEqual({
      member: false,
      reason: 'not-member',
    });
  });

  it("enables an item where the catalogue says, unless the member's own lists override it", () => {
    const parsed = parseAlliance({
      members: [
        member('51', '2021-04-30', { items: { disable: ['GA-009'] } }),
        member('53', '2021-04-30', { items: { enable: ['GA-009'] } }),
        member('52'),
      ],
    });
    const item = { ...COUNTY_ONLINE, enabledProvinces: ['51', '52'] };
    expect(isItemEnabled(parsed, item, '51')).toBe(false);
    expect(isItemEnabled(parsed, item, '52')).toBe(true);
    expect(isItemEnabled(parsed, item, '53')).toBe(true);
    expect(isItemEnabled(parsed, { ...item, enabledProvinces: ['54'] }, '54')).toBe(false);
  });

  it('defaults allowSameProvince to false and accepts it when set', () => {
    expect(parseAlliance({ members: [member('51')] }).allowSameProvince).toBe(false);
    expect(
      parseAlliance({ members: [member('51')], allowSameProvince: true }).allowSameProvince,
    ).toBe(true);
  });

  it('refuses malformed config with every schema problem listed', () => {
    const problems = problemsOf({
      allowSameProvince: 'no',
      members: [
        { province: '5', name: '四川省', joined: '2021-04-30' },
        { province: '53', name: '云南省', joined: '2022-02-30' },
        { province: '54', name: '西藏自治区' },
        member('45', '2022-05-25', { items: { enable: ['gx1'] }, since: 'x' }),
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '/allowSameProvince must be boolean',
        '/members/0/province must match pattern "^[0-9]{2}$"',
        '/members/1/joined must match format "date"',
        "/members/2 must have required property 'joined'",
        '/members/3 must NOT have additional properties (since)',
        '/members/3/items/enable/0 must match pattern "^[A-Z]{2}-[0-9]{3}$"',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses a province listed twice, a code that is no Chinese province, and a contradictory item', () => {
    expect(
      problemsOf({
        members: [
          member('51'),
          member('51'),
          member('99'),
          member('53', '2021-04-30', { items: { enable: ['GA-009'], disable: ['GA-009'] } }),
        ],
      }),
    ).toEqual([
      '/members/1/province 51 is listed twice',
      '/members/2/province 99 is not a Chinese province code',
      '/members/3/items: GA-009 is both enabled and disabled',
    ]);
  });

  it('refuses config without members and names the source in the error', () => {
    expect(() => parseAlliance({ members: [] }, 'config/alliance.json')).toThrow(
      /config\/alliance\.json refused \(1 problems\):\n- \/members must NOT have fewer than 1 items/,
    );
  });
});
