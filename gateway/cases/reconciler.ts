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
// - the dead-letter index (dead-letter-index.ts) is put right where a gateway of the previous
//   version dead-lettered or replayed without it (a rolling upgrade, letters stored before it): in
//   every pass whose counts of the list and the index differ, and over every letter in the first
//   pass after a start and every FULL_CHECK_MS (a replay and a failure by an old instance can
//   leave the counts equal and the kinds wrong);
// - then, province after province, the same for rectification moves and openings.
// What it did is counted for /metrics (metrics/reconciler-metrics.ts, given in the deps). A stuck
// entry (a callback Redis keeps refusing) is claimed again every few passes for as long as it
// stays stuck: its lines are written once a minute per outbox with a count (the metrics count
// every pass), not once a pass for ever.
import type { ReconcilerMetrics } from '../metrics/reconciler-metrics.ts';
import { relayShard, type RelayDeps } from '../queues/outbox-relay.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog, type RateLimitedLog } from '../shared/rate-limited-log.ts';
import type { CaseStore } from './case-store.ts';
import { FULL_CHECK_MS } from './dead-letter-index.ts';
import type { JointFamilies } from './joint-family.ts';
import type { MoveOutbox } from './move-outbox.ts';
import { retellOutbox, type Retold, type UntoldMoves } from './untold-moves.ts';

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
  /** Case and rectification moves told again whose every listener heard. */
  retold: number;
  /** Moves told again whose listener deferred again: still waiting, told again later. */
  deferred: number;
  /** Moves whose retell failed: told again once their claim runs out. */
  failed: number;
  /** Dead letters indexed, and index or list entries removed, by the index's repair. */
  deadLettersReindexed: number;
}

export interface ReconcilerDeps extends Omit<RelayDeps, 'store'> {
  /** The relay's part of the case store, and what a pass repairs and retells with. */
  store: RelayDeps['store'] &
    Pick<CaseStore, 'now' | 'shards' | 'repairDeadLetterIndex'> &
    Pick<JointFamilies, 'jointParentsToCheck' | 'followParent' | 'jointParentChecked'> &
    Pick<MoveOutbox, 'claimUntoldMoves' | 'retellMove'>;
  rectifications: UntoldMoves;
  /** The alliance's provinces: whose rectification outboxes are looked at. */
  provinces: readonly string[];
  /** Counts what each pass did (built with the gateway's registry, services.ts). */
  reconcilerMetrics: ReconcilerMetrics;
}

/**
 * How often a repeated line of the reconciler is written, per outbox: a stuck entry is claimed
 * again once its claim (GW_RECONCILE_AGE_MS, at least a second) runs out, so at the defaults a
 * line per pass would repeat every few seconds for as long as Redis refuses its callback.
 */
export const RECONCILER_REPEAT_MS = 60_000;

/** The reconciler's repeated lines: one a minute per kind, with the count left out. */
export function reconcilerRepeats(log: Logger): RateLimitedLog {
  return rateLimitedLog(log, { intervalMs: RECONCILER_REPEAT_MS });
}

/**
 * One pass. `repeats` outlives the pass (startReconciler keeps one), so a stuck entry's lines are
 * not written again by every pass; a pass of its own (a test's) gets one of its own.
 */
