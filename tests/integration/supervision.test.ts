// 督办: warning at 80 % of the promised time, overdue at the due time, escalated a day later;
// paused cases are skipped and closed ones dropped (gateway/README.md#supervision-flags).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superviseOnce } from '../../gateway/supervision/supervision.ts';
import { flagTimes } from '../../gateway/supervision/supervision-schedule.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { paidResult } from '../support/payment-results.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw.close());

interface View {
  status: string;
  dueAt: string;
  createdAt: string;
  flags: { warning: boolean; overdue: boolean; escalated: boolean };
  history: { actor: string; note?: string }[];
}

const supervisorOf = (g: ApiGateway) => ({
  store: g.services.store,
  schedule: g.services.schedule,
  log: g.services.logger,
});

let n = 0;
async function submit(): Promise<View & { caseId: string }> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `sup-${Date.now()}-${n++}`);
  const view = await gw.client('operator-dev').getCase<View>(res.body.caseId);
  return { ...view.body, caseId: res.body.caseId };
}

const event = (id: string, type: string, at = new Date().toISOString()) =>
  gw.client('province-yn').request('POST', `/v1/cases/${id}/events`, { json: { type, at } });

describe('supervision flags', () => {
  it('raises warning when it falls due, overdue and escalated once theirs have passed, each flag once', async () => {
    const c = await submit();
    const times = flagTimes(c.createdAt, c.dueAt);
    const supervisor = supervisorOf(gw);
    expect(await superviseOnce(supervisor, times.warning - 1000)).toBe(0);
    expect(await superviseOnce(supervisor, times.warning + 1)).toBe(1);
    let view = (await gw.client('operator-dev').getCase<View>(c.caseId)).body;
    expect(view.flags).toEqual({ warning: true, overdue: false, escalated: false });

    expect(await superviseOnce(supervisor, times.escalated + 1)).toBe(2);
    view = (await gw.client('operator-dev').getCase<View>(c.caseId)).body;
    expect(view.flags).toEqual({ warning: true, overdue: true, escalated: true });
    const notes = view.history.filter((h) => h.actor === 'supervisor').map((h) => h.note);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/80%/);
    expect(await superviseOnce(supervisor, times.escalated + 10_000)).toBe(0);
  });

  it('skips a paused case and drops a closed one', async () => {
    const paused = await submit();
    expect((await event(paused.caseId, 'correction-required')).status).toBe(200);
    const closed = await submit();
    await event(closed.caseId, 'accepted');
    await gw.client('province-yn').request('POST', `/v1/cases/${closed.caseId}/events`, {
      json: { type: 'decided', at: new Date().toISOString(), result: paidResult() },
    });
    await event(closed.caseId, 'result-delivered');
    const late = flagTimes(paused.createdAt, paused.dueAt).escalated + 1;
    await superviseOnce(supervisorOf(gw), late);
    for (const id of [paused.caseId, closed.caseId]) {
      const view = (await gw.client('operator-dev').getCase<View>(id)).body;
      expect(view.flags).toEqual({ warning: false, overdue: false, escalated: false });
    }
  });
});
