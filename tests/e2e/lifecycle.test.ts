// Issue 6, end to end with the sandboxes: an HTTP submission reaches its province in that
// province's dialect, with the case id as the province-side idempotency key; the sandbox's scripted
// progression posts its events back as province-<adapter>; the case walks the lifecycle of
// gateway/README.md#event-transitions to CLOSED. For all seven adapters, and for one joint case
// across two provinces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_IDS, type AdapterId } from '../../adapters/kit/registry.ts';
import type { ReceivedCase } from '../../adapters/kit/sandbox-kit.ts';
import { validExample } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';
import {
  caseFor,
  readCase,
  startE2eSystem,
  statuses,
  submit,
  submitFor,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

let sys: E2eSystem;
beforeAll(async () => {
  sys = await startE2eSystem('e2e-life');
});
afterAll(async () => sys?.stop());

/** A field of a decoded delivery, by its path in the dialect. */
function field(data: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    data,
  );
}

/**
 * Where each dialect carries [the idempotency key, the item code]: a check of the wire on top of
 * the generic one (the sandbox's table is keyed by the id it found). An adapter added later is
 * checked generically until it is listed here.
 */
const DIALECT: Readonly<Partial<Record<string, (d: unknown) => [unknown, unknown]>>> = {
  sc: (d) => [field(d, 'yewuliushuihao'), field(d, 'shixiangbianma')],
  'sc-chengdu': (d) => [field(d, 'externalRef'), field(d, 'service', 'code')],
  cq: (d) => [field(d, 'out_biz_no'), field(d, 'item_code')],
  // yn: BUSINESSID travels in PACKAGEHEAD (the table is keyed by it), the item in RECORD.SXBM.
  yn: (d) => [undefined, field(d, 'record', 'SXBM')],
  gz: (d) => [field(d, 'ywlsh'), field(d, 'sxbm')],
  gx: (d) => [field(d, 'form', 'biz_no'), field(d, 'form', 'item_code')],
  xz: (d) => [field(d, 'businessNo'), field(d, 'service', 'code')],
};

const FULL_LOOP = [
  'SUBMITTED',
  'ACCEPTED',
  'ROUTED',
  'DELIVERED',
  'IN_PROGRESS', // accepted
  'IN_PROGRESS', // in-progress
  'DECIDED',
  'RESULT_DELIVERED',
  'CLOSED',
];

function receivedBy(adapter: AdapterId, caseId: string): ReceivedCase | undefined {
  return sys.sandboxes
    .get(adapter)!
    .received()
    .find((r) => r.caseId === caseId);
}