export async function reconcileOnce(
  deps: ReconcilerDeps,
  settings: ReconcilerSettings,
  log: Logger,
  repeats: RateLimitedLog = reconcilerRepeats(log),
  /**
   * How the dead-letter index is checked: every letter against the index (a pass of its own),
   * only where the counts differ, or not at all (an earlier pass is still checking it).
   */
  indexCheck: 'full' | 'counts' | 'skip' = 'full',
): Promise<ReconcilePass> {
  const batch = settings.batch ?? 100;
  const metrics = deps.reconcilerMetrics;
  const now = deps.store.now().getTime();
  const pass: ReconcilePass = {
    queued: 0,
    parentsRepaired: 0,
    retold: 0,
    deferred: 0,
    failed: 0,
    deadLettersReindexed: 0,
  };
  const retelling = { ageMs: settings.ageMs, metrics, log, repeats };
  for (let shard = 0; shard < deps.store.shards; shard++) {
    // The outbox's scores are the system clock's (the store's may be a test's).
    const relayed = await relayShard(deps, shard, Date.now() - settings.ageMs, {
      batch,
      claimMs: Math.max(settings.ageMs, 1000),
    });
    if (relayed > 0) {
      pass.queued += relayed;
      metrics.casesRelayed(relayed);
      log.warn({ shard, cases: relayed }, 'reconciler queued cases no relay had queued');
    }
    for (const id of await deps.store.jointParentsToCheck(shard, now - settings.ageMs, batch)) {
      const parent = await deps.store.followParent(id);
      await deps.store.jointParentChecked(id, parent?.status);
      if (parent?.movedFrom) {
        pass.parentsRepaired++;
        metrics.parentRepaired();
        log.warn(
          { caseId: id, from: parent.movedFrom, to: parent.status },
          'reconciler moved a joint parent that was behind its children',
        );
      }
    }
    const reindexed =
      indexCheck === 'skip'
        ? { indexed: 0, removed: 0 }
        : await deps.store.repairDeadLetterIndex(shard, indexCheck === 'full');
    if (reindexed.indexed + reindexed.removed > 0) {
      pass.deadLettersReindexed += reindexed.indexed + reindexed.removed;
      metrics.deadLettersReindexed(reindexed);
      log.warn({ shard, ...reindexed }, 'reconciler put the dead-letter index right');
    }
    add(
      pass,
      await retellOutbox(
        {
          kind: 'case',
          where: { shard },
          claim: (cutoffMs, claimUntilMs) =>
            deps.store.claimUntoldMoves(shard, cutoffMs, claimUntilMs, batch),
          retell: (entry) => deps.store.retellMove(shard, entry),
        },
        retelling,
      ),
    );
  }
  for (const province of deps.provinces) {
    add(
      pass,
      await retellOutbox(
        {
          kind: 'rectification',
          where: { province },
          claim: (cutoffMs, claimUntilMs) =>
            deps.rectifications.claimUntold(province, cutoffMs, claimUntilMs, batch),
          retell: (entry) => deps.rectifications.retell(province, entry),
        },
        retelling,
      ),
    );
  }
  return pass;
}

function add(pass: ReconcilePass, retold: Retold): void {
  pass.retold += retold.told;
  pass.deferred += retold.deferred;
  pass.failed += retold.failed;
}

export function startReconciler(
  deps: ReconcilerDeps,
  settings: ReconcilerSettings,
  log: Logger,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  // Redis down fails every pass: one line a second, with a count (gateway/README.md#operations).
  const failures = rateLimitedLog(log);
  const repeats = reconcilerRepeats(log);
  // The first pass compares the whole dead-letter index, then one every FULL_CHECK_MS. Passes may
  // overlap (one starts every interval), and an upgrade's backfill takes seconds: a pass leaves
  // the index to the one still checking it, so no two open the same reasons.
  let fullCheckAt = 0;
  let checking = false;
  const timer = setInterval(() => {
    let indexCheck: 'full' | 'counts' | 'skip' = 'skip';
    if (!checking) {
      indexCheck = Date.now() >= fullCheckAt ? 'full' : 'counts';
      if (indexCheck === 'full') fullCheckAt = Date.now() + FULL_CHECK_MS;
      checking = true;
    }
    const pass = reconcileOnce(deps, settings, log, repeats, indexCheck).finally(() => {
      if (indexCheck !== 'skip') checking = false;
    });
    running = pass.then(
      () => deps.reconcilerMetrics.passEnded('completed'),
      (error: unknown) => {
        deps.reconcilerMetrics.passEnded('failed');
        failures.warn('reconciler-pass', { err: error }, 'reconciler pass failed; will retry');
      },
    );
  }, settings.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
