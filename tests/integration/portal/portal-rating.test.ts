// 好差评 from the reference portal (README.md#the-taxpayer-portal), without a browser, against the
// real gateway behind a gate that can lose one of its answers: a rating the gateway stored whose
// answer never reached the portal is answered 201 when the taxpayer presses again, under the one
// Idempotency-Key of that account's rating of that case; a case rated already is answered 409
// PORTAL_ALREADY_RATED with the rating kept, and its view carries that rating; a 差评 an upheld
// appeal voided is shown voided, and the case still cannot be rated again.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { event, readCase } from '../../support/case-flow.ts';
import {
  decideAppeal,
  defaultReRatingPass,
  evaluate,
  readRectification,
  rectificationEvent,
} from '../../support/evaluation-flow.ts';
import { startGatewayGate, type GatewayGate } from '../../support/gateway-gate.ts';
import { paidResultOf } from '../../support/payment-results.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';

let gw: ApiGateway;
let gate: GatewayGate;
let portal: RunningPortal;
beforeAll(async () => {
  gw = await startApiGateway();
  gate = await startGatewayGate(gw.url);
  portal = await startPortal({
    config: testPortalConfig({ PORTAL_GATEWAY_URL: gate.url }),
  });
});
afterAll(async () => {
  await portal?.stop();
  await gate?.close();
  await gw?.close();
});

let n = 0;
const { session, call, paymentValues } = portalClient(() => portal.url);

/** A payment submitted through the portal, then paid and closed by 云南's tax core. */
async function closedPayment(s: PortalSession): Promise<string> {
  const res = await call(s, '/api/payments', {
    values: await paymentValues(s),
    submissionKey: `rating-${Date.now()}-${n++}`,
  });
  expect(res.status).toBe(202);
  const { caseId } = (await res.json()) as { caseId: string };
  const at = new Date().toISOString();
  await event(gw, 'province-yn', caseId, 'accepted', at);
  await event(gw, 'province-yn', caseId, 'decided', at, { result: await paidResultOf(gw, caseId) });
  await event(gw, 'province-yn', caseId, 'result-delivered', at);
  return caseId;
}

const rate = (s: PortalSession, caseId: string, body: Record<string, unknown>) =>
  call(s, `/api/cases/${caseId}/evaluation`, body);

const ratingsOf = async (caseId: string) =>
  (
    await readCase<{ evaluations: { evaluationId: string; level: number; source: string }[] }>(
      gw,
      caseId,
    )
  ).evaluations;

describe('rating a case when the answer is lost', () => {
  it('answers the resend with the first 201 under the same Idempotency-Key, naming neither login nor case, and the gateway keeps one rating', async () => {
    const received: string[] = [];
    const capture = (req: IncomingMessage) => {
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && req.url?.endsWith('/evaluations') && typeof key === 'string')
        received.push(key);
    };
    const s = await session();
    const caseId = await closedPayment(s);
    gw.server.on('request', capture);
    try {
      const body = { level: 4, comment: '缴款顺利' };
      const lost = gate.loseAnswerToNext('POST', `/v1/cases/${caseId}/evaluations`);
      const first = await rate(s, caseId, body);
      expect(first.status).toBe(503);
      // The gateway did store it: only its answer was lost.
      expect(await lost).toBe(201);

      const resend = await rate(s, caseId, body);
      expect(resend.status).toBe(201);
      const answer = (await resend.json()) as { evaluationId: string };
      expect(answer).toMatchObject({ caseId, rated: 'handling', level: 4 });
      expect(await ratingsOf(caseId)).toEqual([
        expect.objectContaining({
          evaluationId: answer.evaluationId,
          level: 4,
          source: 'applicant',
        }),
      ]);

      expect(received).toHaveLength(2);
      expect(received[1]).toBe(received[0]);
      expect(received[0]).toMatch(/^portal-rating-[A-Za-z0-9_-]{43}$/);
      expect(received[0]).not.toContain(caseId);
      expect(received[0]).not.toContain('shudao');
    } finally {
      gw.server.off('request', capture);
    }
  });
});

/** `2026-12-03T13:02:07.123Z` → `2026-12-03 21:02:07`, computed apart from the portal's code. */
const chinaSeconds = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(new Date(iso));

