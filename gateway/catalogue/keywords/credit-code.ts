// 统一社会信用代码, GB 32100-2015 (schemas/README.md#credit-codes): 18 characters of
// 0-9 A-Z without I O S V Z, laid out as registration authority (1) + organisation category (1) +
// division code (6) + organisation code (9) + check character (1). Positions 1–2 must be a pair
// the standard defines, positions 3–8 six digits (any division, current or not: a company keeps its
// code when its county is renamed). Only the outer check character is enforced: some real codes
// carry an organisation code (positions 9–17) whose own GB 11714 check fails.
import { identifierKeyword, type IdentifierProblem } from './identifier-keyword.ts';

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

interface Authority {
  readonly en: string;
  readonly zh: string;
  /** The organisation categories (position 2) this authority registers. */
  readonly categories: string;
}

/** GB 32100-2015 registration authorities (position 1) and their organisation categories. */
export const REGISTRATION_AUTHORITIES: Readonly<Record<string, Authority>> = {
  '1': { en: 'institutional establishment', zh: '机构编制', categories: '1239' },
  '2': { en: 'foreign affairs', zh: '外交', categories: '19' },
  '3': { en: 'justice administration', zh: '司法行政', categories: '123459' },
  '4': { en: 'culture', zh: '文化', categories: '19' },
  '5': { en: 'civil affairs', zh: '民政', categories: '1239' },
  '6': { en: 'tourism', zh: '旅游', categories: '129' },
  '7': { en: 'religious affairs', zh: '宗教', categories: '129' },
  '8': { en: 'trade unions', zh: '工会', categories: '19' },
  '9': { en: 'market regulation', zh: '工商/市场监管', categories: '123' },
  A: {
    en: 'the Central Military Commission establishment office',
    zh: '中央军委改革和编制办公室',
    categories: '19',
  },
  N: { en: 'agriculture', zh: '农业', categories: '1239' },
  Y: { en: 'other', zh: '其他', categories: '1' },
};

const AUTHORITY_CODES = Object.keys(REGISTRATION_AUTHORITIES).join(', ');

/** The check character for the first 17 characters of a credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i] ?? '') * WEIGHTS[i]!;
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** The first structural problem of positions 1–8, in position order. */
function layoutProblem(value: string): IdentifierProblem | undefined {
  const authorityCode = value[0]!;
  const category = value[1]!;
  const authority = REGISTRATION_AUTHORITIES[authorityCode];
  if (!authority) {
    return {
      message: `position 1 (registration authority) ${authorityCode} is not one of ${AUTHORITY_CODES}`,
      messageZh: `统一社会信用代码第1位(登记管理部门代码)${authorityCode} 无效,应为 ${AUTHORITY_CODES} 之一`,
    };
  }
  if (!authority.categories.includes(category)) {
    const allowed = authority.categories.split('');
    return {
      message: `position 2 (organisation category) ${category} is not a category of registration authority ${authorityCode} (${authority.en}); allowed: ${allowed.join(', ')}`,
      messageZh: `统一社会信用代码第2位(机构类别代码)${category} 与第1位登记管理部门 ${authorityCode}(${authority.zh})不匹配,应为 ${allowed.join('、')} 之一`,
    };
  }
  const division = value.slice(2, 8);
  if (!/^[0-9]{6}$/.test(division)) {
    return {
      message: `positions 3–8 (division code of the registering authority) must be six digits, got ${division}`,
      messageZh: `统一社会信用代码第3–8位(登记管理机关行政区划码)应为6位数字,实为 ${division}`,
    };
  }
  return undefined;
}

export function checkCreditCode(value: string): IdentifierProblem | undefined {
  if (!SHAPE.test(value)) {
    return {
      message: 'must be 18 characters of 0-9 and A-Z without I, O, S, V, Z',
      messageZh: '统一社会信用代码应为18位数字或大写字母(不含 I、O、S、V、Z)',
    };
  }
  const layout = layoutProblem(value);
  if (layout) return layout;
  const expected = creditCodeCheckChar(value.slice(0, 17));
  if (value[17] !== expected) {
    return {
      message: `check character should be ${expected} (position 18)`,
      messageZh: `统一社会信用代码第18位校验位错误,应为 ${expected}`,
    };
  }
  return undefined;
}

export const creditCodeKeyword = identifierKeyword('creditCode', checkCreditCode);
