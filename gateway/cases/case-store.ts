// The case store (gateway/README.md#case-store): case records in Redis — one hash and one history
// list per case, the sealed envelope of a single case or joint parent, the idempotency records,
// the outbox of cases stored but not yet queued, the move outbox, the dead-letter list and the
// silent-case sets, each in the case's Redis shard (gateway/README.md#redis-data-layout).
// The store is the only writer of those keys and its Redis client is private: a status changes
// only by a row of the lifecycle table, and the transition listeners given at construction
// (portal callbacks, 督办 scheduling, rating windows) hear of every applied move, whichever
// process (gateway, worker, operator CLI) made it. The envelope, a result and a failure reason
// are sealed at rest and opened only by the readers that show them
// (gateway/README.md#encryption-at-rest).
//
// This file is the one object every process builds (createCaseStore, identically in services.ts /
// case-system.ts, the worker and the CLI) and the one owner of the client, the key names, the
// sealer and the move-id pool: it builds them once into a CaseStoreContext
// (case-store-context.ts) and hands that to each part, one concept per file — reading
// (case-reader.ts), storing a submission (case-submissions.ts), moving (case-mover.ts), telling
// and retelling moves (move-outbox.ts), joint families (joint-family.ts), the relay's outbox
// (case-outbox.ts), silent cases (silent-cases.ts), marks outside the lifecycle (case-marks.ts),
// dead letters (dead-letter-list.ts) and their index per adapter and kind (dead-letter-index.ts), and the sealed-record census and re-seal
// (sealed-records.ts). Why a façade that delegates, not the parts handed to callers: some thirty
// callers and the tests use `store.x(...)`, and a part handed out beside the store would be a
// second path to the same method. A caller that needs one part says so in its type instead —
// the relay takes Pick<CaseOutbox, …>, the reconciler Pick<JointFamilies, …> & Pick<MoveOutbox,
// …> — so its dependency is honest while it is still given the one store.
import type { RedisClient } from '../shared/redis.ts';
import { loadDataKeys } from '../personal-data/data-keys.ts';
import { createSealer } from '../personal-data/sealed-data.ts';
import { RandomPool } from '../shared/random-pool.ts';
import { retentionSeconds } from '../shared/retention.ts';
import { redisKeys, type RedisKeys } from '../shared/redis-keys.ts';
import type { TransitionListener } from './case-move.ts';
import { CaseMarks } from './case-marks.ts';
import { CaseMover } from './case-mover.ts';
import { CaseOutbox } from './case-outbox.ts';
import { CaseReader } from './case-reader.ts';
import type { CaseStoreContext, CaseStoreSettings } from './case-store-context.ts';
import { CaseSubmissions } from './case-submissions.ts';
import { DeadLetterIndex } from './dead-letter-index.ts';
import { DeadLetterList } from './dead-letter-list.ts';
import { JointFamilies } from './joint-family.ts';
import { MoveOutbox } from './move-outbox.ts';
import { SealedRecords } from './sealed-records.ts';
import { SilentCases } from './silent-cases.ts';

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
  readonly #keys: RedisKeys;
  readonly #config: CaseStoreSettings;
  /** Where each move's own id comes from (#moveId). */
  readonly #random = new RandomPool();
  readonly now: () => Date;
  /** The census of the data keys the cases are sealed under, and their re-seal under the current. */
  readonly sealedRecords: SealedRecords;
  // Reading a case, and opening its envelope and result (case-reader.ts).
  readonly get: CaseReader['get'];
  readonly findByProvinceCaseNo: CaseReader['findByProvinceCaseNo'];
  readonly getForDelivery: CaseReader['getForDelivery'];
  readonly openEnvelope: CaseReader['openEnvelope'];
  readonly openResult: CaseReader['openResult'];
  readonly history: CaseReader['history'];
  // Storing a submission (case-submissions.ts).
  readonly create: CaseSubmissions['create'];
  readonly findIdempotent: CaseSubmissions['findIdempotent'];
  readonly submissionShard: CaseSubmissions['submissionShard'];
  // Moving a case by a row of the lifecycle table (case-mover.ts).
  readonly move: CaseMover['move'];
  // Telling the listeners of applied moves again, for the reconciler and /metrics (move-outbox.ts).
  readonly claimUntoldMoves: MoveOutbox['claimUntoldMoves'];
  readonly retellMove: MoveOutbox['retellMove'];
  readonly untoldMoveCount: MoveOutbox['untoldMoveCount'];
  // A joint parent following its children outside a move (joint-family.ts).
  readonly followParent: JointFamilies['followParent'];
  readonly jointParentsToCheck: JointFamilies['jointParentsToCheck'];
  readonly jointParentChecked: JointFamilies['jointParentChecked'];
  // The outbox relay's part (case-outbox.ts).
  readonly claimOutbox: CaseOutbox['claimOutbox'];
  readonly outboxDone: CaseOutbox['outboxDone'];
  // The silence watch's claims and the status queries' notes (silent-cases.ts).
  readonly claimSilentCases: SilentCases['claimSilentCases'];
  readonly noteStatusQuery: SilentCases['noteStatusQuery'];
  // Writes outside the lifecycle table: 督办 flags, follow-up links, a kept case number, a
  // recounted due time (case-marks.ts).
  readonly raiseFlag: CaseMarks['raiseFlag'];
  readonly linkFollowUp: CaseMarks['linkFollowUp'];
  readonly keepProvinceCaseNo: CaseMarks['keepProvinceCaseNo'];
  readonly recountDue: CaseMarks['recountDue'];
  // The operators' dead-letter list and page (dead-letter-list.ts).
  readonly deadLettersAfter: DeadLetterList['deadLettersAfter'];
  readonly deadLettersBefore: DeadLetterList['deadLettersBefore'];
  readonly failureReason: DeadLetterList['failureReason'];
  // The dead letters per adapter and kind, and the index's repair (dead-letter-index.ts).
  readonly deadLetterTallies: DeadLetterIndex['tallies'];
  readonly repairDeadLetterIndex: DeadLetterIndex['repairShard'];

  constructor(deps: CaseStoreDeps) {
    this.#keys = redisKeys(deps.config.keyPrefix, deps.config.redisShards);
    this.#config = deps.config;
    this.now = deps.now;
    // Sealed under the current data key, opened under any listed one (personal-data/).
    const ring = loadDataKeys(deps.config);
    const sealer = createSealer(ring);
    // The one context every part is built from: the keys and the client keep one owner.
    const context: CaseStoreContext = {
      redis: deps.redis,
      keys: this.#keys,
      sealer,
      config: deps.config,
      now: deps.now,
      moveId: () => this.#moveId(),
      retentionSeconds: () => this.#retentionSeconds(),
    };
    this.sealedRecords = new SealedRecords({ redis: deps.redis, keys: this.#keys, sealer, ring });

    const reader = new CaseReader(context);
    this.get = reader.get.bind(reader);
    this.findByProvinceCaseNo = reader.findByProvinceCaseNo.bind(reader);
    this.getForDelivery = reader.getForDelivery.bind(reader);
    this.openEnvelope = reader.openEnvelope.bind(reader);
    this.openResult = reader.openResult.bind(reader);
    this.history = reader.history.bind(reader);

    const submissions = new CaseSubmissions(context);
    this.create = submissions.create.bind(submissions);
    this.findIdempotent = submissions.findIdempotent.bind(submissions);
    this.submissionShard = submissions.submissionShard.bind(submissions);

    // Every applied move is told through the move outbox: the mover's, a parent's, a retold one.
    const moveOutbox = new MoveOutbox(context, deps.listeners, reader);
    this.claimUntoldMoves = moveOutbox.claimUntoldMoves.bind(moveOutbox);
    this.retellMove = moveOutbox.retellMove.bind(moveOutbox);
    this.untoldMoveCount = moveOutbox.untoldMoveCount.bind(moveOutbox);

    const jointFamilies = new JointFamilies(context, reader, moveOutbox);
    this.followParent = jointFamilies.followParent.bind(jointFamilies);
    this.jointParentsToCheck = jointFamilies.jointParentsToCheck.bind(jointFamilies);
    this.jointParentChecked = jointFamilies.jointParentChecked.bind(jointFamilies);

    const mover = new CaseMover(context, { reader, moveOutbox, jointFamilies });
    this.move = mover.move.bind(mover);

    const outbox = new CaseOutbox(context);
    this.claimOutbox = outbox.claimOutbox.bind(outbox);
    this.outboxDone = outbox.outboxDone.bind(outbox);

    const silent = new SilentCases(context);
    this.claimSilentCases = silent.claimSilentCases.bind(silent);
    this.noteStatusQuery = silent.noteStatusQuery.bind(silent);

    const marks = new CaseMarks(context);
    this.raiseFlag = marks.raiseFlag.bind(marks);
    this.linkFollowUp = marks.linkFollowUp.bind(marks);
    this.keepProvinceCaseNo = marks.keepProvinceCaseNo.bind(marks);
    this.recountDue = marks.recountDue.bind(marks);

    const index = new DeadLetterIndex(context, reader);
    this.deadLetterTallies = index.tallies.bind(index);
    this.repairDeadLetterIndex = index.repairShard.bind(index);
    const deadLetters = new DeadLetterList(context, index);
    this.deadLettersAfter = deadLetters.deadLettersAfter.bind(deadLetters);
    this.deadLettersBefore = deadLetters.deadLettersBefore.bind(deadLetters);
    this.failureReason = deadLetters.failureReason.bind(deadLetters);
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