describe('rating a case rated already', () => {
  it('answers another level for a case this account rated with 409 PORTAL_ALREADY_RATED and the level kept', async () => {
    const s = await session();
    const caseId = await closedPayment(s);
    expect((await rate(s, caseId, { level: 5 })).status).toBe(201);

    const again = await rate(s, caseId, { level: 2, comment: '改个评价' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      code: 'PORTAL_ALREADY_RATED',
      title: '本办件已评价',
      rating: {
        level: 5,
        source: 'applicant',
        at: expect.any(String),
        shownAt: expect.any(String),
        voided: false,
      },
    });
    expect(await ratingsOf(caseId)).toEqual([expect.objectContaining({ level: 5 })]);
  });

  it('answers 409 PORTAL_ALREADY_RATED with the rating the case shows when it was rated under another key, and the case view carries that rating', async () => {
    const s = await session();
    const caseId = await closedPayment(s);
    const view = async () =>
      ((await (await call(s, `/api/cases/${caseId}`)).json()) as { rating: unknown }).rating;
    expect(await view()).toBeNull();
    // Rated before this portal's key was used (another key, as the previous version sent one).
    expect((await evaluate(gw, caseId, { level: 3, rated: 'handling' })).status).toBe(201);

    const res = await rate(s, caseId, { level: 5 });
    expect(res.status).toBe(409);
    const kept = {
      level: 3,
      source: 'applicant',
      at: expect.any(String),
      shownAt: expect.any(String),
      voided: false,
    };
    expect(await res.json()).toEqual({
      code: 'PORTAL_ALREADY_RATED',
      title: '本办件已评价',
      rating: kept,
    });
    expect(await view()).toEqual(kept);
    // The time as the page shows it: China time to the second (the gateway's formatter).
    const { at, shownAt } = (await view()) as { at: string; shownAt: string };
    expect(shownAt).toBe(chinaSeconds(at));
  });
});

describe('a rating voided by an upheld appeal', () => {
  it('shows in the case view as voided, and pressing again is answered 409 PORTAL_ALREADY_RATED with the voided rating, the gateway keeping that one', async () => {
    const s = await session();
    const caseId = await closedPayment(s);
    const rated = await rate(s, caseId, { level: 1, comment: '窗口态度差' });
    expect(rated.status).toBe(201);
    const { rectification } = (await rated.json()) as { rectification: { id: string } };
    // 云南 appeals (申诉复核) and an operator upholds it: the 差评 was untrue.
    expect((await rectificationEvent(gw, rectification.id, 'appealed')).status).toBe(200);
    expect((await decideAppeal(gw, rectification.id, 'upheld')).body.status).toBe('VOIDED');

    const voided = {
      level: 1,
      source: 'applicant',
      at: expect.any(String),
      shownAt: expect.any(String),
      voided: true,
    };
    const view = await call(s, `/api/cases/${caseId}`);
    expect(((await view.json()) as { rating: unknown }).rating).toEqual(voided);

    const again = await rate(s, caseId, { level: 4 });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      code: 'PORTAL_ALREADY_RATED',
      title: '本办件已评价',
      rating: voided,
    });
    expect(await ratingsOf(caseId)).toEqual([
      expect.objectContaining({ level: 1, source: 'applicant', voided: true }),
    ]);
  });
});

