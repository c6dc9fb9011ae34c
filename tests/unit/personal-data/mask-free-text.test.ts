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

  // As people type them: grouped by spaces or hyphens, or in a Chinese input method's full-width
  // digits. Each of these was shown in clear before.
  it.each([
    ['电话 138 0013 8000 联系', '电话 138 **** 8000 联系'],
    ['电话138-0013-8000', '电话138-****-8000'],
    ['手机 +86 139 1111 2222', '手机 +86 139 **** 2222'],
    ['电话１３８００１３８０００', '电话１３８****８０００'],
    ['身份证 510104 19900101 1234', '身份证 5101** ******** 1234'],
    ['证件 110105-19491231-002X', '证件 1101**-********-002X'],
    ['身份证５１０１０４１９９００１０１１２３４', '身份证５１０１**********１２３４'],
    ['卡号 6222 0212 3456 7890 123', '卡号 **** **** **** ***0 123'],
    ['账号6222-0212-3456-7890', '账号****-****-****-7890'],
  ])('masks %s', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
    expect([...maskFreeText(text)].length).toBe([...text].length);
  });

  it('leaves dates, times, amounts and short numbers alone in whatever digits', () => {
    const text = '2026-09-10 10:30 缴税 46,800.00 元，第 12 次，工号 10086，２０２６年９月';
    expect(maskFreeText(text)).toBe(text);
  });

  it('masks a mobile number glued to letters, and keeps a letter X after a number that is no ID', () => {
    expect(maskFreeText('tel13800138000ext')).toBe('tel138****8000ext');
    expect(maskFreeText('13800138000x2')).toBe('138****8000x2');
  });
});
