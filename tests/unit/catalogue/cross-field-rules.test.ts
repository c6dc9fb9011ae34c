// Every cross-field rule against a table of vectors (valid and invalid, each with its reason), on a
// small item schema with one field of each kind, plus the checks the catalogue compile makes of a
// rule list (schemas/README.md, "Cross-field rules").
import { describe, expect, it } from 'vitest';
import { readSchemaFile } from '../../../gateway/catalogue/create-ajv.ts';
import { compileRules, runRules } from '../../../gateway/catalogue/rules/compile-rules.ts';
import type { RuleContext } from '../../../gateway/catalogue/rules/cross-field-rule.ts';
import { CROSS_FIELD_RULES } from '../../../gateway/catalogue/rules/rule-catalogue.ts';
import { divisions } from './support.ts';

const ref = (name: string) => ({ $ref: `../defs.schema.json#/$defs/${name}` });
const money = { title: '金额', ...ref('moneyAmount') };
const date = { title: '日期', ...ref('date') };
const division = { title: '所在地', ...ref('divisionCode'), divisionCode: 'national' };
const authority = { title: '税务机关', ...ref('taxAuthorityCode'), taxAuthorityCode: 'national' };

const schema = {
  title: '测试事项',
  type: 'object',
  properties: {
    total: { ...money, title: '合计' },
    limit: { ...money, title: '限额' },
    extra: { ...money, title: '附加' },
    lines: {
      title: '明细',
      type: 'array',
      maxItems: 10,
      items: {
        title: '明细行',
        type: 'object',
        properties: {
          amount: { ...money, title: '行金额' },
          total: { ...money, title: '行合计' },
          authority: { ...authority, title: '行税务机关' },
          born: { ...date, title: '出生日期' },
          died: { ...date, title: '死亡日期' },
        },
        additionalProperties: false,
      },
    },
    region: { ...division, title: '项目所在地' },
    home: { ...division, title: '户籍地' },
    authority: { ...authority, title: '经营地税务机关' },
    agreementAuthority: { ...authority, title: '协议税务机关' },
    taxpayerId: { title: '纳税人识别号', ...ref('taxpayerId') },
    issued: { ...date, title: '发证日期' },
    expires: { ...date, title: '有效期至' },
    note: { title: '备注', ...ref('shortText') },
  },
  additionalProperties: false,
};
const docs = {
  defs: readSchemaFile('defs.schema.json'),
  envelope: readSchemaFile('envelope.schema.json'),
};
const context: RuleContext = { divisions, today: () => '2026-12-01' };

const envelope = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  itemCode: 'XX-001',
  mode: 'online',
  receivingRegion: '510104',
  handlingRegion: '530323',
  applicant: { type: 'enterprise', name: '某公司', creditCode: '91510104MA6CXY120G' },
  payload,
  ...extra,
});

function problemsOf(rule: Record<string, unknown>, body: unknown) {
  const compiled = compileRules({ ...schema, crossFieldRules: [rule] }, docs, CROSS_FIELD_RULES);
  if (!compiled.ok) throw new Error(compiled.problems.join('\n'));
  return runRules(compiled.rules, body, context);
}

interface Vector {
  reason: string;
  body: unknown;
  /** Pointers of the expected problems; [] = accepted. */
  refused: string[];
}

