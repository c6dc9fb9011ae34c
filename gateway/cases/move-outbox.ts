// The move outbox (gateway/README.md#outbox-rule): an applied move waits in its shard's move outbox,
// written by the move's own Lua step, until every transition listener has heard of it. Here the
// listeners are told (an AppliedMove: the notice, its result opened only when a listener asks),
// the entries of the moves they heard leave the outbox, and the reconciler (reconciler.ts,
// through untold-moves.ts, which also retells the rectification outboxes) claims and retells the
// ones a dead process or a deferring listener left, and /metrics counts them. The moves themselves
// (case-mover.ts) and a joint parent's following (joint-family.ts) tell through this part, so
// every applied move is told, and its entry removed, one way. A part of the case store, built by
// the CaseStore (case-store.ts) from its one context and the listeners given at its construction;
// the store delegates claimUntoldMoves, retellMove and untoldMoveCount here.
import type { Sealer } from '../personal-data/sealed-data.ts';
import { tellAll, type RetellOutcome } from '../shared/listener-deferred.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { TransitionListener, TransitionNotice } from './case-move.ts';
import type { CaseReader } from './case-reader.ts';
import type { CaseRecord, HistoryEntry } from './case-record.ts';
import { claimDue } from './case-scripts.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import { LIFECYCLE, type MoveName } from './lifecycle.ts';
import { openStoredResult } from './stored-result.ts';
import { ROUTED_SEQUENCE } from './submission-history.ts';

export class MoveOutbox {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;
  readonly #listeners: readonly TransitionListener[];
  readonly #reader: CaseReader;

  constructor(
    context: CaseStoreContext,
    listeners: readonly TransitionListener[],
    reader: CaseReader,
  ) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
    this.#listeners = listeners;
    this.#reader = reader;
  }

  /**
   * Tells the listeners of an applied move; `written` is the result the move wrote, if any.
   * False when one deferred (ListenerDeferred): the move stays in the outbox.
   */
  async tell(notice: Omit<TransitionNotice, 'result'>, written?: unknown): Promise<boolean> {
    return tellAll(this.#listeners, new AppliedMove(notice, written, this.#sealer));
  }

  /** Every listener heard of these moves (of one case family): their move outbox entries go. */
  async told(id: string, entries: readonly string[]): Promise<void> {
    if (entries.length > 0) await this.#redis.zrem(this.#keys.shardOf(id).moveOutbox, ...entries);
  }

  /**
   * Claims up to `limit` of one shard's move outbox entries written at or before `cutoffMs` (or
   * whose earlier claim ran out) until `claimUntilMs`: applied moves whose listeners may never
   * have heard of them (their process died between the Lua step and the listeners), for the
   * reconciler to retell. A claimed entry is not claimed again (by any process) before then.
   */
  async claimUntoldMoves(
    shard: number,
    cutoffMs: number,
    claimUntilMs: number,
    limit: number,
  ): Promise<string[]> {
    return claimDue(this.#redis, this.#keys.shard(shard).moveOutbox, cutoffMs, claimUntilMs, limit);
  }

  /**
   * Tells the listeners, again, of the move a move outbox entry names, then removes the entry
   * (kept when a listener deferred again: told again once the reconciler's claim runs out).
   * They hear the case as it is now, with the status the move gave it (its last history entry),
   * its sequence, the status it moved from and its time — so the portal's callback is the one the
   * move would have queued (job id per case and sequence: a repeat is dropped) and a closing
   * move's rating windows end when they would have — and, as the fields the move wrote, the
   * case's due time (the 督办 tracks an open case again, once; settles a finished one, once).
   * The result is there from DECIDED on, as the move's own notice would have it. Answers `told`,
   * `deferred` (a listener deferred again: the entry stays) or `gone` (the case is gone or the
   * entry is not one: the entry is dropped).
   */
  async retellMove(shard: number, entry: string): Promise<RetellOutcome> {
    const [id = '', storedText = '', move = '', previous = '', at = ''] = entry.split('|');
    const stored = Number(storedText);
    const valid =
      Number.isInteger(stored) && stored >= 1 && isMoveName(move) && isCaseStatus(previous);
    const record = valid ? await this.#reader.get(id) : undefined;
    const raw = record ? await this.#redis.lindex(this.#keys.history(id), stored - 1) : null;
    let heard = true;
    if (record && raw !== null && isMoveName(move) && isCaseStatus(previous)) {
      const { status } = JSON.parse(raw) as HistoryEntry;
      // A result read now belongs to a decided case: not to a move made before the decision.
      const decided = status === 'DECIDED' || status === 'RESULT_DELIVERED' || status === 'CLOSED';
      const { storedResult: _result, ...undecided } = record;
      heard = await this.tell({
        record: decided ? record : undecided,
        move,
        previous,
        status,
        fields: record.kind === 'joint-parent' ? {} : { dueAt: record.dueAt },
        sequence: ROUTED_SEQUENCE + stored,
        at,
      });
    }
    if (heard) await this.#redis.zrem(this.#keys.shard(shard).moveOutbox, entry);
    if (!record || raw === null) return 'gone';
    return heard ? 'told' : 'deferred';
  }

  /**
   * How many entries one shard's move outbox holds now (ZCARD: no scan), claimed or not: moves
   * whose listeners have not all heard of them, for /metrics (metrics/reconciler-metrics.ts).
   */
  async untoldMoveCount(shard: number): Promise<number> {
    return this.#redis.zcard(this.#keys.shard(shard).moveOutbox);
  }
}

/**
 * An applied move as the listeners hear of it. The result is a method of the class, not a closure
 * made per move: it is opened only when a listener asks (the callbacks do, the 督办 does not).
 */
class AppliedMove implements TransitionNotice {
  readonly record: CaseRecord;
  readonly move: MoveName;
  readonly previous: CaseStatus;
  readonly status: CaseStatus;
  readonly fields: Readonly<Record<string, string>>;
  readonly sequence: number;
  readonly at: string;
  readonly #written: unknown;
  readonly #sealer: Sealer;

  constructor(notice: Omit<TransitionNotice, 'result'>, written: unknown, sealer: Sealer) {
    this.record = notice.record;
    this.move = notice.move;
    this.previous = notice.previous;
    this.status = notice.status;
    this.fields = notice.fields;
    this.sequence = notice.sequence;
    this.at = notice.at;
    this.#written = written;
    this.#sealer = sealer;
  }

  result(): unknown {
    if (this.#written !== undefined) return this.#written;
    const stored = this.record.storedResult;
    return stored === undefined
      ? undefined
      : openStoredResult(this.#sealer, stored, this.record.id);
  }
}

export /** An applied move's move outbox entry, as transition-case.lua and follow-parent.lua write it. */
function moveEntry(
  id: string,
  stored: number,
  move: MoveName,
  previous: string,
  at: string,
): string {
  return `${id}|${stored}|${move}|${previous}|${at}`;
}

function isMoveName(move: string): move is MoveName {
  return Object.hasOwn(LIFECYCLE, move);
}
