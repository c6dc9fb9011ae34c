// The retry policy of an adapter (adapters/kit/retry-policy.ts): exponential backoff with jitter
// from the adapter's backoffMs, a province's Retry-After instead when it gave one, an end after
// the adapter's attempts, and the pause a 429 imposes on the queue.
import { describe, expect, it } from 'vitest';
import { TransientDeliveryError } from '../../../adapters/kit/contract.ts';
import {
  deliveryBackoff,
  MAX_RETRY_AFTER_MS,
  rateLimitPauseMs,
  retryDelayMs,
} from '../../../adapters/kit/retry-policy.ts';

const policy = { attempts: 4, backoffMs: 100 };
const lowest = () => 0.999_999;
const highest = () => 0;

describe('retryDelayMs', () => {
  it('doubles from backoffMs each attempt, less up to half of it at random', () => {
    expect(retryDelayMs(policy, 1, new Error('x'), highest)).toBe(100);
    expect(retryDelayMs(policy, 1, new Error('x'), lowest)).toBe(50);
    expect(retryDelayMs(policy, 3, new Error('x'), highest)).toBe(400);
    expect(retryDelayMs(policy, 3, new Error('x'), lowest)).toBe(200);
  });

  it("waits exactly the province's Retry-After, whatever the attempt", () => {
    const busy = new TransientDeliveryError('busy', 7000);
    expect(retryDelayMs(policy, 1, busy, highest)).toBe(7000);
    expect(retryDelayMs(policy, 3, busy, lowest)).toBe(7000);
  });

  it('caps a Retry-After at an hour', () => {
    const broken = new TransientDeliveryError('busy', 10 * MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(policy, 1, broken)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('deliveryBackoff', () => {
  it("retries until the adapter's attempts are made, then stops (−1)", async () => {
    const strategy = deliveryBackoff(policy);
    expect(await strategy(3, 'delivery', new TransientDeliveryError('busy', 10))).toBe(10);
    expect(await strategy(4, 'delivery', new TransientDeliveryError('busy', 10))).toBe(-1);
  });
});

describe('rateLimitPauseMs', () => {
  it('pauses for the Retry-After of a 429', () => {
    const limited = new TransientDeliveryError('429', 2000, { rateLimited: true });
    expect(rateLimitPauseMs(limited, policy)).toBe(2000);
  });

  it('without a Retry-After, pauses for the backoff but at least a second', () => {
    const limited = new TransientDeliveryError('429', undefined, { rateLimited: true });
    expect(rateLimitPauseMs(limited, policy)).toBe(1000);
    expect(rateLimitPauseMs(limited, { attempts: 4, backoffMs: 5000 })).toBe(5000);
  });

  it('pauses a millisecond for "Retry-After: 0" (Redis refuses a zero expiry)', () => {
    const limited = new TransientDeliveryError('429', 0, { rateLimited: true });
    expect(rateLimitPauseMs(limited, policy)).toBe(1);
  });

  it('does not pause for other failures', () => {
    expect(rateLimitPauseMs(new TransientDeliveryError('503', 2000), policy)).toBeUndefined();
    expect(rateLimitPauseMs(new Error('reset'), policy)).toBeUndefined();
  });
});
