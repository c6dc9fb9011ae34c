// Evaluations in Redis (gateway/README.md#evaluations): one hash per case and rated party in the
// rated province's slot (`{rating:<province>}`), the rating windows the default rating waits on,
// the province's counters, and the applicants' Idempotency-Keys. An evaluation, its counters and
// the rectification a 差评 opens are one Lua step (create-evaluation.lua); every later change of a
// rectification is the rectification store's (gateway/rectifications/rectification-store.ts).
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../shared/redis.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import { openText, sealText } from '../personal-data/sealed-text.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import { retentionSeconds } from '../shared/retention.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import {
  evaluationFromHash,
  evaluationToHash,
  type Evaluation,
  type RatedParty,
} from './evaluation.ts';
import { dayNumber, parseCounters, type CounterDelta, type CounterRow } from './rating-counters.ts';

const CREATE = luaScript(
  readFileSync(new URL('./scripts/create-evaluation.lua', import.meta.url), 'utf8'),
);

/** What an Idempotency-Key of POST …/evaluations remembers. */
export interface EvaluationIdempotency {
  requestHash: string;
  response: { status: number; body: unknown };
}

/**
 * The rectification a 差评 opens, as stored by the evaluation's own Lua step: its id, its hash
 * fields and its first history entry (built by gateway/rectifications/open-rectification.ts).
 */
export interface Opening {
  id: string;
  fields: Readonly<Record<string, string>>;
  /** The first history entry, JSON. */
  entry: string;
}

export type CreateEvaluationOutcome = { created: true } | { created: false; existing: Evaluation };

export class EvaluationStore {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #retentionSeconds: number;
  readonly #idempotencySeconds: number;
  readonly #sealer: Sealer;

  /** `sealer` seals the applicant's comment at rest (gateway/README.md#encryption-at-rest). */
  constructor(
    redis: RedisClient,
    keys: RedisKeys,
    settings: { caseRetentionDays: number; idempotencyTtlSeconds: number },
    sealer: Sealer,
  ) {
    this.#redis = redis;
    this.#keys = keys;
    this.#sealer = sealer;
    this.#retentionSeconds = retentionSeconds(settings.caseRetentionDays);
    this.#idempotencySeconds = settings.idempotencyTtlSeconds;
  }

  async findIdempotent(
    clientId: string,
    keyHash: string,
  ): Promise<EvaluationIdempotency | undefined> {
    const raw = await this.#redis.get(this.#keys.evaluationIdempotency(clientId, keyHash));
    return raw ? (JSON.parse(raw) as EvaluationIdempotency) : undefined;
  }

  async rememberIdempotent(
    clientId: string,
    keyHash: string,
    record: EvaluationIdempotency,
  ): Promise<void> {
    const key = this.#keys.evaluationIdempotency(clientId, keyHash);
    await this.#redis.set(key, JSON.stringify(record), 'EX', this.#idempotencySeconds, 'NX');
  }

