// The identifier checks against vectors built from the standards (schemas/README.md#credit-codes,
// #id-numbers, #organisation-codes, #taxpayer-ids, #division-codes): real codes pass, and every kind of damage fails with an English and a Chinese
// message that says what is wrong. Check characters of the vectors are computed by the test
// (standard-check-chars.ts), so only the defect under test is present.
import { describe, expect, it } from 'vitest';
import { checkCreditCode } from '../../../gateway/catalogue/keywords/credit-code.ts';
import { checkDivisionCode } from '../../../gateway/catalogue/keywords/division-code.ts';
import { checkIdNumber } from '../../../gateway/catalogue/keywords/id-number.ts';
import { checkOrganisationCode } from '../../../gateway/catalogue/keywords/organisation-code.ts';
import { checkTaxAuthorityCode } from '../../../gateway/catalogue/keywords/tax-authority-code.ts';
import { checkTaxpayerId } from '../../../gateway/catalogue/keywords/taxpayer-id.ts';
import {
  GB32100_PAIRS,
  PROVINCE_PREFIXES,
  withCreditCheck,
  withIdCheck,
  withOrganisationCheck,
} from './standard-check-chars.ts';
import { divisions } from './support.ts';

const TODAY = '2026-12-01';

/** An ID number with a correct check character, so only the part under test is wrong. */
const idWith = (address: string, birth: string, sequence = '002') =>
  withIdCheck(`${address}${birth}${sequence}`);

function expectBilingual(problem: { message: string; messageZh: string } | undefined) {
  expect(problem).toBeDefined();
  expect(problem!.message).toMatch(/\w/);
  expect(problem!.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
  return problem!;
}

describe('统一社会信用代码, GB 32100-2015', () => {
  it.each(['91350200MA2YJ1XR9G', '91440101MA5CJQ4N59', '9135021359498494XQ'])(
    'accepts the real code %s',
    (code) => expect(checkCreditCode(code)).toBeUndefined(),
  );

  const pairs = Object.entries(GB32100_PAIRS).flatMap(([authority, categories]) =>
    [...categories].map((category) => `${authority}${category}`),
  );
  it.each(pairs)('accepts the registration authority and category pair %s', (pair) => {
    expect(checkCreditCode(withCreditCheck(`${pair}510104MA6CXY120`))).toBeUndefined();
  });

  it.each([
    ['0', 'authority 0 is not in the table', '01510104MA6CXY12', 'position 1'],
    ['B', 'authority B is not in the table', 'B1510104MA6CXY12', 'position 1'],
    ['94', '工商 registers only categories 1, 2, 3', '94510104MA6CXY12', 'position 2'],
    ['99', '工商 has no category 9', '99510104MA6CXY12', 'position 2'],
    ['28', '外交 registers only 1 and 9', '28510104MA6CXY12', 'position 2'],
    ['Y2', '其他 registers only category 1', 'Y2510104MA6CXY12', 'position 2'],
    ['A3', '军委编制办 registers only 1 and 9', 'A3510104MA6CXY12', 'position 2'],
    ['positions 3–8', 'the division code holds a letter', '9151A104MA6CXY12', 'positions 3–8'],
  ])('refuses %s (%s) with a correct check character, naming the position', (...args) => {
    const [, , first16, position] = args;
    // The 17th character completes the organisation code; the check character is computed.
    const problem = expectBilingual(checkCreditCode(withCreditCheck(`${first16}0`)));
    expect(problem.message).toContain(position);
    expect(problem.messageZh).toMatch(/第[0-9–]+位/u);
  });

  it('names the authority and the categories it allows when position 2 is wrong', () => {
    const problem = expectBilingual(checkCreditCode(withCreditCheck('94510104MA6CXY120')));
    expect(problem.message).toContain('allowed: 1, 2, 3');
    expect(problem.messageZh).toContain('工商/市场监管');
  });

  it('refuses a wrong check character and names the right one and its position', () => {
    const problem = expectBilingual(checkCreditCode('91350200MA2YJ1XR9H'));
    expect(problem.message).toBe('check character should be G (position 18)');
    expect(problem.messageZh).toContain('第18位校验位');
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the excluded character %s', (char) => {
    const problem = expectBilingual(checkCreditCode(`91350200${char}A2YJ1XR9G`));
    expect(problem.message).toContain('without I, O, S, V, Z');
  });

  it.each(['91350200MA2YJ1XR9', '91350200MA2YJ1XR9GG', '', '91350200ma2yj1xr9g'])(
    'refuses the malformed %j',
    (code) => void expectBilingual(checkCreditCode(code)),
  );
});

describe('居民身份证号码, GB 11643-1999', () => {
  it('accepts the standard example 11010519491231002X', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toBeUndefined();
  });

  it.each(PROVINCE_PREFIXES)('accepts an address code under the provincial-level code %s', (p) => {
    expect(checkIdNumber(idWith(`${p}0102`, '19800101'), TODAY)).toBeUndefined();
  });

  it.each([
    '00',
    '10',
    '16',
    '20',
    '24',
    '30',
    '38',
    '40',
    '47',
    '55',
    '60',
    '66',
    '70',
    '80',
    '99',
  ])('refuses an address code under %s, which is no provincial-level code', (prefix) => {
    const problem = expectBilingual(checkIdNumber(idWith(`${prefix}0102`, '19800101'), TODAY));
    expect(problem.message).toContain(`(${prefix} is none)`);
    expect(problem.messageZh).toContain('不是省级行政区划代码');
  });

  it('accepts a retired address code: people keep the one they were given (530321 马龙县)', () => {
    expect(checkIdNumber(idWith('530321', '19800101'), TODAY)).toBeUndefined();
  });

  it('refuses a wrong check character', () => {
    const problem = expectBilingual(checkIdNumber('110105194912310021', TODAY));
    expect(problem.message).toContain('X');
  });

  it.each([
    ['19991331', 'month 13'],
    ['20261202', 'tomorrow in China'],
    ['20990101', 'in the future'],
    ['20230229', 'not a leap year'],
    ['18991231', 'before 1900'],
  ])('refuses the birth date %s (%s) even with a correct check character', (birth) => {
    const problem = expectBilingual(checkIdNumber(idWith('110105', birth), TODAY));
    expect(problem.message).toContain(`birth date ${birth}`);
  });

  it('accepts a birth date of today on the China calendar', () => {
    expect(checkIdNumber(idWith('110105', '20261201'), TODAY)).toBeUndefined();
    expect(checkIdNumber(idWith('110105', '20240229'), TODAY)).toBeUndefined();
  });

  it.each(['11010519491231002', '11010519491231002X1', '1101051949123100XX', '11010519491231002x'])(
    'refuses the malformed %j',
    (id) => void expectBilingual(checkIdNumber(id, TODAY)),
  );
});

