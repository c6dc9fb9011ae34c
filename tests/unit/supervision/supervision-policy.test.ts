// The per-province 督办 and 好差评 deadlines (gateway/supervision/supervision-policy.ts): the shipped
// file is valid with the national defaults; overrides apply to their province only; a bad file is
// refused with every problem listed; a province outside the alliance is refused.
import { describe, expect, it } from 'vitest';
import {
  createSupervisionPolicy,
  loadSupervisionPolicy,
  SupervisionPolicyError,
} from '../../../gateway/supervision/supervision-policy.ts';

const MEMBERS = ['45', '50', '51', '52', '53', '54'];
const DEFAULTS = {
  warningDaysLeft: 1,
  warningRatio: 0.8,
  escalateAfterDays: 5,
  evaluationWindowDays: 7,
  reRatingWindowDays: 7,
  visitDays: 1,
  rectifyDays: 15,
};

describe('the supervision policy', () => {
  it('ships config/supervision.json with the national defaults for every province', () => {
    const policy = loadSupervisionPolicy(MEMBERS);
    expect(policy.defaults).toEqual(DEFAULTS);
    for (const province of MEMBERS) expect(policy.forProvince(province)).toEqual(DEFAULTS);
  });

  it("applies a province's overrides on top of the defaults, to that province only", () => {
    const policy = createSupervisionPolicy(
      { defaults: DEFAULTS, provinces: { '53': { rectifyDays: 7 } } },
      MEMBERS,
    );
    expect(policy.forProvince('53')).toEqual({ ...DEFAULTS, rectifyDays: 7 });
    expect(policy.forProvince('51')).toEqual(DEFAULTS);
    expect(policy.forProvince(undefined)).toEqual(DEFAULTS);
  });

  it('takes the national 7 days for reRatingWindowDays when a file written before the setting leaves it out, for every province', () => {
    const { reRatingWindowDays: _left, ...before } = DEFAULTS;
    const policy = createSupervisionPolicy(
      { defaults: before, provinces: { '53': { rectifyDays: 7 } } },
      MEMBERS,
    );
    expect(policy.defaults).toEqual(DEFAULTS);
    expect(policy.forProvince('53')).toEqual({ ...DEFAULTS, rectifyDays: 7 });
  });

  it('refuses a bad file naming every problem', () => {
    const bad = {
      defaults: { ...DEFAULTS, warningRatio: 1.5, rectifyDays: 0 },
      provinces: { '53': { colour: 'red' }, x1: {} },
    };
    let error: unknown;
    try {
      createSupervisionPolicy(bad, MEMBERS, 'test.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SupervisionPolicyError);
    const text = (error as Error).message;
    expect(text).toContain('/defaults/warningRatio');
    expect(text).toContain('/defaults/rectifyDays');
    expect(text).toContain('/provinces/53');
    expect(text).toMatch(/x1|property name/);
  });

  it('refuses an override for a province outside the alliance', () => {
    expect(() =>
      createSupervisionPolicy(
        { defaults: DEFAULTS, provinces: { '44': { visitDays: 2 } } },
        MEMBERS,
      ),
    ).toThrow(/44 are not alliance members/);
  });
});
