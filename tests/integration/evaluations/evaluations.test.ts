// 好差评 (gateway/README.md#evaluations) with an injected clock: the submitting portal rates a
// closed case once per rated party within the window (7 days by default), idempotently by key;
// refusals 409 GW_ALREADY_EVALUATED and 422 GW_NOT_EVALUABLE (not closed, wrong party, window
// passed, joint parent); 基本满意 recorded by default once the window ends, once however many
// workers race; comments masked on the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDefaultRatings } from '../../../gateway/evaluations/default-ratings.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { evaluate } from '../../support/evaluation-flow.ts';
import { inClear, keysUnder, rawBytes } from '../../support/personal-scan.ts';
import { plainRedis } from '../../support/redis.ts';
import { DAY_MS, testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
});
afterAll(async () => gw?.close());

interface CaseEvaluation {
  rated: string;
  level: number;
  source: string;
  comment: string | null;
  indicators: Record<string, number> | null;
}

const evaluationsOf = async (caseId: string, reader = 'portal-sc') =>
  (await readCase<{ evaluations: CaseEvaluation[] }>(gw, caseId, reader)).evaluations;

/** A proxy case (SF-009: 四川 collects, 云南 handles) submitted and closed at the clock's time. */
async function closedCase(): Promise<string> {
  const { caseId } = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', caseId, clock.now().toISOString());
  return caseId;
}

const defaults = () =>
  recordDefaultRatings({
    store: gw.services.store,
    evaluations: gw.services.evaluations,
    provinces: gw.services.provinces,
    log: gw.services.logger,
    now: clock.now,
  });