describe('组织机构代码, GB 11714-1997', () => {
  it.each(['D2143569X', '59498494X', withOrganisationCheck('MA6CXY12')])('accepts %s', (code) =>
    expect(checkOrganisationCode(code)).toBeUndefined(),
  );

  it.each([
    ['D21435691', 'wrong check character', 'should be X'],
    ['D2143569Y', 'check character neither a digit nor X', 'check digit or X'],
    ['d2143569X', 'lower case', '0-9 A-Z'],
  ])('refuses %s (%s)', (code, _reason, text) => {
    expect(expectBilingual(checkOrganisationCode(code)).message).toContain(text);
  });
});

describe('纳税人识别号: every form the tax administration issues', () => {
  it.each([
    ['an organisation credit code', '91350200MA2YJ1XR9G'],
    ['a 个体工商户 credit code', withCreditCheck('92510104MA6DJK7L0')],
    ["a natural person's ID number (18 characters)", '11010519491231002X'],
    ['a 个体工商户 without a credit code: ID number + 2 digits', '11010519491231002X01'],
    [
      'a legacy 15-character id: division + organisation code',
      `510104${withOrganisationCheck('MA6CXY12')}`,
    ],
    [
      'a legacy id with a retired division code',
      `530321${withOrganisationCheck('D2143569').slice(0, 8)}X`,
    ],
  ])('accepts %s', (_form, id) => expect(checkTaxpayerId(id, TODAY)).toBeUndefined());

  it('refuses an 18-character id that is neither, saying both forms were tried and why', () => {
    const problem = expectBilingual(checkTaxpayerId('91350200MA2YJ1XR9H', TODAY));
    expect(problem.message).toContain('as credit code: check character should be G');
    expect(problem.message).toContain('as ID number: must be 17 digits');
    expect(problem.messageZh).toContain('按统一社会信用代码校验');
    expect(problem.messageZh).toContain('按身份证号码校验');
  });

  it('refuses an 18-digit ID number with a wrong check character after trying both forms', () => {
    const problem = expectBilingual(checkTaxpayerId('110105194912310021', TODAY));
    expect(problem.message).toMatch(
      /as credit code: .*; as ID number: check character should be X/,
    );
  });

  it.each([
    [
      'ID number with a wrong check character + 2 digits',
      '11010519491231002101',
      'as ID number + 2 digits: check character',
    ],
    ['ID number + letters', '11010519491231002XAB', 'must end with 2 digits'],
    [
      'ID number born tomorrow in China + 2 digits',
      `${idWith('110105', '20261202')}01`,
      'birth date 20261202',
    ],
    [
      'legacy id with a wrong organisation check character',
      '510104D21435691',
      'as legacy 15-character id: organisation code check character should be X',
    ],
    [
      'legacy id whose first 6 are no division',
      '990104D2143569X',
      'positions 1–6 must be a division code',
    ],
  ])('refuses %s', (_what, id, text) => {
    expect(expectBilingual(checkTaxpayerId(id, TODAY)).message).toContain(text);
  });

  it.each(['11010519491231002X0', '11010519491231002X012', '9135020', ''])(
    'refuses the length of %j, listing every form',
    (id) => {
      const problem = expectBilingual(checkTaxpayerId(id, TODAY));
      expect(problem.message).toContain('credit code or ID number');
      expect(problem.message).toContain('ID number + 2 digits');
      expect(problem.message).toContain('legacy 15-character id');
    },
  );
});

