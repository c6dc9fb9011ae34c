// Bad input to the 好差评 and 督办 endpoints (gateway/README.md#evaluations,
// gateway/README.md#supervision-engine): every malformed body or query is a 4xx problem naming the
// field by a JSON pointer, English and Chinese — never a 500 — and stores nothing: no evaluation,
// no rectification move, no counter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { evaluate, readRectification } from '../../support/evaluation-flow.ts';
import { testClock } from '../../support/test-clock.ts';

interface Problem {
  code: string;
  errors?: { path: string; message: string; messageZh: string }[];
}

const clock = testClock('2026-09-10T02:00:00Z');
let gw: ApiGateway;
let caseId: string;
let rectId: string;
beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  ({ caseId } = await submit(gw, 'SF-009'));
  await close(gw, 'province-yn', caseId, clock.now().toISOString());
  // A second case with a 差评, so its rectification can be sent bad moves.
  const other = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', other.caseId, clock.now().toISOString());
  rectId = (await evaluate(gw, other.caseId, { level: 1, rated: 'handling' })).body.rectification!
    .id;
});
afterAll(async () => gw?.close());

const pointers = (p: Problem) => (p.errors ?? []).map((e) => e.path).sort();

async function nothingStored() {
  expect((await readCase<{ evaluations: unknown[] }>(gw, caseId)).evaluations).toEqual([]);
  const r = await readRectification<{ status: string; history: unknown[] }>(gw, rectId);
  expect(r.body.status).toBe('OPEN');
  expect(r.body.history).toHaveLength(1);
  const stats = await gw
    .client('operator-dev')
    .request<{ totals: { evaluations: number } }>('GET', '/v1/stats/evaluations');
  expect(stats.body.totals.evaluations).toBe(1);
}

describe('POST /v1/cases/{caseId}/evaluations', () => {
  it.each([
    ['no level', { rated: 'handling' }, ['/level']],
    ['level 0', { level: 0, rated: 'handling' }, ['/level']],
    ['level 6', { level: 6, rated: 'handling' }, ['/level']],
    ['level 2.5', { level: 2.5, rated: 'handling' }, ['/level']],
    ['level as text', { level: '5', rated: 'handling' }, ['/level']],
    ['no rated party', { level: 5 }, ['/rated']],
    ['an unknown rated party', { level: 5, rated: 'window' }, ['/rated']],
    ['empty indicators', { level: 5, rated: 'handling', indicators: {} }, ['/indicators']],
    [
      'an unknown indicator',
      { level: 5, rated: 'handling', indicators: { speed: 5 } },
      ['/indicators/speed'],
    ],
    [
      'an indicator of 7',
      { level: 5, rated: 'handling', indicators: { overall: 7 } },
      ['/indicators/overall'],
    ],
    ['an empty comment', { level: 5, rated: 'handling', comment: '' }, ['/comment']],
    [
      'a comment of 501 characters',
      { level: 5, rated: 'handling', comment: '慢'.repeat(501) },
      ['/comment'],
    ],
    ['an unknown property', { level: 5, rated: 'handling', stars: 5 }, ['/stars']],
    ['an array', [{ level: 5, rated: 'handling' }], ['']],
  ])('refuses %s with 422 at the field and stores nothing', async (_, body, paths) => {
    const res = await evaluate(gw, caseId, body as Record<string, unknown>);
    expect(res.status).toBe(422);
    const problem = res.body as unknown as Problem;
    expect(problem.code).toBe('GW_VALIDATION_FAILED');
    expect(pointers(problem)).toEqual(paths);
    expect(problem.errors![0]!.messageZh).toMatch(/[\u4e00-\u9fff]/);
    await nothingStored();
  });

  it.each([
    ['missing', undefined],
    ['too short', 'short'],
    ['with a space', 'has a space in it'],
  ])('refuses an Idempotency-Key %s with 400 GW_IDEMPOTENCY_KEY_REQUIRED', async (_, key) => {
    const res = await gw
      .client('portal-sc')
      .request<Problem>('POST', `/v1/cases/${caseId}/evaluations`, {
        json: { level: 5, rated: 'handling' },
        headers: key === undefined ? {} : { 'Idempotency-Key': key },
      });
    expect([res.status, res.body.code]).toEqual([400, 'GW_IDEMPOTENCY_KEY_REQUIRED']);
    await nothingStored();
  });

  it('answers 404 for a malformed or unknown case id', async () => {
    for (const id of ['not-a-case', '01M8A6CZPRES77V92H9G3NCHAN']) {
      const res = await evaluate(gw, id, { level: 5, rated: 'handling' });
      expect([res.status, (res.body as unknown as Problem).code]).toEqual([
        404,
        'GW_CASE_NOT_FOUND',
      ]);
    }
  });
});

