// Moving a case (gateway/README.md#case-store, gateway/README.md#lifecycle-table): a status changes
// only by a row of the lifecycle table, planned by case-move.ts and applied atomically by
// transition-case.lua — for a joint child with its parent following in the same Lua step
// (gateway/README.md#joint-parent-atomicity, the family read in joint-family.ts). A result or a
// failure reason the move writes is sealed here, to the case, so neither reaches the hash in
// clear (gateway/README.md#encryption-at-rest). Every applied move is then told to the transition
// listeners through the move outbox (move-outbox.ts), the case's first, then its parent's. The
// record functions (record-*.ts) name the moves and call this through the store. A part of the
// case store, built by the CaseStore (case-store.ts) from its one context, so the keys, the Redis
// client, the sealer and the clock keep one owner; the store delegates move here.
import type { Sealer } from '../personal-data/sealed-data.ts';
import { sealEntryNote } from '../personal-data/sealed-text.ts';
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import {
  planMove,
  transitionCall,
  type MoveOutcome,
  type MoveStep,
  type PlannedMove,
} from './case-move.ts';
import type { CaseReader } from './case-reader.ts';
import { LEGACY_RESULT_FIELD, SEALED_RESULT_FIELD, type CaseRecord } from './case-record.ts';
import { asStatus, CASE_SCRIPTS, type FollowReply, type TransitionReply } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import {
  LEGACY_FAILURE_REASON_FIELD,
  SEALED_FAILURE_REASON_FIELD,
  sealFailureReason,
} from './failure-reason.ts';
import { failureKindOf } from './failure-kind.ts';
import type { JointFamilies } from './joint-family.ts';
import type { MoveName } from './lifecycle.ts';
import { moveEntry, type MoveOutbox } from './move-outbox.ts';
import { sealResult } from './stored-result.ts';
import { ROUTED_SEQUENCE } from './submission-history.ts';

const { transitionCase: TRANSITION_CASE } = CASE_SCRIPTS;

export class CaseMover {
  readonly #context: CaseStoreContext;
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;
  readonly #now: () => Date;
  readonly #reader: CaseReader;
  readonly #moveOutbox: MoveOutbox;
  readonly #jointFamilies: JointFamilies;

  constructor(
    context: CaseStoreContext,
    parts: { reader: CaseReader; moveOutbox: MoveOutbox; jointFamilies: JointFamilies },
  ) {
    this.#context = context;
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
    this.#now = context.now;
    this.#reader = parts.reader;
    this.#moveOutbox = parts.moveOutbox;
    this.#jointFamilies = parts.jointFamilies;
  }

