// The silence watch (gateway/README.md#silence-reconciliation), run by every worker process for the
// adapters it serves: every tenth of GW_PROVINCE_SILENCE_MS (0.1–60 s) it claims each adapter's
// delivered, open cases the province has not moved for GW_PROVINCE_SILENCE_MS and queues one
// status query job each on the adapter's queue. The claim is one Lua step that re-scores the case,
// so several worker processes never query a case twice in one period: no storm of queries at a
// province that is merely quiet.
import type { CaseQueues } from '../queues/case-queues.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import type { CaseStore } from './case-store.ts';
import type { SilentCases } from './silent-cases.ts';

export interface SilenceWatchDeps {
  /** The silent-cases part of the case store (silent-cases.ts), and the store's clock. */
  store: Pick<SilentCases, 'claimSilentCases'> & Pick<CaseStore, 'now'>;
  queues: Pick<CaseQueues, 'enqueueStatusQuery'>;
  log: Logger;
}

export interface SilenceWatchSettings {
  /** Adapters whose cases this process queries (its workers' adapters). */
  adapters: readonly string[];
  silenceMs: number;
  /** Cases claimed per adapter per pass. */
  batch?: number;
}

/** How often the watch looks: a tenth of the silence, within 0.1–60 s. */
export function watchIntervalMs(silenceMs: number): number {
  return Math.min(60_000, Math.max(100, Math.round(silenceMs / 10)));
}

/** One pass: answers how many queries were queued. */
export async function watchSilenceOnce(
  deps: SilenceWatchDeps,
  settings: SilenceWatchSettings,
): Promise<number> {
  let queued = 0;
  for (const adapter of settings.adapters) {
    const now = deps.store.now().getTime();
    const ids = await deps.store.claimSilentCases(
      adapter,
      now - settings.silenceMs,
      settings.batch ?? 50,
    );
    for (const caseId of ids) {
      await deps.queues.enqueueStatusQuery(caseId, adapter, now);
      queued++;
    }
    if (ids.length > 0) {
      deps.log.info({ adapter, cases: ids.length }, 'province silent: status queries queued');
    }
  }
  return queued;
}

export function startSilenceWatch(
  deps: SilenceWatchDeps,
  settings: SilenceWatchSettings,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  // Redis down fails every pass: one line a second, with a count (gateway/README.md#operations).
  const failures = rateLimitedLog(deps.log);
  const timer = setInterval(() => {
    running = watchSilenceOnce(deps, settings).catch((error: unknown) => {
      failures.warn('silence-watch-pass', { err: error }, 'silence watch pass failed; will retry');
    });
  }, watchIntervalMs(settings.silenceMs));
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
