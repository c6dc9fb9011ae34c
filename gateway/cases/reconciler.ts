// The reconciler (gateway/README.md#outbox-rule, gateway/README.md#joint-parent-atomicity), every
// interval, in every gateway instance, shard after shard:
// - outbox entries stored more than `ageMs` ago (or claimed by a relay that died `ageMs` before)
//   are relayed here (job id = case id, so never twice): the safety net under the outbox relay the
//   worker processes run;
// - open joint parents not checked for `ageMs` catch up with their children. A child's move moves
//   its parent in the same Lua step, so this only finds a parent an older gateway left behind (or
//   one edited by hand); each check is one atomic script, harmless when several instances race;
// - then, province after province, the rectification moves (and openings) written more than
//   `ageMs` ago whose listeners never said they had heard of them (their process died between the
//   Lua step and the listeners, or a listener failed) are told again: the portal's callback, 督办
//   tracking or settling, each idempotent, so a repeat is harmless.
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
  /** Rectification moves whose listeners were told again. */
  retold: number;
}

/**
 * A store whose moves wait in an outbox of their own, per province, until their listeners have
 * heard of them: the rectification store (rectifications/rectification-store.ts), named here by
 * what the reconciler needs so that cases/ does not import rectifications.
 */
export interface UntoldMoves {
  claimUntold(
    province: string,
    cutoffMs: number,
    claimUntilMs: number,
    limit: number,
  ): Promise<string[]>;
  retell(province: string, entry: string): Promise<boolean>;
}

export interface ReconcilerDeps extends RelayDeps {
  rectifications: UntoldMoves;
  /** The alliance's provinces: whose rectification outboxes are looked at. */
  provinces: readonly string[];
}

export async function reconcileOnce(
  deps: ReconcilerDeps,
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
  let retold = 0;
  for (const province of deps.provinces) {
    // Scored by the system clock, as the case outbox is.
    const entries = await deps.rectifications.claimUntold(
      province,
      Date.now() - settings.ageMs,
      Date.now() + Math.max(settings.ageMs, 1000),
      batch,
    );
    for (const entry of entries) {
      try {
        if (await deps.rectifications.retell(province, entry)) retold++;
      } catch (error) {
        // Left claimed: told again once the claim runs out; one entry never holds up the rest.
        log.warn({ err: error, province, entry }, 'rectification move not told; will retry');
      }
    }
    if (entries.length > 0) {
      log.warn(
        { province, moves: entries.length },
        'reconciler told the listeners of rectification moves no listener had heard of',
      );
    }
  }
  return { queued, parentsRepaired, retold };
}

export function startReconciler(
  deps: ReconcilerDeps,
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
