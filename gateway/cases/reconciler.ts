// The reconciler (gateway/README.md#outbox-rule, gateway/README.md#joint-parent-atomicity), every
// interval, in every gateway instance, shard after shard:
// - outbox entries stored more than `ageMs` ago (or claimed by a relay that died `ageMs` before)
//   are relayed here (job id = case id, so never twice): the safety net under the outbox relay the
//   worker processes run;
// - open joint parents not checked for `ageMs` catch up with their children. A child's move moves
//   its parent in the same Lua step, so this only finds a parent an older gateway left behind (or
//   one edited by hand); each check is one atomic script, harmless when several instances race;
// - applied case moves written to the shard's move outbox more than `ageMs` ago whose listeners
//   never said they had heard of them (their process died between the Lua step and the
//   listeners, a listener failed, or the callback listener deferred because Redis refused its
//   add) are told again: the portal's callback, 督办 tracking or settling, a closed case's rating
//   windows — each idempotent, so a repeat is harmless; one deferred again stays claimed and is
//   told again once its claim runs out;
// - then, province after province, the same for rectification moves and openings.
import { relayShard, type RelayDeps } from '../queues/outbox-relay.ts';
import type { RetellOutcome } from '../shared/listener-deferred.ts';
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
  /** Case and rectification moves told again whose every listener heard (not one deferred again). */
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
  retell(province: string, entry: string): Promise<RetellOutcome>;
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
  let retold = 0;
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
    retold += await retellAll(
      log,
      { shard },
      (cutoffMs, claimUntilMs) => deps.store.claimUntoldMoves(shard, cutoffMs, claimUntilMs, batch),
      (entry) => deps.store.retellMove(shard, entry),
      settings.ageMs,
    );
  }
  for (const province of deps.provinces) {
    retold += await retellAll(
      log,
      { province },
      (cutoffMs, claimUntilMs) =>
        deps.rectifications.claimUntold(province, cutoffMs, claimUntilMs, batch),
      (entry) => deps.rectifications.retell(province, entry),
      settings.ageMs,
    );
  }
  return { queued, parentsRepaired, retold };
}

/**
 * One outbox's moves written more than `ageMs` ago, claimed (for `ageMs`, at least a second) and
 * told again; answers how many were. One that fails is logged and left claimed: told again once
 * its claim runs out, never holding up the rest.
 */
async function retellAll(
  log: Logger,
  where: Record<string, string | number>,
  claim: (cutoffMs: number, claimUntilMs: number) => Promise<string[]>,
  retell: (entry: string) => Promise<RetellOutcome>,
  ageMs: number,
): Promise<number> {
  // Scored by the system clock, as the case outbox is.
  const entries = await claim(Date.now() - ageMs, Date.now() + Math.max(ageMs, 1000));
  let retold = 0;
  for (const entry of entries) {
    try {
      if ((await retell(entry)) === 'told') retold++;
    } catch (error) {
      log.warn({ err: error, ...where, entry }, 'move not told again; will retry');
    }
  }
  if (entries.length > 0) {
    log.warn(
      { ...where, moves: entries.length },
      'reconciler told the listeners of moves no listener had heard of',
    );
  }
  return retold;
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
