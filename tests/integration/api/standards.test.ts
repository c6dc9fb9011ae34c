// Identifier, division and cross-field refusals through HTTP against a real Redis: each comes back
// as a 422 problem whose JSON pointer names the field to fix, and nothing is stored; the forms the
// standards allow (a natural person's or a 个体工商户's taxpayer id, a 户籍地 or 就医地 anywhere in
// China) are accepted. A second gateway runs with its catalogue clock at 00:30 China time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiGateway,
  sw005In,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';
import { withCreditCheck, withIdCheck } from '../../unit/catalogue/standard-check-chars.ts';

let gw: ApiGateway;
let halfPastMidnight: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
  // 2026-12-02 00:30 in Beijing; still 2026-12-01 in UTC.
  halfPastMidnight = await startApiGateway({}, { now: () => new Date('2026-12-01T16:30:00Z') });
});
afterAll(async () => {
  await gw.close();
  await halfPastMidnight.close();
});

let seq = 0;
const key = (label: string) => `${label}-${Date.now()}-${seq++}`;

interface Problem {
  code: string;
  errors: { path: string; message: string; messageZh: string; keyword?: string }[];
}
interface Accepted {
  status: string;
  route: { adapter: string; targetRegion: string };
}

type Body = Record<string, unknown> & {
  applicant: Record<string, unknown>;
  payload: Record<string, unknown> & {
    project: Record<string, unknown>;
    lines: Record<string, unknown>[];
  };
};
const sw005 = (index = 0) => validExample('SW-005', index) as Body;

async function stored(): Promise<number> {
  return (await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length;
}

describe('SW-005 for every kind of taxpayer', () => {
  it.each([
    [1, 'a natural person, with the 18-character ID number'],
    [2, 'a 个体工商户 without a credit code, with the ID number + 2 digits'],
    [3, 'a 个体工商户 with a 92… credit code'],
  ])('accepts example %i: %s, routed to 云南 师宗县', async (index) => {
    const res = await gw.client('portal-sc').submitCase<Accepted>(sw005(index), key('kind'));
    expect(res.status).toBe(202);
    expect(res.body.route).toMatchObject({ adapter: 'yn', targetRegion: '530323' });
  });
});

describe('cross-field refusals: 422 GW_PAYLOAD_INVALID at the field, nothing stored', () => {
  it.each<[string, (b: Body) => void, string, string]>([
    [
      'a total one fen off the sum of the lines',
      (b) => (b.payload.totalAmount = '40320.01'),
      '/payload/totalAmount',
      'sum-equals',
    ],
    [
      'a project in 麒麟区, outside the handling county 师宗县',
      (b) => (b.payload.project.region = '530302'),
      '/payload/project/region',
      'within-region',
    ],
    [
      'a 经营地 tax authority of 五华区',
      (b) => (b.payload.taxAuthorityCode = '15301020000'),
      '/payload/taxAuthorityCode',
      'tax-authority-in-region',
    ],
    [
      "a second line whose tax authority is not the agreement's",
      (b) => (b.payload.lines[1]!.taxAuthorityCode = '15303000000'),
      '/payload/lines/1/taxAuthorityCode',
      'equals',
    ],
    [
      "another company's taxpayer id",
      (b) => (b.payload.taxpayerId = '91350200MA2YJ1XR9G'),
      '/payload/taxpayerId',
      'taxpayer-is-applicant',
    ],
  ])('refuses %s', async (_what, change, path, keyword) => {
    const before = await stored();
    const body = sw005();
    change(body);
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('rule'));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    // Moving the project also moves it away from its tax authorities: those rules speak too.
    expect(res.body.errors[0]).toMatchObject({ path, keyword });
    for (const problem of res.body.errors) expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
    expect(await stored()).toBe(before);
  });

  it('still lets routing name a non-member handling region (北京) rather than the project rule', async () => {
    const body = sw005();
    body.handlingRegion = '110105';
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('beijing'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_NOT_MEMBER');
    expect(res.body.errors[0]!.path).toBe('/handlingRegion');
  });

  it('routes the same case moved whole to 重庆 渝中区', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<Accepted>(sw005In('500103', '15001030000'), key('cq'));
    expect(res.status).toBe(202);
    expect(res.body.route).toMatchObject({ adapter: 'cq', targetRegion: '500103' });
  });
});