describe('what the rating form may send', () => {
  it('refuses a level that is not a JSON whole number 1–5 — true, "5", " 2 ", "0x3", [4], 4.5, 0, 6, null — with 400 PORTAL_BAD_FORM, and the case stays unrated', async () => {
    const s = await session();
    const caseId = await closedPayment(s);
    for (const level of [true, '5', ' 2 ', '0x3', [4], 4.5, 0, 6, null]) {
      const res = await rate(s, caseId, { level });
      expect(res.status, JSON.stringify(level)).toBe(400);
      expect(await res.json()).toEqual({
        code: 'PORTAL_BAD_FORM',
        title: '请选择评价等级',
        pointer: '/level',
      });
    }
    expect(await ratingsOf(caseId)).toEqual([]);
    expect((await rate(s, caseId, { level: 4 })).status).toBe(201);
  });

  it('refuses a comment that is not text — a number, an object, an array, null — with 400 PORTAL_BAD_FORM, and the case stays unrated', async () => {
    const s = await session();
    const caseId = await closedPayment(s);
    for (const comment of [42, { text: '很好' }, ['很好'], null]) {
      const res = await rate(s, caseId, { level: 5, comment });
      expect(res.status, JSON.stringify(comment)).toBe(400);
      expect(await res.json()).toEqual({
        code: 'PORTAL_BAD_FORM',
        title: '评价意见应为文字',
        pointer: '/comment',
      });
    }
    expect(await ratingsOf(caseId)).toEqual([]);
    expect((await rate(s, caseId, { level: 5 })).status).toBe(201);
  });

  it('keeps a comment of 500 characters whose last lies outside the BMP whole, and cuts a longer one at 500 characters, never inside one', async () => {
    const s = await session();
    const whole = `${'评'.repeat(499)}😀`;
    const first = await closedPayment(s);
    expect((await rate(s, first, { level: 5, comment: whole })).status).toBe(201);
    const longer = await closedPayment(s);
    expect((await rate(s, longer, { level: 5, comment: `${whole}😀😀` })).status).toBe(201);
    const comments = await Promise.all(
      [first, longer].map(
        async (caseId) =>
          (await readCase<{ evaluations: { comment?: string }[] }>(gw, caseId, 'operator-dev'))
            .evaluations[0]?.comment,
      ),
    );
    // operator-dev holds unmask: the comments as stored.
    expect(comments).toEqual([whole, whole]);
  });
});

const reRate = (s: PortalSession, caseId: string, body: unknown) =>
  call(s, `/api/cases/${caseId}/re-rating`, body);

/** A closed case the account rated 非常不满意 through the portal; its rectification's id. */
async function badlyRated(s: PortalSession): Promise<{ caseId: string; id: string }> {
  const caseId = await closedPayment(s);
  expect((await rate(s, caseId, { level: 1, comment: '缴款页面多次超时' })).status).toBe(201);
  const view = await readCase<{ evaluations: { rectificationId: string }[] }>(gw, caseId);
  return { caseId, id: view.evaluations[0]!.rectificationId };
}

async function rectified(s: PortalSession): Promise<{ caseId: string; id: string }> {
  const bad = await badlyRated(s);
  expect((await rectificationEvent(gw, bad.id, 'visited', '已电话回访')).status).toBe(200);
  expect((await rectificationEvent(gw, bad.id, 'rectified', '已优化超时设置')).status).toBe(200);
  return bad;
}

