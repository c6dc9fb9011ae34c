// The reconciler's Prometheus metrics (gateway/README.md#outbox-rule, README.md#operations): what
// this gateway's safety net did, counted by cases/reconciler.ts where it decides it, and what
// waits for it, read from Redis at scrape time. Before them a stuck callback was only a warn line;
// an operator could not alert on it.
// - `gw_reconciler_cases_relayed_total` — stored cases no relay had queued, queued by the
//   reconciler: a worker relay is missing or dying.
// - `gw_reconciler_parents_repaired_total` — joint parents that were behind their children.
// - `gw_reconciler_dead_letters_reindexed_total{change}` — dead letters the reconciler put into
//   the dead-letter index (`indexed`: stored by an instance of the version before the index, or
//   replayed and failed again by one) or took out of it and the list (`removed`): nonzero only
//   during a rolling upgrade, or after a hand edit; growing later is a write path that skips it.
// - `gw_reconciler_moves_retold_total{outbox}` — moves whose listeners all heard once told again
//   (outbox `case`: the shards' move outboxes; `rectification`: the provinces').
// - `gw_reconciler_retells_failed_total{outbox, reason}` — retells to be tried again: `deferred`
//   (a listener deferred again: Redis refused a callback's add) or `error` (the retell threw).
// - `gw_reconciler_passes_total{outcome}` — passes `completed` or `failed` (Redis down, a key of
//   the wrong type): one that stops completing is a safety net no longer there.
// - `gw_untold_moves{outbox}` — entries in the move outboxes of every shard and the rectification
//   outboxes of every province now, claimed or not (one ZCARD each: no scan), so any gateway
//   answers for the whole system. Near 0 but for a moment after each move; one that stays above
//   0 for a few GW_RECONCILE_INTERVAL_MS, or grows, is a listener that keeps deferring or failing.
// The counters are this instance's (every gateway runs a reconciler: sum them); a scrape while
// Redis is down keeps the gauge's last values.
import { Counter, Gauge, type Registry } from 'prom-client';

/** Which outbox a retold move came from (the `outbox` label). */
const OUTBOXES = ['case', 'rectification'] as const;
export type OutboxKind = (typeof OUTBOXES)[number];

/** Why a retell will be tried again (the `reason` label). */
const RETELL_FAILURES = ['deferred', 'error'] as const;
export type RetellFailure = (typeof RETELL_FAILURES)[number];

export const RECONCILER_CASES_RELAYED = 'gw_reconciler_cases_relayed_total';
export const RECONCILER_PARENTS_REPAIRED = 'gw_reconciler_parents_repaired_total';
export const RECONCILER_DEAD_LETTERS_REINDEXED = 'gw_reconciler_dead_letters_reindexed_total';
export const RECONCILER_MOVES_RETOLD = 'gw_reconciler_moves_retold_total';
export const RECONCILER_RETELLS_FAILED = 'gw_reconciler_retells_failed_total';
export const RECONCILER_PASSES = 'gw_reconciler_passes_total';
export const UNTOLD_MOVES = 'gw_untold_moves';

/** How a pass ended (the `outcome` label). */
const PASS_OUTCOMES = ['completed', 'failed'] as const;
export type PassOutcome = (typeof PASS_OUTCOMES)[number];

export interface ReconcilerMetrics {
  /** Counts cases the reconciler queued that no relay had. */
  casesRelayed(count: number): void;
  /** Counts one joint parent moved to catch up with its children. */
  parentRepaired(): void;
  /** Counts what a repair of one shard's dead-letter index changed. */
  deadLettersReindexed(change: { indexed: number; removed: number }): void;
  /** Counts one move whose listeners all heard when told again. */
  moveRetold(outbox: OutboxKind): void;
  /** Counts one retell that will be tried again. */
  retellFailed(outbox: OutboxKind, reason: RetellFailure): void;
  /** Counts one pass of the running reconciler, completed or failed. */
  passEnded(outcome: PassOutcome): void;
}

/**
 * `untold`: the entries waiting in each kind of outbox now (cases/reconciler.ts#untoldMovesReader),
 * read at each scrape.
 */
export function registerReconcilerMetrics(
  registry: Registry,
  untold: () => Promise<Record<OutboxKind, number>>,
): ReconcilerMetrics {
  const relayed = new Counter({
    name: RECONCILER_CASES_RELAYED,
    help: 'Stored cases the reconciler queued because no relay had (a worker relay missing or dying)',
    registers: [registry],
  });
  const repaired = new Counter({
    name: RECONCILER_PARENTS_REPAIRED,
    help: 'Joint parents the reconciler moved because they were behind their children',
    registers: [registry],
  });
  const reindexed = new Counter({
    name: RECONCILER_DEAD_LETTERS_REINDEXED,
    help: 'Dead letters the reconciler put into the dead-letter index (indexed) or took out of it and the list (removed, their case gone): nonzero during a rolling upgrade from before the index or after a hand edit',
    labelNames: ['change'] as const,
    registers: [registry],
  });
  const retold = new Counter({
    name: RECONCILER_MOVES_RETOLD,
    help: 'Moves whose listeners had not all heard of them, told again by the reconciler until every listener heard, by outbox (case, rectification)',
    labelNames: ['outbox'] as const,
    registers: [registry],
  });
  const failed = new Counter({
    name: RECONCILER_RETELLS_FAILED,
    help: 'Moves told again by the reconciler that will be told again, by outbox and reason (deferred: a listener deferred again, e.g. Redis refused a callback add; error: the retell failed)',
    labelNames: ['outbox', 'reason'] as const,
    registers: [registry],
  });
  const passes = new Counter({
    name: RECONCILER_PASSES,
    help: 'Passes of the reconciler, by outcome (completed, failed: Redis down or a key it could not read); one that stops completing is a safety net no longer running',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Every series at 0 from the start, so rate() and increase() see the first one.
  relayed.inc(0);
  repaired.inc(0);
  for (const change of ['indexed', 'removed']) reindexed.inc({ change }, 0);
  for (const outcome of PASS_OUTCOMES) passes.inc({ outcome }, 0);
  for (const outbox of OUTBOXES) {
    retold.inc({ outbox }, 0);
    for (const reason of RETELL_FAILURES) failed.inc({ outbox, reason }, 0);
  }
  new Gauge({
    name: UNTOLD_MOVES,
    help: 'Entries now in the move outboxes (case) and rectification outboxes: moves whose listeners have not all heard of them yet',
    labelNames: ['outbox'] as const,
    registers: [registry],
    async collect() {
      let counts;
      try {
        counts = await untold();
      } catch {
        return;
      }
      for (const outbox of OUTBOXES) this.set({ outbox }, counts[outbox]);
    },
  });
  return {
    casesRelayed: (count) => relayed.inc(count),
    parentRepaired: () => repaired.inc(),
    deadLettersReindexed: ({ indexed, removed }) => {
      reindexed.inc({ change: 'indexed' }, indexed);
      reindexed.inc({ change: 'removed' }, removed);
    },
    moveRetold: (outbox) => retold.inc({ outbox }),
    retellFailed: (outbox, reason) => failed.inc({ outbox, reason }),
    passEnded: (outcome) => passes.inc({ outcome }),
  };
}
