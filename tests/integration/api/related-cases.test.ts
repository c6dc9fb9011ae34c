// relatedCaseId (gateway/README.md#related-cases): a portal resubmits — a failed payment retried,
// say — naming its earlier case. It must be a case of the same portal; an unknown id and another
// portal's case get the same 422, so ids cannot be probed. Once accepted, both cases name each
// other in GET /v1/cases/{id} and in their histories, once even when the submission is replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { waitFor } from '../../support/redis.ts';

interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string; message: string; messageZh: string; keyword?: string }[];
}
interface View {
  status: string;
  relatedCases: { caseId: string; relation: string }[];
  history: { status: string; actor: string; note?: string }[];
}

let gw: ApiGateway;
let n = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

const key = () => `related-${Date.now()}-${n++}`;

async function submit(portal: string, body: Record<string, unknown>) {
  return gw.client(portal).submitCase<{ caseId: string } & Problem>(body, key());
}

/** SW-005 from portal-sc (四川 → 师宗县), or from portal-cq with a 重庆 receiving region. */
function sw005(portal = 'portal-sc', extra: Record<string, unknown> = {}) {
  return {
    ...validExample('SW-005'),
    ...(portal === 'portal-cq' ? { receivingRegion: '500103' } : {}),
    ...extra,
  };
}

/**
 * The earlier case once it shows its follow-up: the outbox relay links it when it queues the new
 * case, a moment after the 202.
 */
function linked(caseId: string): Promise<View> {
  return waitFor(
    async () => {
      const v = await view(caseId);
      return v.relatedCases.length > 0 ? v : undefined;
    },
    { what: `case ${caseId} to show its follow-up` },
  ) as Promise<View>;
}

async function view(caseId: string, reader = 'portal-sc'): Promise<View> {
  const res = await gw.client(reader).getCase<View>(caseId);
  expect(res.status).toBe(200);
  return res.body;
}

describe('relatedCaseId', () => {
  it('links a resubmission and its earlier case in both views and both histories', async () => {
    const first = (await submit('portal-sc', sw005())).body.caseId;
    const res = await submit('portal-sc', sw005('portal-sc', { relatedCaseId: first }));
    expect(res.status).toBe(202);
    const second = res.body.caseId;

    const later = await view(second);
    expect(later.relatedCases).toEqual([{ caseId: first, relation: 'resubmission-of' }]);
    expect(later.history[0]).toMatchObject({
      status: 'SUBMITTED',
      actor: 'portal-sc',
      note: `resubmission of ${first}`,
    });

    const earlier = await linked(first);
    expect(earlier.relatedCases).toEqual([{ caseId: second, relation: 'resubmitted-as' }]);
    expect(earlier.status).toBe('ROUTED');
    expect(earlier.history.at(-1)).toMatchObject({
      status: 'ROUTED',
      actor: 'portal-sc',
      note: `resubmitted as ${second}`,
    });
  });

  it('links once when the same submission is replayed with its Idempotency-Key', async () => {
    const first = (await submit('portal-sc', sw005())).body.caseId;
    const body = sw005('portal-sc', { relatedCaseId: first });
    const k = key();
    const a = await gw.client('portal-sc').submitCase<{ caseId: string }>(body, k);
    const b = await gw.client('portal-sc').submitCase<{ caseId: string }>(body, k);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body.caseId).toBe(a.body.caseId);
    const earlier = await linked(first);
    expect(earlier.relatedCases).toEqual([{ caseId: a.body.caseId, relation: 'resubmitted-as' }]);
    expect(earlier.history.filter((h) => h.note?.startsWith('resubmitted as'))).toHaveLength(1);
  });

  it("refuses another portal's case exactly as an unknown one, 422 GW_RELATED_CASE_UNKNOWN at /relatedCaseId", async () => {
    const theirs = (await submit('portal-cq', sw005('portal-cq'))).body.caseId;
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const answers = [];
    for (const relatedCaseId of [theirs, unknown]) {
      const res = await submit('portal-sc', sw005('portal-sc', { relatedCaseId }));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('GW_RELATED_CASE_UNKNOWN');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: '/relatedCaseId', keyword: 'relatedCaseId' }),
      ]);
      answers.push(
        JSON.stringify(res.body)
          .replaceAll(relatedCaseId, '<id>')
          .replace(/"requestId":"[^"]+"/, ''),
      );
    }
    expect(answers[0]).toBe(answers[1]);
    // Nothing was linked on the other portal's case.
    expect((await view(theirs, 'portal-cq')).relatedCases).toEqual([]);
  });

  it('refuses a relatedCaseId that is not a case id in the envelope stage, 422 GW_VALIDATION_FAILED', async () => {
    const res = await submit('portal-sc', sw005('portal-sc', { relatedCaseId: 'case-1' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/relatedCaseId' })]);
  });
});
