// The outboxes of moves whose transition listeners have not all heard of them
// (gateway/README.md#outbox-rule): each shard's move outbox (the case store's, move-outbox.ts) and
// each province's rectification outbox. The reconciler (reconciler.ts) tells one outbox's claimed entries again
// here, each outcome counted for /metrics; /metrics reads how many entries wait in them.
import type {
  OutboxKind,
  ReconcilerMetrics,
  RetellFailure,
} from '../metrics/reconciler-metrics.ts';
import type { RetellOutcome } from '../shared/listener-deferred.ts';
import type { Logger } from '../shared/logger.ts';
import type { RateLimitedLog } from '../shared/rate-limited-log.ts';
import type { CaseStore } from './case-store.ts';
import type { MoveOutbox } from './move-outbox.ts';

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
  /** Entries in the province's outbox now. */
  untoldCount(province: string): Promise<number>;
}

/** One outbox: a shard's move outbox or a province's rectification outbox. */
export interface Outbox {
  kind: OutboxKind;
  where: { shard: number } | { province: string };
  claim: (cutoffMs: number, claimUntilMs: number) => Promise<string[]>;
  retell: (entry: string) => Promise<RetellOutcome>;
}

/** What telling one outbox's claimed entries again came to. */
export interface Retold {
  /** Every listener heard: the entry went. */
  told: number;
  /** A listener deferred again: the entry waits, claimed. */
  deferred: number;
  /** The retell threw: the entry waits, claimed. */
  failed: number;
}

export interface RetellContext {
  ageMs: number;
  metrics: ReconcilerMetrics;
  log: Logger;
  /** Lines that would repeat while an entry stays stuck (reconciler.ts#reconcilerRepeats). */
  repeats: RateLimitedLog;
}

/**
 * One outbox's moves written more than `ageMs` ago, claimed (for `ageMs`, at least a second) and
 * told again, each outcome counted. One that defers again or fails is left claimed: told again
 * once its claim runs out, never holding up the rest. Moves told are logged every pass (each
 * entry once: it leaves the outbox); the ones still waiting come back pass after pass while they
 * are stuck, so their lines go through `repeats`: the first written, the rest counted.
 */
export async function retellOutbox(outbox: Outbox, ctx: RetellContext): Promise<Retold> {
  const { kind, where } = outbox;
  // One kind of repeated line per outbox: a small fixed set (shards and provinces).
  const repeated = `${kind}:${Object.values(where).join()}`;
  const retold: Retold = { told: 0, deferred: 0, failed: 0 };
  const waits = (reason: RetellFailure) => {
    ctx.metrics.retellFailed(kind, reason);
    if (reason === 'deferred') retold.deferred++;
    else retold.failed++;
  };
  // Scored by the system clock, as the case outbox is.
  const entries = await outbox.claim(
    Date.now() - ctx.ageMs,
    Date.now() + Math.max(ctx.ageMs, 1000),
  );
  for (const entry of entries) {
    let outcome: RetellOutcome;
    try {
      outcome = await outbox.retell(entry);
    } catch (error) {
      waits('error');
      ctx.repeats.warn(
        `retell-failed:${repeated}`,
        { err: error, ...where, entry },
        'move not told again; will retry',
      );
      continue;
    }
    if (outcome === 'told') {
      retold.told++;
      ctx.metrics.moveRetold(kind);
    } else if (outcome === 'deferred') {
      waits('deferred');
    }
  }
  if (retold.told > 0) {
    ctx.log.warn(
      { ...where, moves: retold.told },
      'reconciler told the listeners of moves no listener had heard of',
    );
  }
  if (retold.deferred > 0) {
    ctx.repeats.warn(
      `retell-deferred:${repeated}`,
      { ...where, moves: retold.deferred },
      'reconciler told moves again but a listener deferred again; will retry',
    );
  }
  return retold;
}

/**
 * How many entries wait in each kind of outbox now, over every shard and every province: one
 * ZCARD per outbox, no scan, for /metrics (metrics/reconciler-metrics.ts) at each scrape.
 */
export function untoldMovesReader(deps: {
  store: Pick<CaseStore, 'shards'> & Pick<MoveOutbox, 'untoldMoveCount'>;
  rectifications: Pick<UntoldMoves, 'untoldCount'>;
  provinces: readonly string[];
}): () => Promise<Record<OutboxKind, number>> {
  const sum = (counts: number[]) => counts.reduce((n, c) => n + c, 0);
  return async () => {
    const shards = Array.from({ length: deps.store.shards }, (_, shard) => shard);
    const [cases, rectifications] = await Promise.all([
      Promise.all(shards.map((shard) => deps.store.untoldMoveCount(shard))),
      Promise.all(deps.provinces.map((p) => deps.rectifications.untoldCount(p))),
    ]);
    return { case: sum(cases), rectification: sum(rectifications) };
  };
}
