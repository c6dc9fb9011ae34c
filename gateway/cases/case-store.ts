// Case records in Redis (gateway/README.md#case-store): one hash and one history list per case (the
// list holds the moves after the submission, whose entries are derived from the hash), the sealed
// envelope of a single case or joint parent, the idempotency records, the outbox of cases stored
// but not yet queued, and the dead-letter list, each in the case's Redis shard
// (gateway/README.md#redis-data-layout).
// The store is the only writer of those keys and its Redis client is private: a status changes
// only by a row of the lifecycle table (move), applied atomically by transition-case.lua, and the
// transition listeners given at construction (portal callbacks, 督办 scheduling) hear of every
// applied move — whichever process (gateway, worker, operator CLI) made it. The move's Lua step
// also writes it to the shard's move outbox, and the store removes it once the listeners have
// heard; one a dead process left is told again by the reconciler (retellMove,
// gateway/README.md#outbox-rule). A joint child's move
// lets its parent follow in the same Lua step (gateway/README.md#joint-parent-atomicity). The
// submitted envelope is sealed (encrypted) on the way in and opened only by openEnvelope, for a
// case read or a delivery (gateway/README.md#encryption-at-rest); records, lists and moves never
// decrypt it. A province's result is sealed by the move that writes it and opened only by
// openResult (a case read) or a transition notice's result() (a callback).
import type { RedisClient } from '../shared/redis.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import { loadDataKeys } from '../personal-data/data-keys.ts';
import { createSealer, type Sealer } from '../personal-data/sealed-data.ts';
import { runScript, runScriptBuffer } from '../shared/lua-script.ts';
import { tellAll, type RetellOutcome } from '../shared/listener-deferred.ts';
import { RandomPool } from '../shared/random-pool.ts';
import { retentionSeconds } from '../shared/retention.ts';
import {
  caseFamilyId,
  redisKeys,
  shardOfCase,
  type RedisKeys,
  type SupervisionFlag,
} from '../shared/redis-keys.ts';
import {
  planMove,
  transitionCall,
  type MoveOutcome,
  type MoveStep,
  type PlannedMove,
  type TransitionListener,
  type TransitionNotice,
} from './case-move.ts';
import { asStatus, CASE_SCRIPTS, type FollowReply, type TransitionReply } from './case-scripts.ts';
import {
  decodeIdempotency,
  encodeIdempotency,
  type IdempotencyRecord,
} from './idempotency-record.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';
import {
  CorruptCaseError,
  fromHash,
  LEGACY_ENVELOPE_FIELD,
  LEGACY_RESULT_FIELD,
  SEALED_RESULT_FIELD,
  toHash,
  type CaseRecord,
  type HistoryEntry,
  type JointParentCase,
} from './case-record.ts';
import { familyKeys, PARENT_RULE_JSON, type JointFamily } from './joint-parent.ts';
import { LIFECYCLE, type MoveName } from './lifecycle.ts';
import {
  LEGACY_FAILURE_REASON_FIELD,
  SEALED_FAILURE_REASON_FIELD,
  sealFailureReason,
} from './failure-reason.ts';
import { caseHistory, ROUTED_SEQUENCE } from './submission-history.ts';
import { SealedRecords } from './sealed-records.ts';
import { CaseReader } from './case-reader.ts';
import { CaseSubmissions } from './case-submissions.ts';
import { CaseOutbox } from './case-outbox.ts';
import { DeadLetterList } from './dead-letter-list.ts';
import { CaseMarks } from './case-marks.ts';
import { SilentCases } from './silent-cases.ts';
import { moveEntry, MoveOutbox } from './move-outbox.ts';
import { JointFamilies } from './joint-family.ts';
import type { CaseStoreContext, CaseStoreSettings } from './case-store-context.ts';
import { openEntryNote, sealEntryNote } from '../personal-data/sealed-text.ts';
import { openStoredResult, sealResult } from './stored-result.ts';

