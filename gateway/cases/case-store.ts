// Case records in Redis (gateway/README.md#case-store): one hash and one history list per case,
// the idempotency records, the outbox of cases stored but not yet queued, and the dead-letter list.
// The store is the only writer of those keys and its Redis client is private: a status changes
// only by a row of the lifecycle table (move), applied atomically by transition-case.lua, and the
// transition listeners given at construction (portal callbacks, 督办 scheduling) hear of every
// applied move — whichever process (gateway, worker, operator CLI) made it. A joint child's move
// lets its parent follow in the same Lua step (gateway/README.md#joint-parent-atomicity). The
// submitted envelope is sealed (encrypted) on the way in and opened only by openEnvelope, for a
// case read or a delivery (gateway/README.md#encryption-at-rest); records, lists and moves never
// decrypt it.
import type { RedisClient } from '../shared/redis.ts';
import type { Config } from '../../config/load-config.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import { loadDataKeys, type DataKeySettings } from '../personal-data/data-keys.ts';
import { createSealer, type Sealer } from '../personal-data/sealed-data.ts';
import { runScript } from '../shared/lua-script.ts';
import { retentionSeconds } from '../shared/retention.ts';
import { redisKeys, type RedisKeys, type SupervisionFlag } from '../shared/redis-keys.ts';
import {
  planMove,
  transitionCall,
  type MoveOutcome,
  type MoveStep,
  type TransitionListener,
  type TransitionNotice,
} from './case-move.ts';
import { CASE_SCRIPTS, type FollowReply, type TransitionReply } from './case-scripts.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';
import {
  CorruptCaseError,
  fromHash,
  SEALED_ENVELOPE_FIELD,
  toHash,
  type CaseRecord,
  type HistoryEntry,
  type JointParentCase,
} from './case-record.ts';
import { familyKeys, PARENT_RULE_JSON, type JointFamily } from './joint-parent.ts';
import type { MoveName } from './lifecycle.ts';

const {
  createCase: CREATE_CASE,
  transitionCase: TRANSITION_CASE,
  followParent: FOLLOW_PARENT,
  claimSilentCases: CLAIM_SILENT_CASES,
  noteStatusQuery: NOTE_STATUS_QUERY,
  raiseFlag: RAISE_FLAG,
  keepProvinceCaseNo: KEEP_PROVINCE_CASE_NO,
  linkFollowUp: LINK_FOLLOW_UP,
} = CASE_SCRIPTS;

export interface IdempotencyRecord {
  caseId: string;
  requestHash: string;
  response: { status: number; body: unknown; headers: Record<string, string> };
}

export type CreateOutcome = { created: true } | { created: false; existing: IdempotencyRecord };

export interface NewCase {
  record: CaseRecord;
  history: HistoryEntry;
}

export interface CaseStoreDeps {
  redis: RedisClient;
  /** With the data keys: production without GW_DATA_KEYS stops here, before anything is stored. */
  config: Pick<Config, 'keyPrefix' | 'idempotencyTtlSeconds' | 'caseRetentionDays'> &
    DataKeySettings;
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
  readonly #config: CaseStoreDeps['config'];
  readonly #listeners: readonly TransitionListener[];
  readonly #sealer: Sealer;
  readonly now: () => Date;

