import { describe, expect, it } from 'vitest';
import { rateLimitedLog } from '../../../gateway/shared/rate-limited-log.ts';
import { memoryLogger } from '../../support/test-gateway.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('rateLimitedLog', () => {
  it('writes 1 000 identical warnings within a second as one line, and the next says 999 were left out', () => {
    const { logger, lines } = memoryLogger();
    const time = clock();
    const log = rateLimitedLog(logger, { now: time.now });
    for (let i = 0; i < 1000; i++) {
      log.warn('redis-unavailable', { requestId: `r${i}` }, 'redis unavailable');
      time.advance(0.9);
    }
    expect(lines()).toHaveLength(1);
    time.advance(200);
    log.warn('redis-unavailable', { requestId: 'after' }, 'redis unavailable');
    const written = lines();
    expect(written).toHaveLength(2);
    expect(written[0]).toMatchObject({ msg: 'redis unavailable', requestId: 'r0', level: 40 });
    expect(written[0]).not.toHaveProperty('suppressed');
    expect(written[1]).toMatchObject({ requestId: 'after', suppressed: 999 });
  });

  it('limits each kind on its own', () => {
    const { logger, lines } = memoryLogger();
    const log = rateLimitedLog(logger, { now: clock().now });
    for (let i = 0; i < 10; i++) {
      log.warn('worker-error:sc', {}, 'worker error');
      log.warn('worker-error:yn', {}, 'worker error');
      log.error('reconciler-pass', {}, 'reconciler pass failed');
    }
    expect(lines().map((l) => [l.kind, l.level])).toEqual([
      ['worker-error:sc', 40],
      ['worker-error:yn', 40],
      ['reconciler-pass', 50],
    ]);
  });

  it('writes every line when they are an interval apart, with no suppressed count', () => {
    const { logger, lines } = memoryLogger();
    const time = clock();
    const log = rateLimitedLog(logger, { now: time.now, intervalMs: 1000 });
    for (let i = 0; i < 5; i++) {
      log.warn('x', { i }, 'm');
      time.advance(1000);
    }
    expect(lines().map((l) => l.i)).toEqual([0, 1, 2, 3, 4]);
    expect(lines().some((l) => 'suppressed' in l)).toBe(false);
  });
});
