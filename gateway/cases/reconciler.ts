// The outbox reconciler (gateway/README.md#outbox-rule): every interval, cases stored more than
// `ageMs` ago and still SUBMITTED are queued (job id = case id, so never twice) and marked ROUTED.
// Every gateway or worker instance may run one; they cannot double-queue a case.
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { dispatchCase, type DispatchDeps } from './dispatch-case.ts';

export interface ReconcilerSettings {
  intervalMs: number;
  ageMs: number;
  batch?: number;
}

export async function reconcileOnce(
  deps: DispatchDeps,
  settings: ReconcilerSettings,
  log: Logger,
  now = deps.store.now().getTime(),
): Promise<number> {
  const ids = await deps.store.outboxOlderThan(now - settings.ageMs, settings.batch ?? 100);
  let queued = 0;
  for (const id of ids) {
    const record = await deps.store.get(id);
    if (!record || record.status !== 'SUBMITTED') {
      await deps.store.dropFromOutbox(id);
      continue;
    }
    await dispatchCase(deps, record);
    queued++;
    log.warn({ caseId: id }, 'reconciler queued a case the submit path had not');
  }
  return queued;
}

export function startReconciler(
  deps: DispatchDeps,
  settings: ReconcilerSettings,
  log: Logger,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  // Redis down fails every pass: one line a second, with a count (gateway/README.md#operations).
  const failures = rateLimitedLog(log);
  const timer = setInterval(() => {
    running = reconcileOnce(deps, settings, log).catch((error: unknown) => {
      failures.warn('reconciler-pass', { err: error }, 'reconciler pass failed; will retry');
    });
  }, settings.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
