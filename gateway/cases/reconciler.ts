// The reconciler (gateway/README.md#outbox-rule, gateway/README.md#joint-parent-atomicity), every
// interval, in every gateway instance, shard after shard:
// - outbox entries stored more than `ageMs` ago (or claimed by a relay that died `ageMs` before)
//   are relayed here (job id = case id, so never twice): the safety net under the outbox relay the
//   worker processes run;
// - open joint parents not checked for `ageMs` catch up with their children. A child's move moves
//   its parent in the same Lua step, so this only finds a parent an older gateway left behind (or
//   one edited by hand); each check is one atomic script, harmless when several instances race.
import { relayShard, type RelayDeps } from '../queues/outbox-relay.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';

export interface ReconcilerSettings {
  intervalMs: number;
  ageMs: number;
  batch?: number;
}

export interface ReconcilePass {
  /** Stored cases no relay had queued. */
  queued: number;
  /** Joint parents that were behind their children. */
  parentsRepaired: number;
}

export async function reconcileOnce(
  deps: RelayDeps,
  settings: ReconcilerSettings,
  log: Logger,
  now = deps.store.now().getTime(),
): Promise<ReconcilePass> {
  const batch = settings.batch ?? 100;
  let queued = 0;
  let parentsRepaired = 0;
  for (let shard = 0; shard < deps.store.shards; shard++) {
    // The outbox's scores are the system clock's (the store's may be a test's).
    const relayed = await relayShard(deps, shard, Date.now() - settings.ageMs, {
      batch,
      claimMs: Math.max(settings.ageMs, 1000),
    });
    if (relayed > 0) {
      queued += relayed;
      log.warn({ shard, cases: relayed }, 'reconciler queued cases no relay had queued');
    }
    for (const id of await deps.store.jointParentsToCheck(shard, now - settings.ageMs, batch)) {
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
  }
  return { queued, parentsRepaired };
}

export function startReconciler(
  deps: RelayDeps,
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