describe('identifier refusals name the wrong position or form', () => {
  it('refuses a credit code whose category does not belong to its authority (position 2)', async () => {
    const body = sw005();
    body.applicant.creditCode = withCreditCheck('94510104MA6CXY120');
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('credit'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_IDENTIFIER_INVALID');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/applicant/creditCode',
        message: expect.stringContaining('position 2 (organisation category) 4') as unknown,
        messageZh: expect.stringContaining('第2位') as unknown,
      }),
    ]);
  });

  it('refuses an ID number whose address code starts with no provincial-level code', async () => {
    const body = sw005(1);
    body.applicant.idNumber = withIdCheck('99010719920308651');
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('id'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_IDENTIFIER_INVALID');
    expect(res.body.errors[0]).toMatchObject({ path: '/applicant/idNumber' });
    expect(res.body.errors[0]!.message).toContain('(99 is none)');
  });

  it('refuses a taxpayer id in the payload, saying which forms were tried', async () => {
    const body = sw005();
    body.payload.taxpayerId = '91510104MA6CXY120H';
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('taxpayer'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    const problem = res.body.errors.find((e) => e.path === '/payload/taxpayerId');
    expect(problem?.message).toMatch(/tried as credit code: .*; as ID number: /);
  });
});

describe('division fields: the table each field names', () => {
  it('accepts a 就医地 in 北京 for 跨省异地就医登记备案 (national table)', async () => {
    const body = validExample('YB-001') as Body;
    (body.payload as Record<string, Record<string, unknown>>).destination!.region = '110105';
    const res = await gw.client('portal-sc').submitCase<Accepted>(body, key('beijing-treatment'));
    expect(res.status).toBe(202);
  });

  it('accepts a 户籍地 in 河南 for 最低生活保障居住地申请 (national table)', async () => {
    const body = validExample('MZ-005') as Body;
    (body.payload as Record<string, Record<string, unknown>>).householdRegistration!.region =
      '410102';
    const res = await gw.client('portal-cq').submitCase<Accepted>(body, key('henan-hukou'));
    expect(res.status).toBe(202);
  });

  it('refuses a project in 北京 for SW-005, whose project region must be in the alliance', async () => {
    const body = sw005();
    body.payload.project.region = '110105';
    const res = await gw.client('portal-sc').submitCase<Problem>(body, key('member-only'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: '/payload/project/region',
        keyword: 'divisionCode',
        message: 'division 110105 is not in a member province of the alliance',
      }),
    ]);
  });
});

describe('today on the China calendar, at 00:30 Beijing time', () => {
  function periodEnding(end: string): Body {
    const body = sw005();
    for (const line of body.payload.lines) line.taxPeriod = { start: '2026-11-01', end };
    return body;
  }

  it('accepts a tax period ending today in China although UTC is still on yesterday', async () => {
    const res = await halfPastMidnight
      .client('portal-sc')
      .submitCase<Accepted>(periodEnding('2026-12-02'), key('today'));
    expect(res.status).toBe(202);
  });

  it('refuses a tax period ending tomorrow in China at the period', async () => {
    const res = await halfPastMidnight
      .client('portal-sc')
      .submitCase<Problem>(periodEnding('2026-12-03'), key('tomorrow'));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.path)).toEqual([
      '/payload/lines/0/taxPeriod',
      '/payload/lines/1/taxPeriod',
    ]);
  });

  it('accepts the ID number of a person born today in China', async () => {
    const body = sw005(1);
    const born = withIdCheck('51010720261202001');
    body.applicant.idNumber = born;
    body.payload.taxpayerId = born;
    const res = await halfPastMidnight.client('portal-sc').submitCase<Accepted>(body, key('born'));
    expect(res.status).toBe(202);
  });
});
