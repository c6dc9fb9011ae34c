// The identifier checks against the vectors of schemas/README.md#identifier-keywords: real codes
// pass, and every kind of damage fails with an English and a Chinese message a portal can show
// as-is.
import { describe, expect, it } from 'vitest';
import { checkCreditCode } from '../../../gateway/catalogue/keywords/credit-code.ts';
import { checkDivisionCode } from '../../../gateway/catalogue/keywords/division-code.ts';
import { checkIdNumber, idNumberCheckChar } from '../../../gateway/catalogue/keywords/id-number.ts';
import { checkTaxAuthorityCode } from '../../../gateway/catalogue/keywords/tax-authority-code.ts';
import { checkTaxpayerId } from '../../../gateway/catalogue/keywords/taxpayer-id.ts';
import { divisionExists } from './support.ts';

/** An ID number with a correct check character, so only the part under test is wrong. */
function idWith(address: string, birth: string, sequence = '002'): string {
  const first17 = `${address}${birth}${sequence}`;
  return first17 + idNumberCheckChar(first17);
}

function expectBilingual(problem: { message: string; messageZh: string } | undefined) {
  expect(problem).toBeDefined();
  expect(problem!.message).toMatch(/\w/);
  expect(problem!.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
}

describe('统一社会信用代码 (schemas/README.md#credit-codes)', () => {
  it.each(['91350200MA2YJ1XR9G', '91440101MA5CJQ4N59', '9135021359498494XQ'])(
    'accepts the real code %s',
    (code) => expect(checkCreditCode(code)).toBeUndefined(),
  );

  it('refuses a wrong check character and names the right one', () => {
    const problem = checkCreditCode('91350200MA2YJ1XR9H');
    expectBilingual(problem);
    expect(problem!.message).toContain('G');
    expect(problem!.messageZh).toContain('校验位');
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the excluded character %s', (char) => {
    const problem = checkCreditCode(`91350200${char}A2YJ1XR9G`);
    expectBilingual(problem);
    expect(problem!.message).toContain('without I, O, S, V, Z');
  });

  it.each(['91350200MA2YJ1XR9', '91350200MA2YJ1XR9GG', '', '91350200ma2yj1xr9g'])(
    'refuses the malformed %j',
    (code) => expectBilingual(checkCreditCode(code)),
  );
});

describe('居民身份证号码 (schemas/README.md#id-numbers)', () => {
  it('accepts the standard example 11010519491231002X', () => {
    expect(checkIdNumber('11010519491231002X')).toBeUndefined();
  });

  it('refuses a wrong check character', () => {
    const problem = checkIdNumber('110105194912310021');
    expectBilingual(problem);
    expect(problem!.message).toContain('X');
  });

  it.each([
    ['19991331', 'month 13'],
    ['20990101', 'in the future'],
    ['20230229', 'not a leap year'],
    ['18991231', 'before 1900'],
  ])('refuses the birth date %s (%s) even with a correct check character', (birth) => {
    const problem = checkIdNumber(idWith('110105', birth));
    expectBilingual(problem);
    expect(problem!.message).toContain(`birth date ${birth}`);
  });

  it('accepts a retired address code: people keep the one they were given', () => {
    expect(checkIdNumber(idWith('530321', '19800101'))).toBeUndefined();
  });

  it.each(['11010519491231002', '11010519491231002X1', '1101051949123100XX', '11010519491231002x'])(
    'refuses the malformed %j',
    (id) => expectBilingual(checkIdNumber(id)),
  );
});

describe('纳税人识别号 (schemas/README.md#taxpayer-ids)', () => {
  it('accepts an organisation credit code', () => {
    expect(checkTaxpayerId('91350200MA2YJ1XR9G')).toBeUndefined();
  });

  it('accepts an individual ID number followed by two digits', () => {
    expect(checkTaxpayerId('11010519491231002X01')).toBeUndefined();
  });

  it.each([
    ['a credit code with a wrong check character', '91350200MA2YJ1XR9H'],
    ['an ID number with a wrong check character + 2 digits', '11010519491231002101'],
    ['an ID number + letters', '11010519491231002XAB'],
    ['an ID number + 1 digit', '11010519491231002X0'],
    ['an ID number + 3 digits', '11010519491231002X012'],
  ])('refuses %s', (_what, value) => expectBilingual(checkTaxpayerId(value)));
});

describe('税务机关代码 (schemas/README.md#tax-authority-codes)', () => {
  it('accepts 15303230000, the 师宗县 tax bureau, with the real division table', () => {
    expect(checkTaxAuthorityCode('15303230000', divisionExists)).toBeUndefined();
  });

  it('refuses 19999990000: division 999999 does not exist', () => {
    const problem = checkTaxAuthorityCode('19999990000', divisionExists);
    expectBilingual(problem);
    expect(problem!.message).toContain('999999');
  });

  it.each(['25303230000', '1530323000', '153032300000', '1530323000A'])(
    'refuses the malformed %j',
    (code) => expectBilingual(checkTaxAuthorityCode(code, divisionExists)),
  );
});

describe('行政区划代码 (schemas/README.md#division-codes)', () => {
  it('accepts 530323 师宗县', () => {
    expect(checkDivisionCode('530323', divisionExists)).toBeUndefined();
  });

  it('refuses 530321: 马龙县 became 530304 马龙区', () => {
    const problem = checkDivisionCode('530321', divisionExists);
    expectBilingual(problem);
    expect(problem!.message).toContain('530321');
  });

  it('refuses a 12-digit statistical code and points at its first 6 digits', () => {
    const problem = checkDivisionCode('530323101001', divisionExists);
    expectBilingual(problem);
    expect(problem!.message).toContain('first 6 digits (530323)');
    expect(problem!.messageZh).toContain('前6位 530323');
  });

  it.each(['53032', '5303231', 'ABCDEF', '110105'])('refuses %j', (code) =>
    expectBilingual(checkDivisionCode(code, divisionExists)),
  );
});
