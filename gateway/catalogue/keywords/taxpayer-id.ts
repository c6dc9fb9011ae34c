// 纳税人识别号 (schemas/README.md#taxpayer-ids). Every form the tax administration issues is
// accepted, each checked by its own rules:
//  - an organisation's 18-character 统一社会信用代码 (GB 32100);
//  - a natural person's 18-character ID number (GB 11643; 国家税务总局公告2018年第59号);
//  - a 个体工商户 without a credit code: ID number + 2 digits, 20 characters (公告2015年第66号);
//  - the legacy 15-character id of an organisation without a credit code: 6-digit division code +
//    9-character organisation code (GB 11714, with its check character).
// The length picks the forms to try; a refusal says which forms were tried and why each failed.
import { chinaProvinceName } from '../../divisions/china-provinces.ts';
import { checkCreditCode } from './credit-code.ts';
import { checkIdNumber } from './id-number.ts';
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';
import { checkOrganisationCode } from './organisation-code.ts';

interface Form {
  readonly en: string;
  readonly zh: string;
  readonly check: (value: string, today: string) => IdentifierProblem | undefined;
}

function checkLegacyId(value: string): IdentifierProblem | undefined {
  const division = value.slice(0, 6);
  if (!/^[0-9]{6}$/.test(division) || chinaProvinceName(division.slice(0, 2)) === undefined) {
    return {
      message: `positions 1–6 must be a division code, got ${division}`,
      messageZh: `前6位应为行政区划代码,实为 ${division}`,
    };
  }
  return checkOrganisationCode(value.slice(6));
}

function checkIdNumberPlusTwo(value: string, today: string): IdentifierProblem | undefined {
  if (!/^[0-9]{2}$/.test(value.slice(18)))
    return { message: 'must end with 2 digits', messageZh: '最后2位应为数字' };
  return checkIdNumber(value.slice(0, 18), today);
}

const CREDIT_CODE: Form = {
  en: 'credit code',
  zh: '统一社会信用代码',
  check: (value) => checkCreditCode(value),
};
const ID_NUMBER: Form = { en: 'ID number', zh: '身份证号码', check: checkIdNumber };
const ID_NUMBER_PLUS_TWO: Form = {
  en: 'ID number + 2 digits',
  zh: '身份证号码加2位数字',
  check: checkIdNumberPlusTwo,
};
const LEGACY: Form = {
  en: 'legacy 15-character id',
  zh: '15位税务登记代码',
  check: (value) => checkLegacyId(value),
};

const FORMS_BY_LENGTH: Readonly<Record<number, readonly Form[]>> = {
  15: [LEGACY],
  18: [CREDIT_CODE, ID_NUMBER],
  20: [ID_NUMBER_PLUS_TWO],
};

/** `today` is the China calendar date (YYYY-MM-DD) an embedded birth date may not be after. */
export function checkTaxpayerId(value: string, today: string): IdentifierProblem | undefined {
  const forms = FORMS_BY_LENGTH[value.length];
  if (!forms) {
    return {
      message: `must be an 18-character credit code or ID number, an ID number + 2 digits (20 characters) or a legacy 15-character id; got ${value.length} characters`,
      messageZh: `纳税人识别号应为18位统一社会信用代码或身份证号码、身份证号码加2位数字(20位)或15位税务登记代码,实为${value.length}位`,
    };
  }
  const tried: { form: Form; problem: IdentifierProblem }[] = [];
  for (const form of forms) {
    const problem = form.check(value, today);
    if (!problem) return undefined;
    tried.push({ form, problem });
  }
  return {
    message: `not a valid taxpayer id; tried ${tried.map(({ form, problem }) => `as ${form.en}: ${problem.message}`).join('; ')}`,
    messageZh: `纳税人识别号无效:${tried.map(({ form, problem }) => `按${form.zh}校验,${problem.messageZh}`).join(';')}`,
  };
}

export function taxpayerIdKeyword(today: () => string) {
  return identifierKeyword('taxpayerId', (value) => checkTaxpayerId(value, today()));
}
