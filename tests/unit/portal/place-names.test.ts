// 项目所在地 by name (portal/server/place-names.ts): a county with its province and prefecture, a
// 重庆 district without the statistical grouping 500100 市辖区, nothing for a code not held.
import { describe, expect, it } from 'vitest';
import { loadDivisionTable } from '../../../gateway/divisions/load-division-table.ts';
import { placeNames, placeText } from '../../../portal/server/place-names.ts';

const names = placeNames(loadDivisionTable());

describe('placeNames', () => {
  it('names a county by its province, prefecture and county: 530323 云南省曲靖市师宗县', () => {
    expect(names('530323')).toBe('云南省曲靖市师宗县');
    expect(placeText(names, '530323')).toBe('530323 云南省曲靖市师宗县');
  });

  it('leaves out a statistical grouping: 500101 is 重庆市万州区, never 重庆市市辖区万州区', () => {
    expect(names('500101')).toBe('重庆市万州区');
  });

  it('names a prefecture and a province by themselves', () => {
    expect(names('530300')).toBe('云南省曲靖市');
    expect(names('530000')).toBe('云南省');
  });

  it('says nothing for a code the table does not hold, or for no code', () => {
    expect(names('999999')).toBe('');
    expect(names(530323)).toBe('');
    expect(placeText(names, '999999')).toBe('999999');
    expect(placeText(names, undefined)).toBe('');
  });
});