describe('re-rating a rectified 差评 from the portal', () => {
  it('closes the rectification with the level sent, answering 200 with it CLOSED and the re-rating, which the gateway keeps as the applicant’s; the same press again is 200 duplicate', async () => {
    const s = await session();
    const { caseId, id } = await rectified(s);
    const res = await reRate(s, caseId, { level: 4, comment: '  已改进，满意  ' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'CLOSED',
      duplicate: false,
      rectification: {
        status: 'CLOSED',
        reRating: { level: 4, source: 'applicant', shownAt: expect.any(String) },
      },
    });
    const kept = await readRectification<{
      status: string;
      reRating: { level: number; source: string; comment: string };
    }>(gw, id);
    expect(kept.body).toMatchObject({
      status: 'CLOSED',
      reRating: { level: 4, source: 'applicant', comment: '已改进，满意' },
    });
    const again = await reRate(s, caseId, { level: 4, comment: '已改进，满意' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'CLOSED', duplicate: true });
  });

  it('answers a press whose answer the gateway lost with 503, and the resend with 200 duplicate: the rectification re-rated once', async () => {
    const s = await session();
    const { caseId, id } = await rectified(s);
    const lost = gate.loseAnswerToNext('POST', `/v1/rectifications/${id}/re-rating`);
    expect((await reRate(s, caseId, { level: 5 })).status).toBe(503);
    expect(await lost).toBe(200);
    const resend = await reRate(s, caseId, { level: 5 });
    expect(resend.status).toBe(200);
    expect(await resend.json()).toMatchObject({
      duplicate: true,
      rectification: { status: 'CLOSED', reRating: { level: 5, source: 'applicant' } },
    });
    const history = (await readRectification<{ history: { note?: string }[] }>(gw, id)).body
      .history;
    expect(history.filter((h) => h.note?.startsWith('re-rated'))).toHaveLength(1);
  });

  it('answers 409 PORTAL_ALREADY_RE_RATED with the 基本满意 recorded by default once the re-rating window ended, and another level after the applicant re-rated likewise', async () => {
    const s = await session();
    const late = await rectified(s);
    const eightDays = Date.now() + 8 * 86_400_000;
    expect(await defaultReRatingPass(gw, () => new Date(eightDays), eightDays)).toBeGreaterThan(0);
    const res = await reRate(s, late.caseId, { level: 5 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      code: 'PORTAL_ALREADY_RE_RATED',
      title: '整改已办结，不能再次复评',
      rectification: { status: 'CLOSED', reRating: { level: 3, source: 'default' } },
    });
    expect((await readRectification<{ reRating: unknown }>(gw, late.id)).body.reRating).toEqual(
      expect.objectContaining({ level: 3, source: 'default' }),
    );

    const twice = await rectified(s);
    expect((await reRate(s, twice.caseId, { level: 2 })).status).toBe(200);
    const other = await reRate(s, twice.caseId, { level: 5 });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({
      code: 'PORTAL_ALREADY_RE_RATED',
      rectification: { reRating: { level: 2, source: 'applicant' } },
    });
  });

  it('answers 409 PORTAL_NOT_RE_RATABLE for a 差评 the province has not yet rectified or explained, and for a case with no 差评, leaving the rectification open', async () => {
    const s = await session();
    const open = await badlyRated(s);
    const res = await reRate(s, open.caseId, { level: 5 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      code: 'PORTAL_NOT_RE_RATABLE',
      title: '经营地税务机关尚未整改或作出说明，暂不能复评',
      rectification: { status: 'OPEN' },
    });
    expect((await readRectification<{ status: string }>(gw, open.id)).body.status).toBe('OPEN');

    const good = await closedPayment(s);
    expect((await rate(s, good, { level: 5 })).status).toBe(201);
    for (const caseId of [good, await closedPayment(s)]) {
      const none = await reRate(s, caseId, { level: 5 });
      expect(none.status).toBe(409);
      expect(await none.json()).toEqual({
        code: 'PORTAL_NOT_RE_RATABLE',
        title: '本办件没有待复评的差评整改',
      });
    }
  });

  it('refuses bad input with a 4xx and a stable code, never a 500 — a level not 1–5 or not a number, a comment not text, a body not JSON, another enterprise’s case — and the rectification stays awaiting its re-rating', async () => {
    const s = await session();
    const { caseId, id } = await rectified(s);
    for (const level of [true, '5', 0, 6, 4.5, null, undefined]) {
      const res = await reRate(s, caseId, { level });
      expect(res.status, JSON.stringify(level)).toBe(400);
      expect(await res.json()).toEqual({
        code: 'PORTAL_BAD_FORM',
        title: '请选择评价等级',
        pointer: '/level',
      });
    }
    for (const comment of [42, { text: '好' }, ['好'], null]) {
      const res = await reRate(s, caseId, { level: 4, comment });
      expect(res.status, JSON.stringify(comment)).toBe(400);
      expect(await res.json()).toEqual({
        code: 'PORTAL_BAD_FORM',
        title: '评价意见应为文字',
        pointer: '/comment',
      });
    }
    const notJson = await fetch(`${portal.url}/api/cases/${caseId}/re-rating`, {
      method: 'POST',
      headers: {
        Cookie: s.cookie,
        'X-CSRF-Token': s.csrf,
        'Content-Type': 'application/json',
        Origin: portal.url,
      },
      body: '{"level": 4',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { code: string }).code).toBe('PORTAL_BAD_REQUEST');
    const other = await reRate(await session('xiaohong'), caseId, { level: 4 });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('PORTAL_CASE_NOT_FOUND');
    const noCsrf = await fetch(`${portal.url}/api/cases/${caseId}/re-rating`, {
      method: 'POST',
      headers: { Cookie: s.cookie, 'Content-Type': 'application/json', Origin: portal.url },
      body: JSON.stringify({ level: 4 }),
    });
    expect(noCsrf.status).toBe(403);
    expect((await readRectification<{ status: string }>(gw, id)).body.status).toBe('RECTIFIED');
  });
});