  /**
   * Stores the evaluation (and the rectification a 差评 opens) unless the party was rated. An
   * opened rectification waits in its province's rectification outbox until its listeners have
   * heard of it (RectificationOpener.opened; the reconciler, if this process dies first).
   */
  async create(
    evaluation: Evaluation,
    counters: readonly CounterDelta[],
    opening?: Opening,
  ): Promise<CreateEvaluationOutcome> {
    const keys = this.#keys.rating(evaluation.province);
    const rectId = opening?.id ?? 'none';
    const reply = (await runScript(
      this.#redis,
      CREATE,
      [
        keys.evaluation(evaluation.caseId, evaluation.rated),
        keys.windows,
        keys.statsTotal,
        keys.statsDay(evaluation.date),
        keys.statsDays,
        keys.rectification(rectId),
        keys.rectificationHistory(rectId),
        keys.rectifications,
        keys.rectificationsIn('OPEN'),
        keys.rectificationsOf(evaluation.clientId),
        keys.rectificationOutbox,
      ],
      [
        JSON.stringify(this.#toHash(evaluation)),
        `${evaluation.caseId}|${evaluation.rated}`,
        JSON.stringify(counters),
        evaluation.date,
        dayNumber(evaluation.date),
        opening ? rectId : '',
        opening ? JSON.stringify(opening.fields) : '{}',
        opening?.entry ?? '',
        this.#retentionSeconds,
        // The system clock, not the store's (a test's may run years ahead): the reconciler
        // compares the outbox entry's score with its own.
        Date.now(),
      ],
    )) as string[];
    if (reply[0] === 'created') return { created: true };
    const existing = this.#fromHash(pairs(reply.slice(1)));
    if (!existing) throw new Error(`create-evaluation.lua answered ${reply[0]} without a record`);
    return { created: false, existing };
  }

  async get(province: string, caseId: string, rated: RatedParty): Promise<Evaluation | undefined> {
    const hash = await this.#redis.hgetall(this.#keys.rating(province).evaluation(caseId, rated));
    return this.#fromHash(hash);
  }

  #toHash(evaluation: Evaluation): Record<string, string> {
    const { comment, ...rest } = evaluation;
    const hash = evaluationToHash(rest);
    if (comment !== undefined) hash.comment = sealText(this.#sealer, comment, commentContext(rest));
    return hash;
  }

  /** A comment that no longer opens (its key retired) reads as none rather than failing. */
  #fromHash(hash: Record<string, string>): Evaluation | undefined {
    const { comment, ...rest } = hash;
    const evaluation = evaluationFromHash(rest);
    if (!evaluation || comment === undefined) return evaluation;
    const text = openText(this.#sealer, comment, commentContext(evaluation));
    return text === undefined ? evaluation : { ...evaluation, comment: text };
  }

  /** After CLOSED: the default rating falls due at `endMs` unless the party is rated first. */
  async scheduleWindow(
    province: string,
    caseId: string,
    rated: RatedParty,
    endMs: number,
  ): Promise<void> {
    await this.#redis.zadd(this.#keys.rating(province).windows, endMs, `${caseId}|${rated}`);
  }

  /** Windows of a province that ended by `nowMs`. */
  async endedWindows(
    province: string,
    nowMs: number,
    limit: number,
  ): Promise<{ caseId: string; rated: RatedParty; member: string }[]> {
    const members = await this.#redis.zrangebyscore(
      this.#keys.rating(province).windows,
      '-inf',
      nowMs,
      'LIMIT',
      0,
      limit,
    );
    return members.map((member) => {
      const [caseId = '', rated] = member.split('|');
      return { caseId, rated: rated === 'collecting' ? 'collecting' : 'handling', member };
    });
  }

  /** Looks at a window again at `atMs` (a default rating that failed), if it is still open. */
  async postponeWindow(province: string, member: string, atMs: number): Promise<void> {
    await this.#redis.zadd(this.#keys.rating(province).windows, 'XX', atMs, member);
  }

  async dropWindow(province: string, member: string): Promise<void> {
    await this.#redis.zrem(this.#keys.rating(province).windows, member);
  }

  /** A province's counters, all time, or summed over the China dates from…to (inclusive). */
  async counters(province: string, from?: string, to?: string): Promise<CounterRow[]> {
    const keys = this.#keys.rating(province);
    if (from === undefined && to === undefined)
      return parseCounters(await this.#redis.hgetall(keys.statsTotal));
    const dates = await this.#redis.zrangebyscore(
      keys.statsDays,
      from ? dayNumber(from) : '-inf',
      to ? dayNumber(to) : '+inf',
    );
    const pipeline = this.#redis.pipeline();
    for (const date of dates) pipeline.hgetall(keys.statsDay(date));
    const rows: CounterRow[] = [];
    for (const [error, hash] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      rows.push(...parseCounters(hash as Record<string, string>));
    }
    return rows;
  }
}

function commentContext(e: Pick<Evaluation, 'caseId' | 'rated'>): string {
  return `evaluation:${e.caseId}:${e.rated}`;
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}