const P = '/payload';
const table: [rule: Record<string, unknown>, vectors: Vector[]][] = [
  [
    { rule: 'sum-equals', total: `${P}/total`, parts: `${P}/lines/*/amount` },
    [
      {
        reason: 'exact sum in fen',
        body: envelope({ total: '0.30', lines: [{ amount: '0.10' }, { amount: '0.20' }] }),
        refused: [],
      },
      {
        reason: 'one fen short',
        body: envelope({ total: '0.31', lines: [{ amount: '0.10' }, { amount: '0.20' }] }),
        refused: [`${P}/total`],
      },
      {
        reason: 'large amounts beyond float precision',
        body: envelope({
          total: '900719925474099.93',
          lines: [{ amount: '900719925474099.92' }, { amount: '0.01' }],
        }),
        refused: [],
      },
      {
        reason: 'large amounts off by one fen',
        body: envelope({
          total: '900719925474099.92',
          lines: [{ amount: '900719925474099.92' }, { amount: '0.01' }],
        }),
        refused: [`${P}/total`],
      },
      {
        reason: 'no lines: the schema decides whether they are required',
        body: envelope({ total: '1.00' }),
        refused: [],
      },
      {
        reason: 'no total: an optional total is not checked',
        body: envelope({ lines: [{ amount: '1.00' }] }),
        refused: [],
      },
    ],
  ],
  [
    {
      rule: 'sum-equals',
      total: `${P}/total`,
      parts: [`${P}/limit`, `${P}/extra`, `${P}/lines/*/amount`],
    },
    [
      {
        reason: 'parts from several pointers',
        body: envelope({
          total: '6.00',
          limit: '1.00',
          extra: '2.00',
          lines: [{ amount: '3.00' }],
        }),
        refused: [],
      },
      {
        reason: 'one part missing from the total',
        body: envelope({
          total: '3.00',
          limit: '1.00',
          extra: '2.00',
          lines: [{ amount: '3.00' }],
        }),
        refused: [`${P}/total`],
      },
    ],
  ],
  [
    { rule: 'sum-equals', total: `${P}/lines/*/total`, parts: `${P}/lines/*/amount` },
    [
      {
        reason: "each line's own total is its own amount",
        body: envelope({
          lines: [
            { total: '1.00', amount: '1.00' },
            { total: '2.00', amount: '2.00' },
          ],
        }),
        refused: [],
      },
      {
        reason: 'the second line alone is wrong',
        body: envelope({
          lines: [
            { total: '1.00', amount: '1.00' },
            { total: '3.00', amount: '2.00' },
          ],
        }),
        refused: [`${P}/lines/1/total`],
      },
    ],
  ],
  [
    { rule: 'amount-at-most', amount: `${P}/total`, limit: `${P}/limit` },
    [
      {
        reason: 'below the limit',
        body: envelope({ total: '99.99', limit: '100.00' }),
        refused: [],
      },
      {
        reason: 'equal to the limit',
        body: envelope({ total: '100.00', limit: '100.00' }),
        refused: [],
      },
      {
        reason: 'one fen above',
        body: envelope({ total: '100.01', limit: '100.00' }),
        refused: [`${P}/total`],
      },
      {
        reason: 'longer integer part (text order would say smaller)',
        body: envelope({ total: '1000.00', limit: '999.00' }),
        refused: [`${P}/total`],
      },
    ],
  ],
  [
    { rule: 'within-region', region: `${P}/region`, within: '/handlingRegion' },
    [
      { reason: 'the handling county itself', body: envelope({ region: '530323' }), refused: [] },
      {
        reason: 'a county in the handling prefecture',
        body: envelope({ region: '530323' }, { handlingRegion: '530300' }),
        refused: [],
      },
      {
        reason: 'a county in the handling province',
        body: envelope({ region: '530323' }, { handlingRegion: '530000' }),
        refused: [],
      },
      {
        reason: 'a 重庆 district within the municipality',
        body: envelope({ region: '500101' }, { handlingRegion: '500000' }),
        refused: [],
      },
      {
        reason: 'another county of the same prefecture',
        body: envelope({ region: '530302' }),
        refused: [`${P}/region`],
      },
      {
        reason: 'the prefecture above the handling county',
        body: envelope({ region: '530300' }),
        refused: [`${P}/region`],
      },
      {
        reason: 'handling region 北京 is not a member: routing says so',
        body: envelope({ region: '530323' }, { handlingRegion: '110105' }),
        refused: [],
      },
      {
        reason: 'retired handling region: routing says so',
        body: envelope({ region: '530323' }, { handlingRegion: '530321' }),
        refused: [],
      },
    ],
  ],
  [
    { rule: 'within-region', region: `${P}/region`, within: `${P}/home` },
    [
      {
        reason: 'two payload fields outside the alliance, one within the other',
        body: envelope({ region: '410102', home: '410100' }),
        refused: [],
      },
      {
        reason: 'two payload fields, not nested',
        body: envelope({ region: '410102', home: '110000' }),
        refused: [`${P}/region`],
      },
    ],
  ],
  [
    { rule: 'within-party-region', region: `${P}/region`, role: 'move-in' },
    [
      {
        reason: 'the move-in party county',
        body: envelope(
          { region: '510112' },
          {
            parties: [
              { role: 'move-out', region: '500103' },
              { role: 'move-in', region: '510112' },
            ],
          },
        ),
        refused: [],
      },
      {
        reason: 'within the move-in party prefecture',
        body: envelope(
          { region: '510112' },
          {
            parties: [
              { role: 'move-out', region: '500103' },
              { role: 'move-in', region: '510100' },
            ],
          },
        ),
        refused: [],
      },
      {
        reason: "the move-out party's county instead",
        body: envelope(
          { region: '500103' },
          {
            parties: [
              { role: 'move-out', region: '500103' },
              { role: 'move-in', region: '510112' },
            ],
          },
        ),
        refused: [`${P}/region`],
      },
      {
        reason: 'no party has the role',
        body: envelope(
          { region: '500103' },
          {
            parties: [
              { role: 'a', region: '500103' },
              { role: 'b', region: '510112' },
            ],
          },
        ),
        refused: [],
      },
    ],
  ],
  [
    { rule: 'tax-authority-in-region', authority: `${P}/authority`, region: `${P}/region` },
    [
      {
        reason: 'the county bureau of the project county',
        body: envelope({ authority: '15303230000', region: '530323' }),
        refused: [],
      },
      {
        reason: 'the prefecture bureau above the project county',
        body: envelope({ authority: '15303000001', region: '530323' }),
        refused: [],
      },
      {
        reason: '重庆 municipal bureau for a 重庆 district (never 500100)',
        body: envelope({ authority: '15000000000', region: '500101' }),
        refused: [],
      },
      {
        reason: '重庆 statistical grouping 500100 is no authority',
        body: envelope({ authority: '15001000000', region: '500101' }),
        refused: [`${P}/authority`],
      },
      {
        reason: 'a bureau of another county',
        body: envelope({ authority: '15301020000', region: '530323' }),
        refused: [`${P}/authority`],
      },
      {
        reason: 'the provincial bureau',
        body: envelope({ authority: '15300000000', region: '530323' }),
        refused: [`${P}/authority`],
      },
    ],
  ],
  [
    {
      rule: 'tax-authority-in-region',
      authority: `${P}/lines/*/authority`,
      region: '/handlingRegion',
    },
    [
      {
        reason: 'every line at the handling county',
        body: envelope({ lines: [{ authority: '15303230000' }, { authority: '15303230000' }] }),
        refused: [],
      },
      {
        reason: 'the second line elsewhere',
        body: envelope({ lines: [{ authority: '15303230000' }, { authority: '15101040000' }] }),
        refused: [`${P}/lines/1/authority`],
      },
    ],
  ],
  [
    { rule: 'equals', value: `${P}/lines/*/authority`, other: `${P}/agreementAuthority` },
    [
      {
        reason: "every line is the agreement's authority",
        body: envelope({
          agreementAuthority: '15303230000',
          lines: [{ authority: '15303230000' }],
        }),
        refused: [],
      },
      {
        reason: "a line's authority differs from the agreement's",
        body: envelope({
          agreementAuthority: '15303230000',
          lines: [{ authority: '15303230000' }, { authority: '15303000000' }],
        }),
        refused: [`${P}/lines/1/authority`],
      },
      {
        reason: 'no agreement authority given',
        body: envelope({ lines: [{ authority: '15303000000' }] }),
        refused: [],
      },
    ],
  ],
  [
    { rule: 'date-order', earlier: `${P}/issued`, later: `${P}/expires` },
    [
      {
        reason: 'issued before it expires',
        body: envelope({ issued: '2020-01-01', expires: '2030-01-01' }),
        refused: [],
      },
      {
        reason: 'issued and expiring the same day',
        body: envelope({ issued: '2020-01-01', expires: '2020-01-01' }),
        refused: [],
      },
      {
        reason: 'expires before it was issued',
        body: envelope({ issued: '2020-01-02', expires: '2020-01-01' }),
        refused: [`${P}/expires`],
      },
    ],
  ],
  [
    { rule: 'date-order', earlier: `${P}/lines/*/born`, later: `${P}/lines/*/died` },
    [
      {
        reason: 'each relative born before dying, compared element by element',
        body: envelope({
          lines: [{ born: '1950-01-01', died: '2000-01-01' }, { born: '2001-01-01' }],
        }),
        refused: [],
      },
      {
        reason: 'the second relative died before being born',
        body: envelope({
          lines: [
            { born: '1950-01-01', died: '2000-01-01' },
            { born: '2001-01-01', died: '1999-01-01' },
          ],
        }),
        refused: [`${P}/lines/1/died`],
      },
    ],
  ],
  [
    { rule: 'taxpayer-is-applicant', taxpayerId: `${P}/taxpayerId` },
    [
      {
        reason: "an enterprise's own credit code",
        body: envelope({ taxpayerId: '91510104MA6CXY120G' }),
        refused: [],
      },
      {
        reason: 'another credit code',
        body: envelope({ taxpayerId: '91350200MA2YJ1XR9G' }),
        refused: [`${P}/taxpayerId`],
      },
      {
        reason: "a person's own ID number",
        body: envelope(
          { taxpayerId: '11010519491231002X' },
          { applicant: { type: 'person', name: '张三', idNumber: '11010519491231002X' } },
        ),
        refused: [],
      },
      {
        reason: "a 个体工商户 operator's ID number + 2 digits",
        body: envelope(
          { taxpayerId: '11010519491231002X01' },
          { applicant: { type: 'person', name: '张三', idNumber: '11010519491231002X' } },
        ),
        refused: [],
      },
      {
        reason: "someone else's ID number",
        body: envelope(
          { taxpayerId: '510104198503152311' },
          { applicant: { type: 'person', name: '张三', idNumber: '11010519491231002X' } },
        ),
        refused: [`${P}/taxpayerId`],
      },
    ],
  ],
];

