// The rectification lifecycle table (gateway/rectifications/rectification-lifecycle.ts): every
// province event is a row, nothing leaves VOIDED or CLOSED, supervision runs only while the
// province owes a step, and an appeal pauses it.
import { describe, expect, it } from 'vitest';
import {
  RECTIFICATION_EVENT_TYPES,
  RECTIFICATION_LIFECYCLE,
  RECTIFICATION_PAUSED,
  RECTIFICATION_STATUSES,
  RECTIFICATION_SUPERVISED,
} from '../../../gateway/rectifications/rectification-lifecycle.ts';

const rows = Object.entries(RECTIFICATION_LIFECYCLE);

describe('the rectification lifecycle table', () => {
  it('has a province row for every event type a province may send', () => {
    for (const type of RECTIFICATION_EVENT_TYPES) {
      expect(RECTIFICATION_LIFECYCLE[type].by).toBe('province');
    }
  });

  it('moves only between known statuses, and never out of VOIDED or CLOSED', () => {
    for (const [, row] of rows) {
      const targets: readonly string[] = typeof row.to === 'string' ? [row.to] : row.to;
      for (const s of [...row.from, ...targets]) expect(RECTIFICATION_STATUSES).toContain(s);
      expect(row.from).not.toContain('VOIDED');
      expect(row.from).not.toContain('CLOSED');
    }
  });

  it('requires the visit before a rectification or an explanation', () => {
    expect(RECTIFICATION_LIFECYCLE.rectified.from).toEqual(['VISITED']);
    expect(RECTIFICATION_LIFECYCLE.explained.from).toEqual(['VISITED']);
  });

  it('lets the gateway re-rate by default from exactly the statuses the portal re-rates from, to CLOSED', () => {
    const portal = RECTIFICATION_LIFECYCLE['re-rated'];
    const byDefault = RECTIFICATION_LIFECYCLE['re-rated-by-default'];
    expect(byDefault).toEqual({ ...portal, by: 'gateway' });
    expect(byDefault.from).toEqual(['RECTIFIED', 'EXPLAINED']);
  });

  it('supervises OPEN and VISITED, pauses APPEALED, and leaves the rest alone', () => {
    expect([...RECTIFICATION_SUPERVISED]).toEqual(['OPEN', 'VISITED']);
    expect([...RECTIFICATION_PAUSED]).toEqual(['APPEALED']);
  });
});