describe('rating a closed case', () => {
  it('records the handling authority’s rating with its indicators and shows it, comment masked', async () => {
    clock.set('2026-09-10T02:00:00Z');
    const caseId = await closedCase();
    const res = await evaluate(gw, caseId, {
      level: 5,
      rated: 'handling',
      indicators: { overall: 5, efficiency: 4, guideAccuracy: 5, convenience: 5, usability: 4 },
      comment: '办得很快，有事请打 13759812345',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ level: 5, rated: 'handling', at: '2026-09-10T02:00:00.000Z' });
    expect(res.body.evaluationId).toMatch(/^EV[0-9A-Z]{26}$/);
    expect(res.body.rectification).toBeUndefined();
    expect(await evaluationsOf(caseId)).toEqual([
      expect.objectContaining({
        rated: 'handling',
        level: 5,
        source: 'applicant',
        indicators: { overall: 5, efficiency: 4, guideAccuracy: 5, convenience: 5, usability: 4 },
        comment: '办得很快，有事请打 137****2345',
      }),
    ]);
    const unmasked = await evaluationsOf(caseId, 'operator-dev');
    expect(unmasked[0]?.comment).toContain('13759812345');
  });

  it('keeps the applicant’s comments sealed in Redis: neither comment is there in clear', async () => {
    const caseId = await closedCase();
    const comment = '经办人王小明，电话13800138000，身份证510104199001011234';
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling', comment });
    expect(rated.status).toBe(201);
    const reRating = '整改后满意，再联系13900139000';
    await gw
      .client('province-yn')
      .request('POST', `/v1/rectifications/${rated.body.rectification!.id}/events`, {
        json: { type: 'visited', note: 'called the applicant' },
      });
    await gw
      .client('province-yn')
      .request('POST', `/v1/rectifications/${rated.body.rectification!.id}/events`, {
        json: { type: 'explained', note: 'the rule requires it' },
      });
    const res = await gw
      .client('portal-sc')
      .request('POST', `/v1/rectifications/${rated.body.rectification!.id}/re-rating`, {
        json: { level: 4, comment: reRating },
      });
    expect(res.status).toBe(200);
    const redis = plainRedis();
    try {
      const stored = await rawBytes(redis, await keysUnder(redis, gw.config.keyPrefix));
      expect(
        inClear(stored, ['王小明', '13800138000', '510104199001011234', '13900139000']),
      ).toEqual([]);
    } finally {
      redis.disconnect();
    }
    // Operators with unmask read them back whole.
    expect((await evaluationsOf(caseId, 'operator-dev'))[0]?.comment).toBe(comment);
    const rect = await gw
      .client('operator-dev')
      .request<{ reRating: { comment: string } }>(
        'GET',
        `/v1/rectifications/${rated.body.rectification!.id}`,
      );
    expect(rect.body.reRating.comment).toBe(reRating);
  });

  it('replays the same key and body, and refuses the key with another body (409 GW_IDEMPOTENCY_CONFLICT)', async () => {
    const caseId = await closedCase();
    const key = `same-key-${caseId}`;
    const first = await evaluate(gw, caseId, { level: 4, rated: 'handling' }, { key });
    const again = await evaluate(gw, caseId, { level: 4, rated: 'handling' }, { key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await evaluate(gw, caseId, { level: 3, rated: 'handling' }, { key });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('GW_IDEMPOTENCY_CONFLICT');
    expect(await evaluationsOf(caseId)).toHaveLength(1);
  });

  it('refuses a second rating of the same party (409 GW_ALREADY_EVALUATED) but rates the proxy case’s collecting window', async () => {
    const caseId = await closedCase();
    expect((await evaluate(gw, caseId, { level: 4, rated: 'handling' })).status).toBe(201);
    const twice = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('GW_ALREADY_EVALUATED');
    expect((await evaluate(gw, caseId, { level: 3, rated: 'collecting' })).status).toBe(201);
    expect((await evaluationsOf(caseId)).map((e) => [e.rated, e.level])).toEqual([
      ['handling', 4],
      ['collecting', 3],
    ]);
  });

  it('refuses with 422 GW_NOT_EVALUABLE a case not closed, an online case’s collecting window (its pointer at /rated), and a joint parent', async () => {
    const open = await submit(gw, 'SF-009');
    const notClosed = await evaluate(gw, open.caseId, { level: 5, rated: 'handling' });
    expect([notClosed.status, notClosed.body.code]).toEqual([422, 'GW_NOT_EVALUABLE']);

    const online = await submit(gw, 'RS-012');
    await close(gw, 'province-cq', online.caseId, clock.now().toISOString());
    const collecting = await evaluate(gw, online.caseId, { level: 5, rated: 'collecting' });
    expect([collecting.status, collecting.body.code]).toEqual([422, 'GW_NOT_EVALUABLE']);
    // The one refusal that is the body's: its pointer names the field.
    expect(collecting.body.errors).toEqual([
      expect.objectContaining({
        path: '/rated',
        messageZh: expect.stringContaining('该办件为全程网办件'),
      }),
    ]);
    expect((await evaluate(gw, online.caseId, { level: 5, rated: 'handling' })).status).toBe(201);

    const joint = await submit(gw, 'GA-011');
    const parent = await evaluate(gw, joint.caseId, { level: 5, rated: 'handling' });
    expect([parent.status, parent.body.code]).toEqual([422, 'GW_NOT_EVALUABLE']);
    expect(parent.body.detail).toContain(`${joint.caseId}-1`);
    for (const id of [open.caseId, joint.caseId]) expect(await evaluationsOf(id)).toEqual([]);
  });

  it('accepts a rating until 7 days after closing and refuses it after (422 GW_NOT_EVALUABLE)', async () => {
    clock.set('2026-09-10T02:00:00Z');
    const onTime = await closedCase();
    const late = await closedCase();
    clock.set(new Date(Date.parse('2026-09-10T02:00:00Z') + 7 * DAY_MS).toISOString());
    expect((await evaluate(gw, onTime, { level: 5, rated: 'handling' })).status).toBe(201);
    clock.advance(1000);
    const refused = await evaluate(gw, late, { level: 5, rated: 'handling' });
    expect([refused.status, refused.body.code]).toEqual([422, 'GW_NOT_EVALUABLE']);
    expect(refused.body.detail).toMatch(/window of 7 days/);
    expect(await evaluationsOf(late)).toEqual([]);
  });

  it('hides the case from other portals (404) and refuses province clients (403)', async () => {
    const caseId = await closedCase();
    const other = await evaluate(
      gw,
      caseId,
      { level: 5, rated: 'handling' },
      { portal: 'portal-cq' },
    );
    expect([other.status, other.body.code]).toEqual([404, 'GW_CASE_NOT_FOUND']);
    const province = await gw
      .client('province-yn')
      .request('POST', `/v1/cases/${caseId}/evaluations`, {
        json: { level: 5, rated: 'handling' },
        headers: { 'Idempotency-Key': `province-${caseId}` },
      });
    expect(province.status).toBe(403);
    expect(await evaluationsOf(caseId)).toEqual([]);
  });
});

describe('the default rating', () => {
  it('records 基本满意 for each party not rated within 7 days, once however many workers race', async () => {
    clock.set('2026-10-12T02:00:00Z');
    // The windows of the cases above ended long ago: their defaults first.
    await defaults();
    const rated = await closedCase();
    const silent = await closedCase();
    expect((await evaluate(gw, rated, { level: 2, rated: 'handling' })).status).toBe(201);

    clock.advance(7 * DAY_MS - 1000);
    expect(await defaults()).toBe(0);
    clock.advance(2000);
    const counts = await Promise.all([defaults(), defaults(), defaults()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);

    expect((await evaluationsOf(rated)).map((e) => [e.rated, e.level, e.source])).toEqual([
      ['handling', 2, 'applicant'],
      ['collecting', 3, 'default'],
    ]);
    expect((await evaluationsOf(silent)).map((e) => [e.rated, e.level, e.source])).toEqual([
      ['handling', 3, 'default'],
      ['collecting', 3, 'default'],
    ]);
    const late = await evaluate(gw, silent, { level: 5, rated: 'handling' });
    expect([late.status, late.body.code]).toEqual([422, 'GW_NOT_EVALUABLE']);
    expect(await defaults()).toBe(0);
  });
});
