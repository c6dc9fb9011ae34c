// The reconciler (gateway/README.md#outbox-rule, gateway/README.md#joint-parent-atomicity), every
// interval, in every gateway instance:
// - cases stored more than `ageMs` ago and still SUBMITTED are queued (job id = case id, so never
//   twice) and marked ROUTED;
// - open joint parents not checked for `ageMs` catch up with their children. A child's move moves
//   its parent in the same Lua step, so this only finds a parent an older gateway left behind (or
//   one edited by hand); each check is one atomic script, harmless when several instances race.
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { dispatchCase, type DispatchDeps } from './dispatch-case.ts';

export interface ReconcilerSettings {
  intervalMs: number;
  ageMs: number;
  batch?: number;
}

export interface ReconcilePass {
  /** Stored cases the submit path had not queued. */
  queued: number;
  /** Joint parents that were behind their children. */
  parentsRepaired: number;
}

export async function reconcileOnce(
  deps: DispatchDeps,
  settings: ReconcilerSettings,
  log: Logger,
  now = deps.store.now().getTime(),
): Promise<ReconcilePass> {
  const batch = settings.batch ?? 100;
  const ids = await deps.store.outboxOlderThan(now - settings.ageMs, batch);
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
  let parentsRepaired = 0;
  for (const id of await deps.store.jointParentsToCheck(now - settings.ageMs, batch)) {
    const parent = await deps.store.followParent(id);
    await deps.store.jointParentChecked(id, parent?.status);
    if (parent?.movedFrom) {
      parentsRepaired++;
      log.warn(
        { caseId: id, from: parent.movedFrom, to: parent.status },
        'reconciler moved a joint parent that was behind its children',
      );
    }
  }
  return { queued, parentsRepaired };
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
