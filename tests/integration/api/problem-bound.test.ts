// A refusal's `errors` list is bounded (README.md#bad-input-and-limits): a signed body of 20 000
// unknown members was answered with 20 005 problems in 2.5 MB. Now any problem+json lists at most
// LISTED_PROBLEMS of them and says it cut the list (errorsTruncated and its detail, in English and
// Chinese); a refusal with fewer lists them all and says nothing of a cut. Real gateway on the test
// Redis, signed requests from the development clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

let gw: ApiGateway;
let seq = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

// The bound README.md documents (gateway/shared/errors.ts LISTED_PROBLEMS), written out: it is the
// contract portals read, not whatever the constant says.
const LISTED_PROBLEMS = 100;

interface Problem {
  code: string;
  detail: string;
  errorsTruncated?: unknown;
  errors: { path: string; message: string; messageZh: string }[];
}

function unknownMembers(count: number): Record<string, number> {
  const body: Record<string, number> = {};
  for (let i = 0; i < count; i++) body[`m${i}`] = 0;
  return body;
}

const CUT_EN = `Only the first ${LISTED_PROBLEMS} problems are listed in errors (errorsTruncated)`;
const CUT_ZH = `errors 仅列出前 ${LISTED_PROBLEMS} 个问题（errorsTruncated）`;

const submit = (body: unknown) =>
  gw.client('portal-sc').submitCase<Problem>(body, `problem-bound-${seq++}-${Date.now()}`);

async function submitted(): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `problem-bound-${seq++}-${Date.now()}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

const postEvent = (caseId: string, body: unknown) =>
  gw.client('province-yn').request<Problem>('POST', `/v1/cases/${caseId}/events`, { json: body });

describe('POST /v1/cases', () => {
  it(`answers 20 000 unknown members with exactly ${LISTED_PROBLEMS} problems, errorsTruncated and the cut said in English and Chinese`, async () => {
    const res = await submit(unknownMembers(20_000));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors).toHaveLength(LISTED_PROBLEMS);
    expect(res.body.errorsTruncated).toBe(true);
    expect(res.body.detail).toContain(`more than ${LISTED_PROBLEMS} problems`);
    expect(res.body.detail).toContain(CUT_EN);
    expect(res.body.detail).toContain(CUT_ZH);
    // The listed ones are real problems of the body, each with its pointer and both languages.
    for (const problem of res.body.errors) {
      expect(problem.path).toMatch(/^\/(m\d+|itemCode|mode|receivingRegion|applicant|payload)$/);
      expect(problem.message).not.toBe('');
      expect(problem.messageZh).not.toBe('');
    }
  });

  it('answers a body with a few problems with all of them and no word of a cut', async () => {
    const res = await submit({ ...validExample('SW-005'), extra: 1, mode: 'teleport' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((p) => p.path).sort()).toEqual(['/extra', '/mode']);
    expect(res.body).not.toHaveProperty('errorsTruncated');
    expect(res.body.detail).toContain('2 problems, each in errors');
    expect(res.body.detail).not.toContain('errorsTruncated');
  });
});

describe('POST /v1/cases/{caseId}/events', () => {
  it(`answers an event of 20 000 unknown members with exactly ${LISTED_PROBLEMS} problems and errorsTruncated`, async () => {
    const caseId = await submitted();
    const res = await postEvent(caseId, {
      type: 'accepted',
      at: new Date().toISOString(),
      ...unknownMembers(20_000),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(LISTED_PROBLEMS);
    expect(res.body.errorsTruncated).toBe(true);
    expect(res.body.detail).toContain(CUT_EN);
    expect(res.body.detail).toContain(CUT_ZH);
  });

  it('answers an event with two unknown members with both and no word of a cut', async () => {
    const caseId = await submitted();
    const res = await postEvent(caseId, {
      type: 'accepted',
      at: new Date().toISOString(),
      first: 1,
      second: 2,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((p) => p.path).sort()).toEqual(['/first', '/second']);
    expect(res.body).not.toHaveProperty('errorsTruncated');
    expect(res.body.detail).not.toContain('errorsTruncated');
  });
});
