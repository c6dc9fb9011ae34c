// ajv errors become the problem list of a 422 (README.md#errors): each points at the field a portal must
// fix, in English and Chinese, without the wrapper noise of if/then and anyOf.
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createAjv, DEFS_ID, ENVELOPE_ID } from '../../../gateway/catalogue/create-ajv.ts';
import { toFieldProblems } from '../../../gateway/catalogue/field-problems.ts';
import { divisions } from './support.ts';

const ajv = createAjv({ divisions });
const envelope = ajv.getSchema(ENVELOPE_ID)!;

const base = {
  itemCode: 'SW-005',
  mode: 'online',
  receivingRegion: '510104',
  handlingRegion: '530323',
  applicant: {
    type: 'enterprise',
    name: '四川蜀道路桥建设有限公司',
    creditCode: '91350200MA2YJ1XR9G',
  },
  payload: {},
};

function problemsOf(body: unknown, prefix?: string) {
  expect(envelope(body)).toBe(false);
  return toFieldProblems(envelope.errors, prefix);
}

describe('toFieldProblems', () => {
  it('accepts the base envelope, so each case below tests one change', () => {
    expect(envelope(base)).toBe(true);
  });

  it('points a required error at the missing property, with Chinese from ajv-i18n', () => {
    const body: Record<string, unknown> = { ...base };
    delete body.receivingRegion;
    expect(problemsOf(body)).toEqual([
      {
        path: '/receivingRegion',
        message: "must have required property 'receivingRegion'",
        messageZh: '应当有必需属性 receivingRegion',
        keyword: 'required',
      },
    ]);
  });

  it('points an additionalProperties error at the extra property, escaped as RFC 6901', () => {
    const [problem] = problemsOf({ ...base, 'a/b~c': 1 });
    expect(problem).toMatchObject({ path: '/a~1b~0c', keyword: 'additionalProperties' });
    expect(problem!.messageZh).toBe('不允许有额外的属性');
  });

  it('drops the if/then wrapper and keeps the specific branch errors', () => {
    const body = {
      ...base,
      applicant: { type: 'person', name: '张三', creditCode: '91350200MA2YJ1XR9G' },
    };
    const problems = problemsOf(body);
    expect(problems.map((p) => [p.path, p.keyword])).toEqual([
      ['/applicant/idNumber', 'required'],
      ['/applicant/creditCode', 'false schema'],
    ]);
    expect(problems[1]!.messageZh).toBe('此处不应出现该字段');
  });

  it('says an anyOf of required properties once, as "one of"', () => {
    const material = {
      name: '营业执照',
      mediaType: 'application/pdf',
      size: 10,
      uri: 'https://p.example/f',
    };
    expect(problemsOf({ ...base, materials: [material] })).toEqual([
      {
        path: '/materials/0',
        message: 'must have one of: sha256, sm3',
        messageZh: '应当至少包含以下属性之一:sha256、sm3',
        keyword: 'anyOf',
      },
    ]);
  });

  it('lists the allowed values of an enum in both languages', () => {
    const [problem] = problemsOf({ ...base, mode: 'post' });
    expect(problem).toMatchObject({ path: '/mode', keyword: 'enum' });
    expect(problem!.message).toBe('must be one of: "online", "proxy", "joint"');
    expect(problem!.messageZh).toBe('应为以下值之一:"online"、"proxy"、"joint"');
  });

  it("uses an identifier keyword's own Chinese message", () => {
    const body = { ...base, applicant: { ...base.applicant, creditCode: '91350200MA2YJ1XR9H' } };
    expect(problemsOf(body)).toEqual([
      {
        path: '/applicant/creditCode',
        message: 'check character should be G (position 18)',
        messageZh: '统一社会信用代码第18位校验位错误,应为 G',
        keyword: 'creditCode',
      },
    ]);
  });

  it('keeps the identifier message, not a length error, for a 12-digit division code', () => {
    const located = ajv.compile({
      type: 'object',
      properties: { region: { $ref: `${DEFS_ID}#/$defs/divisionCode`, divisionCode: 'national' } },
      additionalProperties: false,
    });
    expect(located({ region: '530323101001' })).toBe(false);
    expect(toFieldProblems(located.errors, '/project')).toEqual([
      {
        path: '/project/region',
        message:
          'a 12-digit statistical code is not a division code; its first 6 digits (530323) are',
        messageZh: '这是12位统计用区划代码,行政区划代码为其前6位 530323',
        keyword: 'divisionCode',
      },
    ]);
  });

  it('prefixes every pointer with the base it is given', () => {
    const problems = problemsOf({ ...base, mode: 'post', extra: true }, '/payload');
    expect(problems.map((p) => p.path).sort()).toEqual(['/payload/extra', '/payload/mode']);
  });

  it('reports identical problems once', () => {
    const error: ErrorObject = {
      keyword: 'type',
      instancePath: '/a',
      schemaPath: '#/properties/a/type',
      params: { type: 'string' },
      message: 'must be string',
    };
    const problems = toFieldProblems([
      error,
      { ...error, schemaPath: '#/allOf/0/properties/a/type' },
    ]);
    expect(problems).toEqual([
      { path: '/a', message: 'must be string', messageZh: '应当是 string 类型', keyword: 'type' },
    ]);
  });

  it("says a pattern with words in both languages, and one without as ajv's and ajv-i18n's text", () => {
    const validate = ajv.compile({
      type: 'object',
      properties: {
        worded: { type: 'string', pattern: '^[0-9]{6}$' },
        bare: { type: 'string', pattern: '^[A-HJ-N]{3}$' },
      },
    });
    expect(validate({ worded: '12345', bare: 'III' })).toBe(false);
    expect(toFieldProblems(validate.errors)).toEqual([
      {
        path: '/worded',
        keyword: 'pattern',
        message: 'must be exactly 6 digits 0–9 (pattern "^[0-9]{6}$")',
        messageZh: '应为 6 位数字；应当匹配模式 "^[0-9]{6}$"',
      },
      {
        path: '/bare',
        keyword: 'pattern',
        message: 'must match pattern "^[A-HJ-N]{3}$"',
        messageZh: '应当匹配模式 "^[A-HJ-N]{3}$"',
      },
    ]);
  });

  it('returns no problems for no errors', () => {
    expect(toFieldProblems(null)).toEqual([]);
    expect(toFieldProblems([])).toEqual([]);
  });
});
