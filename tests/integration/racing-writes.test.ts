// Writes that race on one record, sent at once over HTTP as a province retrying in a hurry, two
// clerks or two browser tabs do (gateway/README.md#province-events, #evaluations, #idempotency):
// each record's move is one Lua step, so of the racing requests exactly one moves it, the others
// are told what happened (a duplicate, 409, or the first request's answer), and the record keeps
// one history entry per move — never two, never a mix of both requests.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, readCase, submit } from '../support/case-flow.ts';
import { evaluate, readRectification, rectificationEvent } from '../support/evaluation-flow.ts';
import { plainRedis } from '../support/redis.ts';

let gw: ApiGateway;
let admin: Redis;
beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' });
  admin = plainRedis();
});
afterAll(async () => {
  await gw?.close();
  admin?.disconnect();
});

const at = () => new Date().toISOString();
const RACERS = 12;

function post(caseId: string, event: Record<string, unknown>) {
  return gw
    .client('province-yn')
    .request<{ status: string; duplicate: boolean; code?: string }>(
      'POST',
      `/v1/cases/${caseId}/events`,
      { json: event },
    );
}

/** The ids of the cases stored under this gateway's prefix. */
async function storedCaseIds(): Promise<string[]> {
  const keys = await admin.keys(`${gw.config.keyPrefix}:*:case:*`);
  return keys.flatMap((k) => /:case:([0-9A-Z]{26})$/.exec(k)?.[1] ?? []);
}

interface History {
  status: string;
  history: { status: string; note?: string }[];
  result?: Record<string, unknown>;
}

describe('writes racing on one case', () => {
  it(`applies the same province event sent ${RACERS} times at once once: one answer duplicate: false, the rest duplicate: true, one history entry`, async () => {
    const { caseId } = await submit(gw);
    const event = { type: 'accepted', at: at(), provinceCaseNo: 'YN-RACE-1', note: '已受理' };
    const answers = await Promise.all(Array.from({ length: RACERS }, () => post(caseId, event)));
    expect(answers.map((a) => a.status)).toEqual(Array(RACERS).fill(200));
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.status))).toEqual(new Set(['IN_PROGRESS']));
    const view = await readCase<History>(gw, caseId);
    expect(view.history.filter((h) => h.status === 'IN_PROGRESS')).toHaveLength(1);
  });

  it('lets one of two different decisions sent at once win — 200 for it, 409 GW_ILLEGAL_TRANSITION for the other — and keeps the winner’s result alone', async () => {
    const { caseId } = await submit(gw);
    expect((await post(caseId, { type: 'accepted', at: at() })).status).toBe(200);
    const decisions = ['approved', 'rejected'];
    const answers = await Promise.all(
      decisions.map((decision) =>
        post(caseId, { type: 'decided', at: at(), result: { decision } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('GW_ILLEGAL_TRANSITION');
    const winner = decisions[answers.findIndex((a) => a.status === 200)];
    const view = await readCase<History>(gw, caseId);
    expect(view.status).toBe('DECIDED');
    expect(view.result).toEqual({ decision: winner });
    expect(view.history.filter((h) => h.status === 'DECIDED')).toHaveLength(1);
  });

  it(`answers ${RACERS} submissions at once under one Idempotency-Key with one case, stored once`, async () => {
    const key = `race-${Date.now()}`;
    const before = await storedCaseIds();
    const answers = await Promise.all(
      Array.from({ length: RACERS }, () =>
        gw.client('portal-sc').submitCase<{ caseId: string }>(validExample('SF-009'), key),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(RACERS).fill(202));
    const ids = new Set(answers.map((a) => a.body.caseId));
    expect(ids.size).toBe(1);
    const made = (await storedCaseIds()).filter((id) => !before.includes(id));
    expect(made).toEqual([...ids]);
  });
});

describe('ratings racing on one closed case', () => {
  it('records one of five ratings of one party sent at once under different keys (201) and refuses the others 409 GW_ALREADY_EVALUATED; the case lists the one recorded', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, at());
    const levels = [1, 2, 5, 3, 4];
    const answers = await Promise.all(
      levels.map((level, i) =>
        evaluate(gw, caseId, { level, rated: 'handling' }, { key: `race-rate-${caseId}-${i}` }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body.code).toBe('GW_ALREADY_EVALUATED');
    const recorded = answers.find((a) => a.status === 201)!.body;
    const view = await readCase<{ evaluations: { evaluationId: string; level: number }[] }>(
      gw,
      caseId,
    );
    expect(view.evaluations.map((e) => [e.evaluationId, e.level])).toEqual([
      [recorded.evaluationId, recorded.level],
    ]);
  });

  it('moves a 差评’s rectification once when 已整改 and 已说明 are sent at once: one 200, one 409, its history one move', async () => {
    const { caseId } = await submit(gw);
    await close(gw, 'province-yn', caseId, at());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    const id = rated.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
    const moves = ['rectified', 'explained'];
    const answers = await Promise.all(moves.map((type) => rectificationEvent(gw, id, type)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.status;
    const read = await readRectification<{ status: string; history: { status: string }[] }>(gw, id);
    expect(read.body.status).toBe(winner);
    expect(read.body.history.map((h) => h.status).filter((s) => s === winner)).toHaveLength(1);
    expect(
      read.body.history.filter((h) => ['RECTIFIED', 'EXPLAINED'].includes(h.status)),
    ).toHaveLength(1);
  });
});
