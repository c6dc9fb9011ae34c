// Every status move is a row of one table (gateway/cases/lifecycle.ts); planMove turns a row and a
// mover's step into the history entries and checks the mover stays inside its row.
import { describe, expect, it } from 'vitest';
import { planMove } from '../../../gateway/cases/case-move.ts';
import { EVENT_TYPES, LIFECYCLE } from '../../../gateway/cases/lifecycle.ts';

const now = new Date('2026-11-25T08:00:00.000Z');

describe('the lifecycle table', () => {
  it('has a province row for every event type, and no row leaves CLOSED', () => {
    for (const type of EVENT_TYPES) expect(LIFECYCLE[type].by).toBe('province');
    for (const row of Object.values(LIFECYCLE)) {
      expect(row.from as readonly string[]).not.toContain('CLOSED');
    }
  });

  it('records dispatch as ACCEPTED then ROUTED, at the store clock by default', () => {
    const plan = planMove(
      'dispatched',
      { actor: 'gateway', viaNote: 'valid', note: 'queued' },
      now,
    );
    expect(plan).toMatchObject({ from: ['SUBMITTED'], status: 'ROUTED', deadLetter: '' });
    expect(plan.entries).toEqual([
      { at: now.toISOString(), status: 'ACCEPTED', actor: 'gateway', note: 'valid' },
      { at: now.toISOString(), status: 'ROUTED', actor: 'gateway', note: 'queued' },
    ]);
  });

  it('closes the loop after a not-accepted event, as the gateway, at the event time', () => {
    const at = '2026-11-26T01:00:00.000Z';
    const plan = planMove('not-accepted', { actor: 'province-yn', at }, now);
    expect(plan.status).toBe('CLOSED');
    expect(plan.entries).toEqual([
      { at, status: 'NOT_ACCEPTED', actor: 'province-yn' },
      { at, status: 'CLOSED', actor: 'gateway', note: 'loop closed' },
    ]);
  });

  it('lists a failed delivery as a dead letter and takes a replayed one off', () => {
    expect(planMove('delivery-failed', { actor: 'adapter:yn' }, now).deadLetter).toBe('add');
    expect(planMove('replayed', { actor: 'operator-dev' }, now).deadLetter).toBe('remove');
  });

  it('lets a joint parent take one of its row’s targets, only from the status it read', () => {
    const plan = planMove(
      'parent-followed',
      { actor: 'gateway', to: 'DELIVERED', from: 'ROUTED' },
      now,
    );
    expect(plan).toMatchObject({ from: ['ROUTED'], status: 'DELIVERED' });
    expect(() => planMove('parent-followed', { actor: 'gateway' }, now)).toThrow(/to undefined/);
    expect(() => planMove('parent-followed', { actor: 'gateway', to: 'SUBMITTED' }, now)).toThrow(
      /not in its row/,
    );
  });

  it('plans a move pinned to a status its row does not allow as one that applies from no status, so the store answers as it finds the case', () => {
    expect(planMove('delivered', { actor: 'adapter:yn', from: 'SUBMITTED' }, now).from).toEqual([]);
    expect(planMove('decided', { actor: 'province-yn', from: 'IN_PROGRESS' }, now).from).toEqual([
      'IN_PROGRESS',
    ]);
  });
});
