// Case records in Redis (gateway/README.md#case-store): one hash and one history list per case,
// the idempotency records, the outbox of cases stored but not yet queued, and the dead-letter list.
// The store is the only writer of those keys and its Redis client is private: a status changes
// only by a row of the lifecycle table (move), applied atomically by transition-case.lua, and the
// transition listeners given at construction (portal callbacks, 督办 scheduling) hear of every
// applied move — whichever process (gateway, worker, operator CLI) made it.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/load-config.ts';
import { luaScript, runScript, type LuaScript } from '../shared/lua-script.ts';
import { redisKeys, type RedisKeys, type SupervisionFlag } from '../shared/redis-keys.ts';
import {
  planMove,
  type MoveOutcome,
  type MoveStep,
  type TransitionListener,
  type TransitionNotice,
} from './case-move.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';
import { fromHash, toHash, type CaseRecord, type HistoryEntry } from './case-record.ts';
import { followChildren } from './joint-parent.ts';
import type { MoveName } from './lifecycle.ts';

const script = (name: string): LuaScript =>
  luaScript(readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'));
const CREATE_CASE = script('create-case.lua');
const TRANSITION_CASE = script('transition-case.lua');
const RAISE_FLAG = script('raise-flag.lua');
const KEEP_PROVINCE_CASE_NO = script('keep-province-case-no.lua');

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
  redis: Redis;
  config: Pick<Config, 'keyPrefix' | 'idempotencyTtlSeconds' | 'caseRetentionDays'>;
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
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #config: CaseStoreDeps['config'];
  readonly #listeners: readonly TransitionListener[];
  readonly now: () => Date;

  constructor(deps: CaseStoreDeps) {
    this.#redis = deps.redis;
    this.#keys = redisKeys(deps.config.keyPrefix);
    this.#config = deps.config;
    this.#listeners = deps.listeners;
    this.now = deps.now;
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return fromHash(await this.#redis.hgetall(this.#keys.case(id)));
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const raw = await this.#redis.lrange(this.#keys.history(id), 0, -1);
    return raw.map((entry) => JSON.parse(entry) as HistoryEntry);
  }

  async findIdempotent(clientId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const raw = await this.#redis.get(this.#keys.idempotency(clientId, keyHash));
    return raw ? (JSON.parse(raw) as IdempotencyRecord) : undefined;
  }

  /** Stores the parent (first) and any children plus the idempotency record, atomically. */
  async create(
    idempotency: { clientId: string; keyHash: string; record: IdempotencyRecord },
    cases: readonly [NewCase, ...NewCase[]],
  ): Promise<CreateOutcome> {
    const parent = cases[0].record;
    const keys = [this.#keys.idempotency(idempotency.clientId, idempotency.keyHash)];
    keys.push(this.#keys.outbox);
    const args = [
      JSON.stringify(idempotency.record),
      String(this.#config.idempotencyTtlSeconds),
      String(Date.parse(parent.createdAt)),
      parent.id,
    ];
    for (const c of cases) {
      keys.push(this.#keys.case(c.record.id), this.#keys.history(c.record.id));
      args.push(JSON.stringify(toHash(c.record)), JSON.stringify(c.history));
    }
    const result = (await runScript(this.#redis, CREATE_CASE, keys, args)) as string[];
    if (result[0] === 'created') return { created: true };
    return { created: false, existing: JSON.parse(result[1] ?? '{}') as IdempotencyRecord };
  }

  /**
   * Applies one row of the lifecycle table to the case, then tells the listeners and, for a
   * joint child, lets its parent follow. Refused (illegal, duplicate, missing) moves change
   * nothing and tell no one.
   */
  async move(record: CaseRecord, name: MoveName, step: MoveStep): Promise<MoveOutcome> {
    const now = this.now();
    const plan = planMove(name, step, now);
    const closing = plan.status === 'CLOSED' ? this.#config.caseRetentionDays * 86_400 : 0;
    const id = record.id;
    const result = (await runScript(
      this.#redis,
      TRANSITION_CASE,
      [
        this.#keys.case(id),
        this.#keys.history(id),
        this.#keys.outbox,
        this.#keys.events(id),
        this.#keys.deadLetters,
      ],
      [
        plan.from.join(','),
        plan.status,
        JSON.stringify(plan.entries.map((e) => JSON.stringify(e))),
        JSON.stringify(plan.fields),
        id,
        now.toISOString(),
        step.digest ?? '',
        plan.deadLetter,
        now.getTime(),
        closing,
      ],
    )) as [string, string, number?];
    const [verdict, current] = result;
    if (verdict === 'missing') return { ok: false, reason: 'missing' };
    // The script answers 'duplicate' for an event digest applied before: folding it into
    // 'missing' turned a province's harmless repeat into 404 GW_CASE_NOT_FOUND.
    const reason = verdict === 'duplicate' ? 'duplicate' : 'illegal';
    if (verdict !== 'ok') return { ok: false, reason, current: asStatus(current) };
    const previous = asStatus(current);
    const notice: TransitionNotice = {
      record,
      move: name,
      previous,
      status: plan.status,
      fields: plan.fields,
      sequence: Number(result[2] ?? 0),
      at: now.toISOString(),
    };
    for (const listener of this.#listeners) await listener(notice);
    if (record.kind === 'joint-child') await this.followChildren(record.parentId);
    return { ok: true, previous, status: plan.status };
  }

  /** Moves a joint parent to the status its children have reached, if it is behind. */
  async followChildren(parentId: string): Promise<void> {
    const parent = await this.get(parentId);
    if (parent?.kind === 'joint-parent') await followChildren(this, parent);
  }

  /** A delivery the worker could not record as a move keeps its province case number. */
  async keepProvinceCaseNo(id: string, provinceCaseNo: string): Promise<void> {
    await runScript(this.#redis, KEEP_PROVINCE_CASE_NO, [this.#keys.case(id)], [provinceCaseNo]);
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