const { transitionCase: TRANSITION_CASE, followParent: FOLLOW_PARENT } = CASE_SCRIPTS;

export interface CaseStoreDeps {
  redis: RedisClient;
  config: CaseStoreSettings;
  /** Told of every applied move, in order. */
  listeners: readonly TransitionListener[];
  /** The clock of every status time the store sets. */
  now: () => Date;
}

/** The one way to build a case store: gateway, worker and operator CLI alike. */
export function createCaseStore(deps: CaseStoreDeps): CaseStore {
  return new CaseStore(deps);
}

export class CaseStore {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #config: CaseStoreSettings;
  readonly #listeners: readonly TransitionListener[];
  readonly #sealer: Sealer;
  /** Where each move's own id comes from (#moveId). */
  readonly #random = new RandomPool();
  readonly now: () => Date;
  /** The census of the data keys the cases are sealed under, and their re-seal under the current. */
  readonly sealedRecords: SealedRecords;
  // Reading a case, and opening its envelope and result (case-reader.ts).
  readonly get: CaseReader['get'];
  readonly getForDelivery: CaseReader['getForDelivery'];
  readonly openEnvelope: CaseReader['openEnvelope'];
  readonly openResult: CaseReader['openResult'];
  readonly history: CaseReader['history'];
  // Storing a submission (case-submissions.ts).
  readonly create: CaseSubmissions['create'];
  readonly findIdempotent: CaseSubmissions['findIdempotent'];
  readonly submissionShard: CaseSubmissions['submissionShard'];
  // The outbox relay's part (case-outbox.ts).
  readonly claimOutbox: CaseOutbox['claimOutbox'];
  readonly outboxDone: CaseOutbox['outboxDone'];
  // The operators' dead-letter list and page (dead-letter-list.ts).
  readonly deadLetters: DeadLetterList['deadLetters'];
  readonly failureReason: DeadLetterList['failureReason'];
  // Writes outside the lifecycle table: 督办 flags, follow-up links, a kept case number (case-marks.ts).
  readonly raiseFlag: CaseMarks['raiseFlag'];
  readonly linkFollowUp: CaseMarks['linkFollowUp'];
  readonly keepProvinceCaseNo: CaseMarks['keepProvinceCaseNo'];
  // The silence watch's claims and the status queries' notes (silent-cases.ts).
  readonly claimSilentCases: SilentCases['claimSilentCases'];
  readonly noteStatusQuery: SilentCases['noteStatusQuery'];
  // Telling the listeners of applied moves, and retelling the untold ones (move-outbox.ts).
  readonly #moveOutbox: MoveOutbox;
  readonly claimUntoldMoves: MoveOutbox['claimUntoldMoves'];
  readonly retellMove: MoveOutbox['retellMove'];
  readonly untoldMoveCount: MoveOutbox['untoldMoveCount'];
  // A joint parent following its children (joint-family.ts).
  readonly #jointFamilies: JointFamilies;
  readonly followParent: JointFamilies['followParent'];
  readonly jointParentsToCheck: JointFamilies['jointParentsToCheck'];
  readonly jointParentChecked: JointFamilies['jointParentChecked'];

