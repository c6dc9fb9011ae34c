// POST /v1/cases/{id}/events (gateway/README.md#province-events) as the provinces use it: the
// sandboxes here post nothing (their progression is off), so each test reports the province's
// events itself on cases the workers really delivered — or, for gx, whose worker does not run, on
// cases still ROUTED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_IDS } from '../../adapters/kit/registry.ts';
import {
  addWorkingDays,
  chinaDate,
  loadCalendar,
  nextDay,
} from '../../gateway/calendar/working-days.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { validExample } from '../support/api-gateway.ts';
import { plainRedis } from '../support/redis.ts';
import {
  readCase,
  startE2eSystem,
  statuses,
  submit,
  submitFor,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

let sys: E2eSystem;
const redis = plainRedis();
beforeAll(async () => {
  sys = await startE2eSystem(
    'e2e-events',
    {},
    {
      quietSandboxes: ADAPTER_IDS,
      workerAdapters: ADAPTER_IDS.filter((id) => id !== 'gx'),
    },
  );
});
afterAll(async () => {
  await sys?.stop();
  redis.disconnect();
});

interface EventAnswer {
  caseId: string;
  status: string;
  duplicate: boolean;
  code?: string;
  errors?: { path: string }[];
}

function post(clientId: string, caseId: string, event: Record<string, unknown>) {
  return sys
    .client(clientId)
    .request<EventAnswer>('POST', `/v1/cases/${caseId}/events`, { json: event });
}

const now = () => new Date().toISOString();
const decided = { decision: 'approved', documentNo: 'CQ-J-1' };

/** A cq case the cq worker has delivered (DELIVERED, province-cq on its route). */
async function deliveredCqCase(): Promise<string> {
  const caseId = await submitFor(sys, 'cq');
  await waitForStatus(sys, caseId, 'DELIVERED');
  return caseId;
}

describe('province events', () => {
  it('refuses an illegal transition with 409 GW_ILLEGAL_TRANSITION and leaves the case as it was', async () => {
    const caseId = await deliveredCqCase();
    const res = await post('province-cq', caseId, { type: 'result-delivered', at: now() });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('GW_ILLEGAL_TRANSITION');
    const view = await readCase(sys, caseId);
    expect(view.status).toBe('DELIVERED');
    expect(statuses(view)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERED']);
  });

  it('applies the same event once: the repeat answers duplicate: true and adds no history', async () => {
    const caseId = await deliveredCqCase();
    const event = { type: 'accepted', at: now(), provinceCaseNo: 'CQ-X-1', note: '已受理' };
    const first = await post('province-cq', caseId, event);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ caseId, status: 'IN_PROGRESS', duplicate: false });
    const again = await post('province-cq', caseId, event);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId, status: 'IN_PROGRESS', duplicate: true });
    const view = await readCase(sys, caseId);
    expect(statuses(view).filter((s) => s === 'IN_PROGRESS')).toHaveLength(1);
    expect(view.provinceCaseNo).toBe('CQ-X-1');
    // Same type, other content: a new event (in-progress may repeat), applied.
    const progress = await post('province-cq', caseId, { type: 'in-progress', at: now() });
    expect(progress.body.duplicate).toBe(false);
  });

  it('is 404 to a province not on the route and 403 to a portal', async () => {
    const caseId = await deliveredCqCase();
    const event = { type: 'accepted', at: now() };
    const stranger = await post('province-yn', caseId, event);
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('GW_CASE_NOT_FOUND');
    const portal = await post('portal-sc', caseId, event);
    expect(portal.status).toBe(403);
    expect(portal.body.code).toBe('GW_FORBIDDEN');
    // Portals are turned away before any lookup, so the answer tells nothing about the id.
    expect((await post('portal-gz', caseId, event)).status).toBe(403);
    expect((await post('portal-gz', '01ARZ3NDEKTSV4RRFFQ69G5FAV', event)).status).toBe(403);
    expect((await readCase(sys, caseId)).status).toBe('DELIVERED');
  });

  it('answers a malformed event with 422 and a pointer to every bad field', async () => {
    const caseId = await deliveredCqCase();
    const res = await post('province-cq', caseId, {
      type: 'finished',
      at: 'yesterday',
      provinceCaseNo: 'no spaces allowed',
      colour: 'red',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual([
      '/at',
      '/colour',
      '/provinceCaseNo',
      '/type',
    ]);
    const noResult = await post('province-cq', caseId, { type: 'decided', at: now() });
    expect(noResult.status).toBe(422);
    expect(noResult.body.errors!.map((e) => e.path)).toEqual(['/result']);
    expect((await readCase(sys, caseId)).status).toBe('DELIVERED');
  });

  it('accepts a province event on a case still ROUTED and records the delivery it implies', async () => {
    // The gx worker does not run here: the province reports before the gateway recorded delivery.
    const caseId = await submitFor(sys, 'gx');
    expect((await readCase(sys, caseId)).status).toBe('ROUTED');
    const res = await post('province-gx', caseId, { type: 'accepted', at: now() });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('IN_PROGRESS');
    const view = await readCase(sys, caseId);
    expect(statuses(view)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERED', 'IN_PROGRESS']);
    expect(view.history.slice(3).map((h) => h.actor)).toEqual(['province-gx', 'province-gx']);
  });

  it('stops the clock during 补正: pausedAt set; a resumption dated a week ahead refused at /at, the case still paused; the resumption now clears it and pushes dueAt back by the paused working days', async () => {
    const caseId = await deliveredCqCase();
    expect((await post('province-cq', caseId, { type: 'accepted', at: now() })).status).toBe(200);
    const before = await readCase(sys, caseId);
    const pausedAt = new Date();
    const correction = await post('province-cq', caseId, {
      type: 'correction-required',
      at: pausedAt.toISOString(),
      note: '请补充身份证明',
    });
    expect(correction.body.status).toBe('CORRECTION_REQUIRED');
    const caseKey = redisKeys(sys.config.keyPrefix).case(caseId);
    const pausedAtField = () => redis.hget(caseKey, 'pausedAt');
    expect(await pausedAtField()).toBe(pausedAt.toISOString());

    // A province clock a week ahead: refused, or every working day until then would count as
    // paused (the days a real week's pause pushes the due date back are counted in
    // tests/integration/supervision, on an injected clock).
    const ahead = await post('province-cq', caseId, {
      type: 'resumed',
      at: new Date(pausedAt.getTime() + 7 * 24 * 3600_000).toISOString(),
    });
    expect(ahead.status).toBe(422);
    expect(ahead.body).toMatchObject({ code: 'GW_VALIDATION_FAILED', errors: [{ path: '/at' }] });
    expect(await pausedAtField()).toBe(pausedAt.toISOString());

    const resumedAt = new Date();
    const resumed = await post('province-cq', caseId, {
      type: 'resumed',
      at: resumedAt.toISOString(),
    });
    expect(resumed.body.status).toBe('IN_PROGRESS');
    const after = await readCase(sys, caseId);
    expect(await pausedAtField()).toBe('');

    const calendar = loadCalendar();
    let pausedDays = 0;
    for (let d = chinaDate(pausedAt); d < chinaDate(resumedAt); d = nextDay(d)) {
      if (calendar.isWorkingDay(d)) pausedDays++;
    }
    expect(after.dueAt).toBe(
      addWorkingDays(calendar, chinaDate(new Date(before.dueAt!)), pausedDays).dueAt,
    );
    if (pausedDays > 0) expect(Date.parse(after.dueAt!)).toBeGreaterThan(Date.parse(before.dueAt!));
    expect(statuses(after).slice(-3)).toEqual([
      'IN_PROGRESS',
      'CORRECTION_REQUIRED',
      'IN_PROGRESS',
    ]);
  });
});

describe('a joint case', () => {
  it('refuses events on the parent (409) and advances it when every child has', async () => {
    const accepted = await submit(sys, validExample('RS-006'), 'portal-sc');
    const parentId = accepted.caseId;
    const [out, into] = accepted.route.children!.map((c) => c.caseId) as [string, string];
    await waitForStatus(sys, parentId, 'DELIVERED');

    const onParent = await post('province-cq', parentId, { type: 'accepted', at: now() });
    expect(onParent.status).toBe(409);
    expect(onParent.body.code).toBe('GW_ILLEGAL_TRANSITION');

    const step = async (client: string, caseId: string, type: string, parent: string) => {
      const body: Record<string, unknown> = { type, at: now() };
      if (type === 'decided') body.result = decided;
      const res = await post(client, caseId, body);
      expect(res.status, `${type} on ${caseId}`).toBe(200);
      expect((await readCase(sys, parentId)).status, `parent after ${type}`).toBe(parent);
    };
    // 重庆 (transfer-out) runs ahead; the parent follows the slower party.
    await step('province-cq', out, 'accepted', 'DELIVERED');
    await step('province-sc-chengdu', into, 'accepted', 'IN_PROGRESS');
    await step('province-cq', out, 'decided', 'IN_PROGRESS');
    await step('province-cq', out, 'result-delivered', 'IN_PROGRESS');
    expect((await readCase(sys, out)).status).toBe('CLOSED');
    await step('province-sc-chengdu', into, 'decided', 'DECIDED');
    await step('province-sc-chengdu', into, 'result-delivered', 'CLOSED');

    // A province may not report on the other party's child.
    expect((await post('province-cq', into, { type: 'accepted', at: now() })).status).toBe(404);
    const parent = await readCase(sys, parentId);
    expect(statuses(parent)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'ROUTED',
      'DELIVERED',
      'IN_PROGRESS',
      'DECIDED',
      'CLOSED',
    ]);
  });
});
