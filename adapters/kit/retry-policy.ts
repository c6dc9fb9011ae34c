// How an adapter's deliveries are retried (adapters/README.md#retries): `attempts` and `backoffMs` of the
// adapter in config/adapters.json, else the global GW_DELIVERY_ATTEMPTS / GW_DELIVERY_BACKOFF_MS.
// The n-th retry waits backoffMs · 2^(n−1), less up to half of it at random (jitter, so a province
// coming back is not hit by every queued case at once) — unless the province said how long to wait
// (Retry-After on a 503, say): then exactly that. A 429 is not a failed attempt at all: the job
// runner pauses the adapter's queue for the Retry-After instead (rateLimitPauseMs).
import type { BackoffStrategy } from 'bullmq';
import { TransientDeliveryError } from './contract.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure makes the case a dead letter. */
  attempts: number;
  /** The first retry's delay. */
  backoffMs: number;
}

/**
 * The longest a province's Retry-After may hold a case or pause a queue: an hour, so a broken
 * header (a date years ahead) cannot park deliveries for days; the breaker and the dead-letter
 * list are the tools for a province that stays away longer.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Delay before the next attempt, `attemptsMade` attempts (this one included) having failed. */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  if (error instanceof TransientDeliveryError && error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  }
  const full = Math.round(2 ** Math.max(0, attemptsMade - 1) * policy.backoffMs);
  return Math.floor(full * (1 - 0.5 * random()));
}

/**
 * BullMQ's custom backoff strategy for an adapter's worker. It stops the retries (−1) after the
 * adapter's attempts: the job runner records a province's last failure itself, so this only ends
 * jobs that failed for another reason (a Redis error while loading the case, say).
 */
export function deliveryBackoff(policy: RetryPolicy): BackoffStrategy {
  return (attemptsMade, _type, error) =>
    attemptsMade >= policy.attempts ? -1 : retryDelayMs(policy, attemptsMade, error);
}

/**
 * For a province that answered 429: how long to pause its queue (its Retry-After, else the
 * adapter's backoff but at least a second); undefined for any other error.
 */
export function rateLimitPauseMs(error: unknown, policy: RetryPolicy): number | undefined {
  if (!(error instanceof TransientDeliveryError) || !error.rateLimited) return undefined;
  const asked = error.retryAfterMs ?? Math.max(policy.backoffMs, 1000);
  // Redis refuses a zero expiry: "Retry-After: 0" still pauses for a millisecond.
  return Math.min(Math.max(asked, 1), MAX_RETRY_AFTER_MS);
}
