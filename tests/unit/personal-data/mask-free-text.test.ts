// Free text masking (gateway/personal-data/mask-free-text.ts): what looks like an ID number, a mobile number or a
// long account number inside a comment or a note is masked; other digits are left alone.
import { describe, expect, it } from 'vitest';
import { maskFreeText } from '../../../gateway/personal-data/mask-free-text.ts';

describe('maskFreeText', () => {
  it('masks an ID number, a mobile number and a bank card inside prose', () => {
    expect(
      maskFreeText('身份证510104199001011234，电话13800138000，卡号6222021234567890123。'),
    ).toBe('身份证5101**********1234，电话138****8000，卡号***************0123。');
  });

  it('masks an ID number ending in X', () => {
    expect(maskFreeText('证件 11010519491231002X 已核')).toBe('证件 1101**********002X 已核');
  });

  it('leaves dates, amounts, item codes and short numbers alone', () => {
    const text = '2026-09-10 缴税 1280.50 元，SW-005，第3次，工号 10086';
    expect(maskFreeText(text)).toBe(text);
  });
});
