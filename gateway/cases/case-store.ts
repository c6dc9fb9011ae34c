// Case records in Redis (gateway/README.md#redis-data-layout): one hash and one history list per case, the
// idempotency records, the outbox of cases stored but not yet queued, and the dead-letter list.
// The store is the only writer of those keys and its Redis client is private: a status changes
// only by a row of the lifecycle table (move), applied atomically by transition-case.lua, and the
// transition listeners given at construction (portal callbacks, 督办 scheduling) hear of every
// applied move — whichever process (gateway, worker, operator CLI) made it.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/load-config.ts';
import { luaScript, runScript, type LuaScript } from '../shared/lua-script.ts';
import { redisKeys, type RedisKeys, type SupervisionFlag } from '../shared/redis-keys.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';
import { fromHash, toHash, type CaseRecord, type HistoryEntry } from './case-record.ts';
import { followChildren } from './joint-parent.ts';
import { LIFECYCLE, type MoveName } from './lifecycle.ts';

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

/** An applied move, as transition listeners hear of it. */
export interface TransitionNotice {
  /** The case as it was read before the move. */
  record: CaseRecord;
  move: MoveName;
  previous: CaseStatus;
  status: CaseStatus;
  /** Fields the move wrote besides status and updatedAt. */
  fields: Readonly<Record<string, string>>;
  /** History length after the move: orders callbacks that arrive out of order. */
  sequence: number;
  /** When the store recorded the move (its clock). */
  at: string;
}

/** Runs after a move is stored; one that must never fail the move catches its own errors. */
export type TransitionListener = (notice: TransitionNotice) => Promise<void>;

/** How a mover describes its move; the row of the lifecycle table says what is allowed. */
export interface MoveStep {
  /** The client, worker or operator recorded in the history. */
  actor: string;
  /** When it happened, for the history (a province event's own time); default: now. */
  at?: string;
  /** The history note of the move's own status. */
  note?: string;
  /** The history note of the `via` status. */
  viaNote?: string;
  /** For a row with several targets: the one this move takes. */
  to?: CaseStatus;
  /**
   * Only if the case is still in this status (one of the row's): a mover that computed its target
   * from the status it read must not move a case someone else has moved meanwhile.
   */
  from?: CaseStatus;
  fields?: Record<string, string>;
  /** A province event's content digest: the same event is applied once. */
  digest?: string;
}

export type MoveOutcome =
  | { ok: true; previous: CaseStatus; status: CaseStatus }
  | { ok: false; reason: 'illegal' | 'duplicate'; current: CaseStatus }
  | { ok: false; reason: 'missing' };

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
    const row = LIFECYCLE[name];
    const to = pick(name, 'to', row.to, step.to);
    const from = step.from ? [pick(name, 'from', row.from, step.from)] : row.from;
    const status = 'then' in row ? row.then : to;
    const now = this.now();
    const at = step.at ?? now.toISOString();
    const entries: HistoryEntry[] = [];
    if ('via' in row) entries.push(entry(at, row.via, step.actor, step.viaNote));
    entries.push(entry(at, to, step.actor, step.note));
    if ('then' in row) entries.push(entry(at, row.then, 'gateway', 'loop closed'));
    const fields = step.fields ?? {};
    const closing = status === 'CLOSED' ? this.#config.caseRetentionDays * 86_400 : 0;
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
        from.join(','),
        status,
        JSON.stringify(entries.map((e) => JSON.stringify(e))),
        JSON.stringify(fields),
        id,
        now.toISOString(),
        step.digest ?? '',
        'deadLetter' in row ? row.deadLetter : '',
        now.getTime(),
        closing,
      ],
    )) as [string, string, number?];
    const [verdict, current] = result;
    if (verdict === 'missing') return { ok: false, reason: 'missing' };
    // The script answers 'duplicate' for an event digest applied before: folding it into
    // 'missing' turned a province's harmless repeat into 404 GW_CASE_NOT_FOUND.
    if (verdict !== 'ok') {
      return {
        ok: false,
        reason: verdict === 'duplicate' ? 'duplicate' : 'illegal',
        current: asStatus(current),
      };
    }
    const previous = asStatus(current);
    const notice: TransitionNotice = {
      record,
      move: name,
      previous,
      status,
      fields,
      sequence: Number(result[2] ?? 0),
      at: now.toISOString(),
    };
    for (const listener of this.#listeners) await listener(notice);
    if (record.kind === 'joint-child') await this.followChildren(record.parentId);
    return { ok: true, previous, status };
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

function entry(at: string, status: CaseStatus, actor: string, note?: string): HistoryEntry {
  return { at, status, actor, ...(note ? { note } : {}) };
}

/** The row's status, or the mover's pick among the row's; a pick outside them is a bug. */
function pick(
  name: MoveName,
  what: 'from' | 'to',
  allowed: CaseStatus | readonly CaseStatus[],
  picked: CaseStatus | undefined,
): CaseStatus {
  if (typeof allowed === 'string' && (picked === undefined || picked === allowed)) return allowed;
  if (typeof allowed !== 'string' && picked && allowed.includes(picked)) return picked;
  throw new Error(`move ${name}: ${what} ${String(picked)} is not in its row`);
}

function asStatus(value: string): CaseStatus {
  if (isCaseStatus(value)) return value;
  throw new Error(`transition-case.lua answered an unknown status ${value}`);
}