describe.each(table)('cross-field rule %o', (rule, vectors) => {
  it.each(vectors)('$reason', ({ body, refused }) => {
    const problems = problemsOf(rule, body);
    expect(problems.map((p) => p.path)).toEqual(refused);
    for (const problem of problems) {
      expect(problem.keyword).toBe(rule.rule);
      expect(problem.message).toMatch(/\w/);
      expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
    }
  });
});

describe('cross-field rule messages', () => {
  it('names the fields by pointer in English and by schema title in Chinese', () => {
    const [problem] = problemsOf(
      { rule: 'sum-equals', total: `${P}/total`, parts: `${P}/lines/*/amount` },
      envelope({ total: '0.31', lines: [{ amount: '0.10' }, { amount: '0.20' }] }),
    );
    expect(problem).toEqual({
      path: `${P}/total`,
      message: '0.31 is not the sum of /payload/lines/*/amount (0.30)',
      messageZh: '合计 0.31 与行金额之和 0.30 不一致',
      keyword: 'sum-equals',
    });
  });

  it('names divisions with their names', () => {
    const [problem] = problemsOf(
      { rule: 'within-region', region: `${P}/region`, within: '/handlingRegion' },
      envelope({ region: '530302' }),
    );
    expect(problem!.message).toBe(
      '530302 麒麟区 does not lie within /handlingRegion 530323 师宗县',
    );
    expect(problem!.messageZh).toBe('项目所在地 530302 麒麟区 不在办理地 530323 师宗县 范围内');
  });
});

