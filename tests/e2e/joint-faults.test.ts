// A joint case whose delivery fails in one party province: the child becomes a dead letter, the
// parent shows DELIVERY_FAILED (gateway/README.md#statuses-and-phases: the dead letter is the
// parent's blocking status too), and once the operator replays the child after the province
// recovers, the parent resumes its loop and closes with both children.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validExample } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';
import {
  deadLetters,
  readCase,
  startE2eSystem,
  statuses,
  submit,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

let sys: E2eSystem;
beforeAll(async () => {
  sys = await startE2eSystem('e2e-joint-faults', {
    GW_DELIVERY_ATTEMPTS: '3',
    GW_DELIVERY_BACKOFF_MS: '50',
    GW_BREAKER_THRESHOLD: '10',
  });
});
afterAll(async () => sys?.stop());

describe('a joint case with one party province down', () => {
  it('shows the dead letter on the parent, and closes once the child is replayed', async () => {
    const cq = sys.sandboxes.get('cq')!;
    // 重庆 answers every delivery "busy", slowly: its child fails for good only after the 成都
    // child has already closed, so no later sibling event can carry the failure to the parent.
    await cq.setFaults({ errorRate: 1, latencyMs: 800 });
    // RS-006: transfer-out 重庆 (cq) and transfer-in 成都 (sc-chengdu).
    const accepted = await submit(sys, validExample('RS-006'), 'portal-sc');
    const parentId = accepted.caseId;
    const [out, into] = accepted.route.children!.map((c) => c.caseId) as [string, string];

    await waitForStatus(sys, into, 'CLOSED');
    expect((await readCase(sys, out)).status).toBe('ROUTED');
    await waitForStatus(sys, out, 'DELIVERY_FAILED');
    const blocked = await waitForStatus(sys, parentId, 'DELIVERY_FAILED');
    expect(blocked.route.children!.map((c) => c.status)).toEqual(['DELIVERY_FAILED', 'CLOSED']);
    // The child is the dead letter to replay; the parent follows it.
    const listed = (await deadLetters(sys)).map((d) => d.caseId);
    expect(listed).toContain(out);
    expect(listed).not.toContain(parentId);

    await cq.setFaults({ errorRate: 0, latencyMs: 0 });
    const res = await sys
      .client('operator-dev')
      .request('POST', `/v1/admin/dead-letters/${out}/replay`);
    expect(res.status).toBe(200);

    const closed = await waitForStatus(sys, parentId, 'CLOSED', 20_000);
    expect((await readCase(sys, out)).status).toBe('CLOSED');
    const parentLoop = statuses(closed);
    expect(parentLoop.slice(0, 4)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERY_FAILED']);
    expect(parentLoop.at(-1)).toBe('CLOSED');
    expect(parentLoop.indexOf('DELIVERED')).toBeGreaterThan(parentLoop.indexOf('DELIVERY_FAILED'));
    await waitFor(() => cq.received().some((r) => r.caseId === out && r.deliveries === 1), {
      what: 'the cq child held once',
    });
  });
});