describe('rectification bodies', () => {
  const post = (path: string, body: unknown, client: string) =>
    gw
      .client(client)
      .request<Problem>('POST', `/v1/rectifications/${rectId}/${path}`, { json: body });

  it.each([
    ['events', 'province-yn', { type: 'fixed', note: 'n' }, ['/type']],
    ['events', 'province-yn', { type: 'visited' }, ['/note']],
    ['events', 'province-yn', { type: 'visited', note: '' }, ['/note']],
    ['events', 'province-yn', { type: 'visited', note: 'n'.repeat(501) }, ['/note']],
    ['events', 'province-yn', { type: 'visited', note: 'n', at: 'now' }, ['/at']],
    ['re-rating', 'portal-sc', {}, ['/level']],
    ['re-rating', 'portal-sc', { level: 0 }, ['/level']],
    ['re-rating', 'portal-sc', { level: 6 }, ['/level']],
    ['re-rating', 'portal-sc', { level: 5, comment: 'c'.repeat(501) }, ['/comment']],
    ['appeal-decision', 'operator-dev', { decision: 'maybe', note: 'n' }, ['/decision']],
    ['appeal-decision', 'operator-dev', { decision: 'upheld' }, ['/note']],
  ])(
    'refuses a bad %s body with 422 at the field and moves nothing',
    async (path, client, body, paths) => {
      const res = await post(path, body, client);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('GW_VALIDATION_FAILED');
      expect(pointers(res.body)).toEqual(paths);
      await nothingStored();
    },
  );

  it('answers 404 GW_RECTIFICATION_NOT_FOUND for a malformed or unknown id', async () => {
    for (const id of ['RC5', 'RC99' + '0'.repeat(26), 'RC5301M8A6CZPRES77V92H9G3NCHAN']) {
      const res = await gw
        .client('operator-dev')
        .request<Problem>('GET', `/v1/rectifications/${id}`);
      expect(res.status).toBe(404);
    }
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', '/v1/rectifications/RC53X/events', {
        json: { type: 'visited', note: 'n' },
      });
    expect([res.status, res.body.code]).toEqual([404, 'GW_RECTIFICATION_NOT_FOUND']);
  });
});

describe('queries', () => {
  const get = (path: string, client = 'operator-dev') =>
    gw.client(client).request<Problem>('GET', path);
  const garbage = Buffer.from('not a position').toString('base64url');

  it.each([
    ['/v1/rectifications?status=DONE', '/query/status'],
    ['/v1/rectifications?limit=0', '/query/limit'],
    ['/v1/rectifications?limit=201', '/query/limit'],
    ['/v1/rectifications?limit=ten', '/query/limit'],
    ['/v1/rectifications?cursor=a%20b', '/query/cursor'],
    [`/v1/rectifications?cursor=${garbage}`, '/query/cursor'],
    ['/v1/supervision/notices?limit=500', '/query/limit'],
    [`/v1/supervision/notices?cursor=${garbage}`, '/query/cursor'],
    ['/v1/stats/evaluations?province=5', '/query/province'],
    ['/v1/stats/evaluations?itemCode=sw-5', '/query/itemCode'],
    ['/v1/stats/evaluations?from=2026-13-01', '/query/from'],
    ['/v1/stats/evaluations?to=yesterday', '/query/to'],
    ['/v1/stats/evaluations?from=2026-09-11&to=2026-09-10', '/query/from'],
    ['/v1/stats/supervision?province=yn', '/query/province'],
    ['/v1/stats/supervision?itemCode=1', '/query/itemCode'],
  ])('refuses %s with 400 GW_INVALID_PARAMETER at %s', async (path, pointer) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('GW_INVALID_PARAMETER');
    expect(pointers(res.body)).toEqual([pointer]);
    expect(res.body.errors![0]!.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('takes limit 200 and an empty status as the edge allows', async () => {
    expect((await get('/v1/rectifications?limit=200&status=')).status).toBe(200);
    expect((await get('/v1/supervision/notices?limit=1')).status).toBe(200);
  });
});