describe('compiling a rule list', () => {
  const problemsFor = (...rules: unknown[]) => {
    const compiled = compileRules({ ...schema, crossFieldRules: rules }, docs, CROSS_FIELD_RULES);
    return compiled.ok ? [] : compiled.problems;
  };

  it('compiles a list that names known rules and real fields of the right kinds', () => {
    expect(
      problemsFor(
        { rule: 'sum-equals', total: `${P}/total`, parts: `${P}/lines/*/amount` },
        { rule: 'within-region', region: `${P}/region`, within: '/handlingRegion' },
        { rule: 'equals', value: `${P}/note`, other: '/applicant/name' },
      ),
    ).toEqual([]);
  });

  it.each([
    [{ rule: 'sum-equal', total: `${P}/total` }, '/crossFieldRules/0: unknown rule "sum-equal"'],
    [{ rule: 'sum-equals', total: `${P}/total` }, 'sum-equals needs the parameter parts'],
    [
      { rule: 'sum-equals', total: `${P}/total`, parts: `${P}/limit`, sum: `${P}/x` },
      '/crossFieldRules/0/sum: sum-equals has no parameter sum',
    ],
    [
      { rule: 'sum-equals', total: `${P}/totl`, parts: `${P}/limit` },
      '/crossFieldRules/0/total: /payload/totl names no field of the schemas',
    ],
    [
      { rule: 'sum-equals', total: 'payload/total', parts: `${P}/limit` },
      'is not a JSON pointer to a field',
    ],
    [
      { rule: 'sum-equals', total: `${P}/note`, parts: `${P}/limit` },
      '/payload/note is not a field of kind amount',
    ],
    [
      { rule: 'within-region', region: `${P}/region`, within: `${P}/lines/*/amount` },
      'uses *, but within takes one value',
    ],
    [
      { rule: 'within-region', region: `${P}/region`, within: [`${P}/region`, `${P}/home`] },
      'within: takes one pointer, not a list',
    ],
    [
      { rule: 'within-region', region: `${P}/issued`, within: '/handlingRegion' },
      '/payload/issued is not a field of kind division',
    ],
    [
      { rule: 'date-order', earlier: `${P}/issued`, later: `${P}/region` },
      '/payload/region is not a field of kind date',
    ],
    [
      { rule: 'within-party-region', region: `${P}/region`, role: 'Move In' },
      '/crossFieldRules/0/role: "Move In" does not match',
    ],
    [
      { rule: 'tax-authority-in-region', authority: `${P}/region`, region: `${P}/region` },
      'is not a field of kind taxAuthorityCode',
    ],
    [
      { rule: 'equals', value: `${P}/lines/7x/amount`, other: `${P}/note` },
      'names no field of the schemas',
    ],
  ])('refuses %j: %s', (rule, problem) => {
    const problems = problemsFor(rule);
    expect(
      problems.some((p) => p.includes(problem)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports the problems of every entry at once', () => {
    expect(problemsFor({ rule: 'x' }, { rule: 'y' })).toHaveLength(2);
  });
});