  constructor(deps: CaseStoreDeps) {
    this.#redis = deps.redis;
    this.#keys = redisKeys(deps.config.keyPrefix, deps.config.redisShards);
    this.#config = deps.config;
    this.#listeners = deps.listeners;
    // Sealed under the current data key, opened under any listed one (personal-data/).
    const ring = loadDataKeys(deps.config);
    this.#sealer = createSealer(ring);
    this.now = deps.now;
    // The one context every part is built from: the keys and the client keep one owner.
    const context: CaseStoreContext = {
      redis: deps.redis,
      keys: this.#keys,
      sealer: this.#sealer,
      config: deps.config,
      now: deps.now,
      moveId: () => this.#moveId(),
      retentionSeconds: () => this.#retentionSeconds(),
    };
    this.sealedRecords = new SealedRecords({
      redis: deps.redis,
      keys: this.#keys,
      sealer: this.#sealer,
      ring,
    });
    const reader = new CaseReader(context);
    this.get = reader.get.bind(reader);
    this.getForDelivery = reader.getForDelivery.bind(reader);
    this.openEnvelope = reader.openEnvelope.bind(reader);
    this.openResult = reader.openResult.bind(reader);
    this.history = reader.history.bind(reader);
    const submissions = new CaseSubmissions(context);
    this.create = submissions.create.bind(submissions);
    this.findIdempotent = submissions.findIdempotent.bind(submissions);
    this.submissionShard = submissions.submissionShard.bind(submissions);
    const outbox = new CaseOutbox(context);
    this.claimOutbox = outbox.claimOutbox.bind(outbox);
    this.outboxDone = outbox.outboxDone.bind(outbox);
    const deadLetters = new DeadLetterList(context);
    this.deadLetters = deadLetters.deadLetters.bind(deadLetters);
    this.failureReason = deadLetters.failureReason.bind(deadLetters);
    const marks = new CaseMarks(context);
    this.raiseFlag = marks.raiseFlag.bind(marks);
    this.linkFollowUp = marks.linkFollowUp.bind(marks);
    this.keepProvinceCaseNo = marks.keepProvinceCaseNo.bind(marks);
    const silent = new SilentCases(context);
    this.claimSilentCases = silent.claimSilentCases.bind(silent);
    this.noteStatusQuery = silent.noteStatusQuery.bind(silent);
    const moveOutbox = new MoveOutbox(context, deps.listeners, reader);
    this.#moveOutbox = moveOutbox;
    this.claimUntoldMoves = moveOutbox.claimUntoldMoves.bind(moveOutbox);
    this.retellMove = moveOutbox.retellMove.bind(moveOutbox);
    this.untoldMoveCount = moveOutbox.untoldMoveCount.bind(moveOutbox);
    const jointFamilies = new JointFamilies(context, reader, moveOutbox);
    this.#jointFamilies = jointFamilies;
    this.followParent = jointFamilies.followParent.bind(jointFamilies);
    this.jointParentsToCheck = jointFamilies.jointParentsToCheck.bind(jointFamilies);
    this.jointParentChecked = jointFamilies.jointParentChecked.bind(jointFamilies);
  }

  /** How long a closed case is kept, in seconds (GW_CASE_RETENTION_DAYS; 0 = for ever). */
  get caseRetentionSeconds(): number {
    return this.#retentionSeconds();
  }

  /** How many Redis shards there are (GW_REDIS_SHARDS): background loops iterate them. */
  get shards(): number {
    return this.#keys.shards;
  }

  /**
   * Applies one row of the lifecycle table to the case — for a joint child, with its parent
   * following in the same atomic step, also when the move itself is refused (a repeated event
   * completes what its first delivery left undone) — then tells the listeners of each applied
   * move, the case's first. Refused moves change nothing of the case and tell no one.
   */
  async move(record: CaseRecord, name: MoveName, step: MoveStep): Promise<MoveOutcome> {
    const now = this.now();
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
      retentionSeconds: this.#retentionSeconds(),
      moveId: this.#moveId(),
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
      const parent = await this.get(family.parentId);
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
   * ('' reads as none) so it does not outlive its replacement.
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
    return { ...plan, fields: sealed };
  }

  /**
   * A move's own id, one per call (cases/scripts/last-move.lua): a worker's connection sends a
   * command again after a reconnect when Redis applied it unanswered (README.md#redis-durability),
   * and the script knows its own second run by this id. 16 hex characters of crypto-random bytes,
   * from a pool rather than a randomBytes call per move.
   */
  #moveId(): string {
    return this.#random.hex(8);
  }

  #retentionSeconds(): number {
    return retentionSeconds(this.#config.caseRetentionDays);
  }
}