describe('a case from submission to CLOSED through its province sandbox', () => {
  it.each(ADAPTER_IDS)('%s', async (adapter) => {
    const caseId = await submitFor(sys, adapter);
    const closed = await waitForStatus(sys, caseId, 'CLOSED', 20_000);

    // The province holds exactly one case, received in its own dialect under our case id.
    const held = receivedBy(adapter, caseId);
    expect(held).toBeDefined();
    expect(held!.deliveries).toBe(1);
    const dialect = DIALECT[adapter];
    if (dialect) {
      const [key, item] = dialect(held!.data);
      if (adapter !== 'yn') expect(key).toBe(caseId);
      expect(item).toBe(caseFor(adapter).item);
    }
    if (adapter === 'yn') expect(field(held!.data, 'sendCode')).toBe('SWGW');

    // The gateway stored the province's own number, and its decision: for the tax item SW-005
    // the tax core's typed payment (tests/e2e/tax-payment.test.ts), for the others an approval.
    expect(closed.provinceCaseNo).toBe(held!.provinceCaseNo);
    expect(closed.result).toMatchObject(
      caseFor(adapter).item === 'SW-005'
        ? { outcome: 'paid', certificateNo: expect.any(String) }
        : { decision: 'approved', documentNo: `${held!.provinceCaseNo}-J` },
    );

    // Every status of the loop, in order, each by the party that caused it.
    expect(statuses(closed)).toEqual(FULL_LOOP);
    const actors = closed.history.map((h) => h.actor);
    expect(actors.slice(0, 3)).toEqual([caseFor(adapter).portal, 'gateway', 'gateway']);
    // DELIVERED is the worker's, unless the province's first event overtook its bookkeeping.
    expect([`adapter:${adapter}`, `province-${adapter}`]).toContain(actors[3]);
    expect(actors.slice(4, 8)).toEqual(Array(4).fill(`province-${adapter}`));
    expect(actors[8]).toBe('gateway');

    // The sandbox's four events were each accepted once (200), none refused. The sandbox records
    // a post when its answer arrives, which can be just after the gateway closed the case.
    const postedFor = () =>
      sys.sandboxes
        .get(adapter)!
        .events()
        .filter((e) => e.caseId === caseId);
    await waitFor(() => postedFor().length >= 4, { what: 'four event posts' });
    const posted = postedFor();
    expect(posted.map((e) => [e.type, e.status])).toEqual([
      ['accepted', 200],
      ['in-progress', 200],
      ['decided', 200],
      ['result-delivered', 200],
    ]);
  });

  it('xz is asynchronous: delivered on a ticket; acceptance and decision come later as events', async () => {
    const caseId = await submitFor(sys, 'xz');
    const closed = await waitForStatus(sys, caseId, 'CLOSED', 20_000);
    const held = receivedBy('xz', caseId)!;
    const at = (status: string) => closed.history.findIndex((h) => h.status === status);
    // The 202's ticket is the provincial number; the platform had decided nothing at that point.
    expect(held.provinceCaseNo).toMatch(/^ZYT54\d{14}$/);
    expect(closed.provinceCaseNo).toBe(held.provinceCaseNo);
    expect(closed.history[at('DELIVERED') + 1]).toMatchObject({
      status: 'IN_PROGRESS',
      actor: 'province-xz',
    });
    expect(at('DECIDED')).toBeGreaterThan(at('DELIVERED'));
    // The sandbox records a post when its answer arrives, which can be just after the gateway
    // closed the case (as in the test above): waited for, then exactly four.
    const postedFor = () =>
      sys.sandboxes
        .get('xz')!
        .events()
        .filter((e) => e.caseId === caseId);
    await waitFor(() => postedFor().length >= 4, { what: 'four event posts' });
    expect(postedFor()).toHaveLength(4);
  });
});

describe('a joint case across two provinces', () => {
  it('delivers one child to each party province and closes the parent only after both children', async () => {
    // RS-006 (养老保险关系转移): transfer-out 重庆 500100 (lifted to 500000) → cq, transfer-in 成都 510100 → sc-chengdu,
    // received in 成都 by the 四川 portal.
    const accepted = await submit(sys, validExample('RS-006'), 'portal-sc');
    const children = accepted.route.children!;
    expect(children.map((c) => [c.role, c.adapter])).toEqual([
      ['transfer-out', 'cq'],
      ['transfer-in', 'sc-chengdu'],
    ]);

    const parent = await waitForStatus(sys, accepted.caseId, 'CLOSED', 20_000);
    const childViews = await Promise.all(children.map((c) => readCase(sys, c.caseId)));
    for (const [i, child] of childViews.entries()) {
      const adapter = children[i]!.adapter as AdapterId;
      expect(child.status).toBe('CLOSED');
      expect(statuses(child)).toEqual(FULL_LOOP);
      const held = receivedBy(adapter, child.caseId);
      expect(held?.deliveries).toBe(1);
      expect(DIALECT[adapter]?.(held!.data)).toEqual([child.caseId, 'RS-006']);
      // Each province holds its own child only.
      const other = children[1 - i]!;
      expect(receivedBy(adapter, other.caseId)).toBeUndefined();
    }

    // The parent's loop: never ahead of its slowest child, and CLOSED after both children were.
    const parentStatuses = statuses(parent);
    expect(parentStatuses.slice(0, 4)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERED']);
    expect(parentStatuses.at(-1)).toBe('CLOSED');
    expect(parent.history.slice(3).every((h) => h.actor === 'gateway')).toBe(true);
    const closedAt = (h: { status: string; at: string }[]) =>
      Date.parse(h.find((e) => e.status === 'CLOSED')!.at);
    const parentClosed = closedAt(parent.history);
    for (const child of childViews) {
      expect(parentClosed).toBeGreaterThanOrEqual(closedAt(child.history));
    }
    expect(parent.route.children!.map((c) => c.status)).toEqual(['CLOSED', 'CLOSED']);
  });
});