  constructor(deps: CaseStoreDeps) {
    this.#redis = deps.redis;
    this.#keys = redisKeys(deps.config.keyPrefix);
    this.#config = deps.config;
    this.#listeners = deps.listeners;
    // Sealed under the current data key, opened under any listed one (personal-data/).
    this.#sealer = createSealer(loadDataKeys(deps.config));
    this.now = deps.now;
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return fromHash(await this.#redis.hgetall(this.#keys.case(id)));
  }

  /**
   * The case's submitted envelope, decrypted: for reading the case (then masked) and delivering
   * it, nowhere else. Throws SealedDataError when it cannot be opened (a key no longer listed,
   * tampered bytes), CorruptCaseError when the case has none.
   */
  async openEnvelope(id: string): Promise<SubmissionEnvelope> {
    const sealed = await this.#redis.hgetBuffer(this.#keys.case(id), SEALED_ENVELOPE_FIELD);
    if (!sealed) throw new CorruptCaseError(`case ${id} has no stored envelope`);
    return this.#sealer.open(sealed, id) as SubmissionEnvelope;
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const raw = await this.#redis.lrange(this.#keys.history(id), 0, -1);
    return raw.map((entry) => JSON.parse(entry) as HistoryEntry);
  }

  async findIdempotent(clientId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const raw = await this.#redis.get(this.#keys.idempotency(clientId, keyHash));
    return raw ? (JSON.parse(raw) as IdempotencyRecord) : undefined;
  }

  /**
   * Stores the parent (first) and any children plus the idempotency record, atomically. Each case
   * keeps the envelope sealed under its own id, so a sealed envelope moved to another case fails.
   */
  async create(
    idempotency: { clientId: string; keyHash: string; record: IdempotencyRecord },
    envelope: SubmissionEnvelope,
    cases: readonly [NewCase, ...NewCase[]],
  ): Promise<CreateOutcome> {
    const parent = cases[0].record;
    const keys = [this.#keys.idempotency(idempotency.clientId, idempotency.keyHash)];
    keys.push(this.#keys.outbox, this.#keys.jointParents);
    const args: (string | Buffer)[] = [
      JSON.stringify(idempotency.record),
      String(this.#config.idempotencyTtlSeconds),
      String(Date.parse(parent.createdAt)),
      parent.id,
    ];
    for (const c of cases) {
      keys.push(this.#keys.case(c.record.id), this.#keys.history(c.record.id));
      args.push(
        JSON.stringify(toHash(c.record)),
        JSON.stringify(c.history),
        this.#sealer.seal(envelope, c.record.id),
      );
    }
    const result = (await runScript(this.#redis, CREATE_CASE, keys, args)) as string[];
    if (result[0] === 'created') return { created: true };
    return { created: false, existing: JSON.parse(result[1] ?? '{}') as IdempotencyRecord };
  }

  /**
   * Applies one row of the lifecycle table to the case — for a joint child, with its parent
   * following in the same atomic step, also when the move itself is refused (a repeated event
   * completes what its first delivery left undone) — then tells the listeners of each applied
   * move, the case's first. Refused moves change nothing of the case and tell no one.
   */
  async move(record: CaseRecord, name: MoveName, step: MoveStep): Promise<MoveOutcome> {
    const now = this.now();
    const plan = planMove(name, step, now);
    const family = record.kind === 'joint-child' ? await this.#family(record.parentId) : undefined;
    const { keys, args } = transitionCall(plan, {
      keys: this.#keys,
      record,
      ...(family ? { family } : {}),
      now,
      ...(step.digest ? { digest: step.digest } : {}),
      retentionSeconds: this.#retentionSeconds(),
    });
    const result = (await runScript(this.#redis, TRANSITION_CASE, keys, args)) as TransitionReply;
    const [verdict, current, sequence] = result;
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
    if (outcome.ok) {
      const { previous, status } = outcome;
      await this.#tell({
        record,
        move: name,
        previous,
        status,
        fields: plan.fields,
        sequence: Number(sequence),
        at,
      });
    }
    if (family && result[4] !== undefined) {
      // The listeners get the parent as it is now; they read its ids and times, not its status.
      const parent = await this.get(family.parentId);
      if (parent?.kind === 'joint-parent') {
        await this.#tellFollowed(parent, result.slice(3) as FollowReply, at);
      }
    }
    return outcome;
  }

  /**
   * Lets a joint parent catch up with its children, outside any child's move (the joint-case
   * queue's job, the reconciler's repair). Answers where the parent is, and where it was if it
   * moved; undefined when it is gone or not a joint parent.
   */
  async followParent(
    parentId: string,
  ): Promise<{ status: CaseStatus; movedFrom?: CaseStatus } | undefined> {
    const parent = await this.get(parentId);
    if (parent?.kind !== 'joint-parent') return undefined;
    const now = this.now();
    const [keys, args] = [
      familyKeys(this.#keys, { parentId: parent.id, children: parent.children }),
      [PARENT_RULE_JSON, now.toISOString(), this.#retentionSeconds()],
    ];
    const reply = (await runScript(this.#redis, FOLLOW_PARENT, keys, args)) as FollowReply | [];
    if (reply.length === 0) return { status: parent.status };
    await this.#tellFollowed(parent, reply, now.toISOString());
    return { status: asStatus(reply[1]), movedFrom: asStatus(reply[0]) };
  }

  /** Open joint parents the reconciler last checked before `olderThanMs`, oldest check first. */
  async jointParentsToCheck(olderThanMs: number, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(
      this.#keys.jointParents,
      '-inf',
      olderThanMs,
      'LIMIT',
      0,
      limit,
    );
  }

  /** The reconciler checked a joint parent: again later while it is open, never once closed. */
  async jointParentChecked(parentId: string, status: CaseStatus | undefined): Promise<void> {
    if (status === undefined || status === 'CLOSED') {
      await this.#redis.zrem(this.#keys.jointParents, parentId);
    } else {
      await this.#redis.zadd(this.#keys.jointParents, 'XX', this.now().getTime(), parentId);
    }
  }

  /**
   * Claims up to `limit` of an adapter's delivered, open cases the province has not moved since
   * `silentSinceMs`, for a status query; a claimed case is not claimed again (by any process)
   * until it has been silent for another period (gateway/README.md#silence-reconciliation).
   */
  async claimSilentCases(adapter: string, silentSinceMs: number, limit: number): Promise<string[]> {
    const now = this.now().getTime();
    const key = this.#keys.provinceSilence(adapter);
    return (await runScript(
      this.#redis,
      CLAIM_SILENT_CASES,
      [key],
      [silentSinceMs, now, limit],
    )) as string[];
  }

  /**
   * A status query that brought no news: a history entry at most once per `windowMs`, the
   * queries in between counted in the next one. True when an entry was written.
   */
  async noteStatusQuery(
    id: string,
    actor: string,
    note: string,
    windowMs: number,
  ): Promise<boolean> {
    const now = this.now();
    const noted = await runScript(
      this.#redis,
      NOTE_STATUS_QUERY,
      [this.#keys.case(id), this.#keys.history(id)],
      [now.toISOString(), now.getTime(), windowMs, actor, note],
    );
    return noted === 1;
  }

  /** A joint parent's children, read alone: a child's every move needs them, not the envelope. */
  async #family(parentId: string): Promise<JointFamily | undefined> {
    const raw = await this.#redis.hget(this.#keys.case(parentId), 'children');
    if (!raw) return undefined;
    const children = JSON.parse(raw) as unknown;
    if (!Array.isArray(children) || !children.every((c) => typeof c === 'string')) {
      throw new CorruptCaseError(`case ${parentId}: children is not a list of ids`);
    }
    return { parentId, children };
  }

  #retentionSeconds(): number {
    return retentionSeconds(this.#config.caseRetentionDays);
  }

  async #tellFollowed(parent: JointParentCase, reply: FollowReply, at: string): Promise<void> {
    const [previous, status, sequence] = reply;
    await this.#tell({
      record: parent,
      move: 'parent-followed',
      previous: asStatus(previous),
      status: asStatus(status),
      fields: {},
      sequence: Number(sequence),
      at,
    });
  }

  async #tell(notice: TransitionNotice): Promise<void> {
    for (const listener of this.#listeners) await listener(notice);
  }

  /** A delivery the worker could not record as a move keeps its province case number. */
  async keepProvinceCaseNo(id: string, provinceCaseNo: string): Promise<void> {
    await runScript(this.#redis, KEEP_PROVINCE_CASE_NO, [this.#keys.case(id)], [provinceCaseNo]);
  }

  /**
   * Records on an earlier case that `followUpId` follows it up (gateway/README.md#related-cases),
   * once, with a history entry; false when the earlier case is gone or the link exists.
   */
  async linkFollowUp(
    caseId: string,
    followUpId: string,
    entry: { at: string; actor: string; note: string },
  ): Promise<boolean> {
    const linked = await runScript(
      this.#redis,
      LINK_FOLLOW_UP,
      [this.#keys.case(caseId), this.#keys.history(caseId)],
      [followUpId, entry.at, entry.actor, entry.note],
    );
    return linked === 1;
  }

  /** Raises a 督办 flag once, with its history entry; false when already up or the case is gone. */
  async raiseFlag(id: string, flag: SupervisionFlag, note: string, at: string): Promise<boolean> {
    const raised = await runScript(
      this.#redis,
      RAISE_FLAG,
      [this.#keys.case(id), this.#keys.history(id)],
      [flag, at, 'supervisor', note],
    );
    return raised === 1;
  }

  /** Parent ids stored before `olderThanMs` that are still waiting to be queued. */
  async outboxOlderThan(olderThanMs: number, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(this.#keys.outbox, '-inf', olderThanMs, 'LIMIT', 0, limit);
  }

  /** The outbox forgets a case that is gone or already queued. */
  async dropFromOutbox(id: string): Promise<void> {
    await this.#redis.zrem(this.#keys.outbox, id);
  }

  /** Dead letters, oldest failure first: case id and when its delivery failed (ms). */
  async deadLetters(limit: number): Promise<{ caseId: string; failedAtMs: number }[]> {
    const raw = (await this.#redis.call(
      'ZRANGE',
      this.#keys.deadLetters,
      0,
      limit - 1,
      'WITHSCORES',
    )) as unknown[];
    // RESP3 answers [member, score] pairs, RESP2 a flat list: flattened, both are the RESP2 list.
    const flat = raw.flat();
    return Array.from({ length: flat.length / 2 }, (_, i) => ({
      caseId: String(flat[2 * i]),
      failedAtMs: Number(flat[2 * i + 1]),
    }));
  }
}

function asStatus(value: string): CaseStatus {
  if (isCaseStatus(value)) return value;
  throw new Error(`transition-case.lua answered an unknown status ${value}`);
}
