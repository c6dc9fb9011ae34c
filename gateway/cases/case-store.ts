// Case records in Redis (gateway/README.md#redis-data-layout): one hash and one history list per
// case, the idempotency records, and the outbox of cases stored but not yet queued. Multi-key
// changes run as Lua scripts (create-case.lua, transition-case.lua) so they are atomic.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { luaScript, runScript, type LuaScript } from '../shared/lua-script.ts';
import type { CaseStatus } from './case-status.ts';
import { fromHash, toHash, type CaseRecord, type HistoryEntry } from './case-record.ts';

const script = (name: string): LuaScript =>
  luaScript(readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'));
const CREATE_CASE = script('create-case.lua');
const TRANSITION_CASE = script('transition-case.lua');

export interface IdempotencyRecord {
  caseId: string;
  requestHash: string;
  response: { status: number; body: unknown; headers: Record<string, string> };
}

/** What happened, for listeners such as portal callbacks. */
export interface TransitionNotice {
  caseId: string;
  status: CaseStatus;
  callbackUrl: string;
  clientId: string;
  sequence: number;
  at: string;
}

export type CreateOutcome = { created: true } | { created: false; existing: IdempotencyRecord };

export type TransitionOutcome =
  | { ok: true; previous: CaseStatus }
  | { ok: false; reason: 'illegal'; current: CaseStatus }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'duplicate'; current: CaseStatus };

export interface NewCase {
  record: CaseRecord;
  history: HistoryEntry;
}

export class CaseStore {
  readonly redis: Redis;
  readonly prefix: string;
  readonly idempotencyTtlSeconds: number;
  /** Called after every applied transition of a case that has a callbackUrl; never throws. */
  onTransition: ((notice: TransitionNotice) => Promise<void>) | undefined;

  constructor(redis: Redis, prefix: string, idempotencyTtlSeconds: number) {
    this.redis = redis;
    this.prefix = prefix;
    this.idempotencyTtlSeconds = idempotencyTtlSeconds;
  }

  caseKey(id: string): string {
    return `${this.prefix}:case:${id}`;
  }
  historyKey(id: string): string {
    return `${this.prefix}:case:${id}:history`;
  }
  eventsKey(id: string): string {
    return `${this.prefix}:case:${id}:events`;
  }
  deadLettersKey(): string {
    return `${this.prefix}:dead-letters`;
  }
  outboxKey(): string {
    return `${this.prefix}:outbox`;
  }
  idempotencyKey(clientId: string, keyHash: string): string {
    return `${this.prefix}:idem:${clientId}:${keyHash}`;
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const raw = await this.redis.get(key);
    return raw ? (JSON.parse(raw) as IdempotencyRecord) : undefined;
  }

  /** Stores the parent (first) and any children plus the idempotency record, atomically. */
  async create(idemKey: string, idem: IdempotencyRecord, cases: NewCase[]): Promise<CreateOutcome> {
    const parent = cases[0]!.record;
    const keys = [idemKey, this.outboxKey()];
    const args = [
      JSON.stringify(idem),
      String(this.idempotencyTtlSeconds),
      String(Date.parse(parent.createdAt)),
      parent.id,
    ];
    for (const c of cases) {
      keys.push(this.caseKey(c.record.id), this.historyKey(c.record.id));
      args.push(JSON.stringify(toHash(c.record)), JSON.stringify(c.history));
    }
    const result = (await runScript(this.redis, CREATE_CASE, keys, args)) as string[];
    if (result[0] === 'created') return { created: true };
    return { created: false, existing: JSON.parse(result[1]!) as IdempotencyRecord };
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return fromHash(await this.redis.hgetall(this.caseKey(id)));
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const raw = await this.redis.lrange(this.historyKey(id), 0, -1);
    return raw.map((entry) => JSON.parse(entry) as HistoryEntry);
  }

  async transition(
    id: string,
    from: readonly CaseStatus[],
    to: CaseStatus,
    entries: HistoryEntry[],
    fields: Record<string, string> = {},
    eventDigest?: string,
  ): Promise<TransitionOutcome> {
    const keys = [this.caseKey(id), this.historyKey(id), this.outboxKey()];
    if (eventDigest) keys.push(this.eventsKey(id));
    const result = (await runScript(this.redis, TRANSITION_CASE, keys, [
      from.join(','),
      to,
      JSON.stringify(entries.map((e) => JSON.stringify(e))),
      JSON.stringify(fields),
      id,
      new Date().toISOString(),
      ...(eventDigest ? [eventDigest] : []),
    ])) as [string, string, string?, string?, number?];
    if (result[0] === 'ok') {
      if (result[2] && this.onTransition) {
        await this.onTransition({
          caseId: id,
          status: to,
          callbackUrl: result[2],
          clientId: result[3] ?? '',
          sequence: Number(result[4] ?? 0),
          at: new Date().toISOString(),
        });
      }
      return { ok: true, previous: result[1] as CaseStatus };
    }
    if (result[0] === 'illegal')
      return { ok: false, reason: 'illegal', current: result[1] as CaseStatus };
    // The script answers 'duplicate' for an event digest applied before: folding it into
    // 'missing' turned a province's harmless repeat into 404 GW_CASE_NOT_FOUND.
    if (result[0] === 'duplicate')
      return { ok: false, reason: 'duplicate', current: result[1] as CaseStatus };
    return { ok: false, reason: 'missing' };
  }

  /** Closed cases are kept `seconds` more, then Redis drops record, history and digests. */
  async expireClosed(id: string, seconds: number): Promise<void> {
    if (seconds <= 0) return;
    await this.redis
      .multi()
      .expire(this.caseKey(id), seconds)
      .expire(this.historyKey(id), seconds)
      .expire(this.eventsKey(id), seconds)
      .exec();
  }

  async setFields(id: string, fields: Record<string, string>): Promise<void> {
    await this.redis.hset(this.caseKey(id), fields);
  }

  /** Parent ids stored before `olderThanMs` that are still waiting to be queued. */
  async outboxOlderThan(olderThanMs: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.outboxKey(), '-inf', olderThanMs, 'LIMIT', 0, limit);
  }
}