  /**
   * Applies one row of the lifecycle table to the case — for a joint child, with its parent
   * following in the same atomic step, also when the move itself is refused (a repeated event
   * completes what its first delivery left undone) — then tells the listeners of each applied
   * move, the case's first. Refused moves change nothing of the case and tell no one.
   */
  async move(record: CaseRecord, name: MoveName, step: MoveStep): Promise<MoveOutcome> {
    const now = this.#now();
    const plan = this.#sealingFailureReason(
      record,
      this.#sealingResult(
        record,
        planMove(name, step, now, (entry) => sealEntryNote(this.#sealer, record.id, entry)),
        step.result,
      ),
      step.failureReason,
    );
    const family =
      record.kind === 'joint-child' ? await this.#jointFamilies.family(record.parentId) : undefined;
    const { keys, args } = transitionCall(plan, {
      keys: this.#keys,
      record,
      move: name,
      ...(family ? { family } : {}),
      now,
      ...(step.digest ? { digest: step.digest } : {}),
      retentionSeconds: this.#context.retentionSeconds(),
      moveId: this.#context.moveId(),
    });
    const result = (await runScript(this.#redis, TRANSITION_CASE, keys, args)) as TransitionReply;
    const [verdict, current, stored] = result;
    if (verdict === 'missing') return { ok: false, reason: 'missing' };
    const at = now.toISOString();
    const outcome: MoveOutcome =
      verdict === 'ok'
        ? { ok: true, previous: asStatus(current), status: plan.status }
        : // 'duplicate' is an event digest applied before: folding it into 'missing' turned a
          // province's harmless repeat into 404 GW_CASE_NOT_FOUND.
          {
            ok: false,
            reason: verdict === 'duplicate' ? 'duplicate' : 'illegal',
            current: asStatus(current),
          };
    // The move's outbox entry goes once every listener has heard; one that deferred (a callback
    // Redis refused to queue) leaves it for the reconciler, without failing the move.
    const told: string[] = [];
    if (outcome.ok) {
      const { previous, status } = outcome;
      const heard = await this.#moveOutbox.tell(
        {
          record,
          move: name,
          previous,
          status,
          fields: step.fields ?? {},
          // The history's length: the stored moves after the submission's derived entries.
          sequence: ROUTED_SEQUENCE + Number(stored),
          at,
        },
        step.result,
      );
      if (heard) told.push(moveEntry(record.id, stored, name, current, at));
    }
    if (family && result[4] !== undefined) {
      // The listeners get the parent as it is now; they read its ids and times, not its status.
      const parent = await this.#reader.get(family.parentId);
      const heard =
        parent?.kind !== 'joint-parent' ||
        (await this.#jointFamilies.tellFollowed(parent, result.slice(3) as FollowReply, at));
      if (heard) {
        told.push(moveEntry(family.parentId, result[5]!, 'parent-followed', result[3]!, at));
      }
    }
    await this.#moveOutbox.told(record.id, told);
    return outcome;
  }

  /**
   * The move's fields with its result sealed in (stored-result.ts), sealed to the case: no result
   * reaches the hash in clear. A result stored in clear before results were sealed is set to JSON
   * null (still JSON to a gateway of the previous version) so it does not outlive its replacement.
   */
  #sealingResult(record: CaseRecord, plan: PlannedMove, result: unknown): PlannedMove {
    const { fields } = plan;
    if (LEGACY_RESULT_FIELD in fields || SEALED_RESULT_FIELD in fields) {
      throw new Error('a move carries its result as step.result, which the store seals');
    }
    if (result === undefined) return plan;
    const sealed: Record<string, string> = {
      ...fields,
      [SEALED_RESULT_FIELD]: sealResult(this.#sealer, result, record.id),
    };
    if (record.storedResult && 'legacyJson' in record.storedResult) {
      sealed[LEGACY_RESULT_FIELD] = 'null';
    }
    return { ...plan, fields: sealed };
  }

  /**
   * The move's fields with its failure reason sealed in (failure-reason.ts), sealed to the case: no
   * reason reaches the hash in clear. One stored in clear before reasons were sealed is blanked
   * ('' reads as none) so it does not outlive its replacement. The reason's kind goes with the
   * plan, for the dead-letter index.
   */
  #sealingFailureReason(record: CaseRecord, plan: PlannedMove, reason?: string): PlannedMove {
    const { fields } = plan;
    if (LEGACY_FAILURE_REASON_FIELD in fields || SEALED_FAILURE_REASON_FIELD in fields) {
      throw new Error(
        'a move carries its failure reason as step.failureReason, which the store seals',
      );
    }
    if (reason === undefined) return plan;
    const sealed: Record<string, string> = {
      ...fields,
      [SEALED_FAILURE_REASON_FIELD]: sealFailureReason(this.#sealer, reason, record.id),
    };
    if (record.storedFailureReason && 'clear' in record.storedFailureReason) {
      sealed[LEGACY_FAILURE_REASON_FIELD] = '';
    }
    // Classified here, the one place the reason is in clear before it is sealed: the dead-letter
    // index it joins, so no reader has to open it to count or filter (dead-letter-index.ts).
    return { ...plan, fields: sealed, failureKind: failureKindOf(reason) };
  }
}