describe('税务机关代码: 1 + division + 4 digits, the division in the table the schema names', () => {
  it('accepts 15303230000, the 师宗县 tax bureau, in both tables', () => {
    expect(checkTaxAuthorityCode('15303230000', 'member', divisions)).toBeUndefined();
    expect(checkTaxAuthorityCode('15303230000', 'national', divisions)).toBeUndefined();
  });

  it('accepts a 北京 朝阳区 bureau nationally, refuses it where the member table applies', () => {
    expect(checkTaxAuthorityCode('11101050000', 'national', divisions)).toBeUndefined();
    const problem = expectBilingual(checkTaxAuthorityCode('11101050000', 'member', divisions));
    expect(problem.message).toContain('not in a member province');
  });

  it('refuses 19999990000: division 999999 does not exist', () => {
    const problem = expectBilingual(checkTaxAuthorityCode('19999990000', 'national', divisions));
    expect(problem.message).toContain('999999');
  });

  it.each(['25303230000', '1530323000', '153032300000', '1530323000A'])(
    'refuses the malformed %j',
    (code) => void expectBilingual(checkTaxAuthorityCode(code, 'national', divisions)),
  );
});

describe('行政区划代码: the table each field names', () => {
  it.each([
    ['530323', '师宗县, a member county'],
    ['410102', '河南 郑州市中原区 (a 户籍地 outside the alliance)'],
    ['110105', '北京 朝阳区 (a 就医地 outside the alliance)'],
    ['810000', '香港特别行政区'],
    ['710000', '台湾省'],
  ])('accepts %s (%s) in the national table', (code) => {
    expect(checkDivisionCode(code, 'national', divisions)).toBeUndefined();
  });

  it('refuses a division outside the alliance where the member table applies', () => {
    const problem = expectBilingual(checkDivisionCode('410102', 'member', divisions));
    expect(problem.message).toBe('division 410102 is not in a member province of the alliance');
  });

  it('refuses 530321: 马龙县 became 530304 马龙区, and says so', () => {
    const problem = expectBilingual(checkDivisionCode('530321', 'national', divisions));
    expect(problem.message).toContain('use 530304 马龙区');
  });

  it.each(['540171', '540174', '130171'])(
    'refuses the statistical zone %s, which is no GB/T 2260 division',
    (code) => {
      expectBilingual(checkDivisionCode(code, 'national', divisions));
      expectBilingual(checkDivisionCode(code, 'member', divisions));
    },
  );

  it('refuses a 12-digit statistical code and points at its first 6 digits', () => {
    const problem = expectBilingual(checkDivisionCode('530323101001', 'national', divisions));
    expect(problem.message).toContain('first 6 digits (530323)');
    expect(problem.messageZh).toContain('前6位 530323');
  });

  it.each(['53032', '5303231', 'ABCDEF', '999999'])('refuses %j', (code) => {
    expectBilingual(checkDivisionCode(code, 'national', divisions));
  });
});
