// Settings the fault tests share, so their figures come from the same system.
import { ADAPTER_IDS, type AdapterId } from '../../../adapters/kit/registry.ts';

/** The load spreads over every adapter but xz, whose 5 requests/s would dominate the run time. */
export const LOAD_ADAPTERS: readonly AdapterId[] = ADAPTER_IDS.filter((id) => id !== 'xz');

export const FAULT_TIMING = {
  env: {
    // A job whose worker died (or lost Redis) mid-delivery is recovered within seconds.
    GW_WORKER_LOCK_DURATION_MS: '2000',
    GW_WORKER_STALLED_INTERVAL_MS: '1000',
    // A case stored whose job was never queued is queued within seconds.
    GW_RECONCILE_INTERVAL_MS: '500',
    GW_RECONCILE_AGE_MS: '1000',
    // And so is a batch a relay had claimed when it was killed: hidden from the next relay and the
    // reconciler until its claim runs out (10 s by default, which the system kill's cases waited).
    GW_RELAY_CLAIM_MS: '1000',
  },
  /** Sandboxes retry their event posts quickly, and long enough to outlast any outage here. */
  eventRetry: { baseMs: 50, maxMs: 500, forMs: 120_000 },
} as const;

/**
 * The portals' load: 100 submissions/s for 2 s, each retried (same key) until its 202 for up to a
 * minute. The deadlines are generous so a busy test machine slows a run, never fails it; an idle
 * one finishes each scenario in about ten seconds.
 */
export const LOAD = {
  ratePerSecond: 100,
  durationMs: 2000,
  submissions: 200,
  retryForMs: 60_000,
  closeWithinMs: 45_000,
  testTimeoutMs: 120_000,
} as const;
