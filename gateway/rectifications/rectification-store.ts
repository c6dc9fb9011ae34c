// Rectifications in Redis (gateway/README.md#rectification-lifecycle): a hash, a history list and
// the applied event digests per rectification, and per owner province the indexes by status and by
// portal, all in that province's slot (`{rating:<province>}`). A rectification is opened by its
// 差评's own Lua step (gateway/evaluations/evaluation-store.ts); after that this store is its only
// writer: a status changes only by a row of the lifecycle table, applied by move-rectification.lua
// if the rectification is still exactly as the mover read it, and the listeners given at
// construction (portal callbacks, 督办 tracking) hear of every applied move. Each applied move (and
// the opening) enters the province's rectification outbox in its own Lua step and leaves it once
// the listeners have heard of it; the reconciler tells them of one a dead process left there
// (retell, gateway/README.md#outbox-rule), and every listener's effect is idempotent. The move
// that rectifies or explains one opens its re-rating window in that same step, and every later
// move closes it (re-rating-windows.ts): no process can die between a move and its window.
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../shared/redis.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import { openEntryNote, openText, sealEntryNote, sealText } from '../personal-data/sealed-text.ts';
import { tellAll, type RetellOutcome } from '../shared/listener-deferred.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import { claimDue } from '../cases/case-scripts.ts';
import type { RedisKeys, SupervisionFlag } from '../shared/redis-keys.ts';
import {
  RECTIFICATION_LIFECYCLE,
  type RectificationMoveName,
  type RectificationStatus,
} from './rectification-lifecycle.ts';
import {
  provinceOfRectification,
  rectificationFromHash,
  type Rectification,
  type RectificationHistoryEntry,
} from './rectification-record.ts';
import type { CounterDelta } from '../evaluations/rating-counters.ts';
import { ReRatingWindows } from './re-rating-windows.ts';

const script = (path: string) => luaScript(readFileSync(new URL(path, import.meta.url), 'utf8'));
const MOVE = script('./scripts/move-rectification.lua');
const RAISE_FLAG = script('../supervision/scripts/raise-flag.lua');
const RECOUNT_DUE = script('./scripts/recount-due.lua');
const DAY_MS = 86_400_000;

/** Due times counted again (recount-due.lua): what they were made from and what they are now. */
export interface RectificationDueRecount {
  /** dueAt and visitDueAt as read: the recount applies only if it still has them. */
  from: { dueAt: string; visitDueAt: string };
  dueAt: string;
  visitDueAt: string;
  /** The new count still reaches a year without a calendar. */
  stillAssumed: boolean;
  /** The history entry (actor, note, at); none when no due time changed. */
  entry?: { at: string; actor: string; note: string };
}

/** A rectification as read, with its history length: what a move must still find. */
export type LoadedRectification = Rectification & { sequence: number };

/** An applied move, as listeners hear of it. */
export interface RectificationNotice {
  /** The rectification after the move. */
  rectification: Rectification;
  move: RectificationMoveName;
  previous: RectificationStatus | undefined;
  sequence: number;
  at: string;
}

export type RectificationListener = (notice: RectificationNotice) => Promise<void>;

export interface RectificationStep {
  actor: string;
  note?: string;
  /** `note` is a clerk's or province's free text, which may hold personal data: sealed at rest. */
  sealNote?: boolean;
  /** For a row with several targets: the one this move takes. */
  to?: RectificationStatus;
  fields?: Record<string, string>;
  digest?: string;
  counters?: readonly CounterDelta[];
  /** Fields of the evaluation to set in the same step (an upheld appeal voids it). */
  evaluationFields?: Record<string, string>;
  /**
   * The natural days of the re-rating window this move opens (rectified, explained): it ends so
   * long after the move's own time, stored as `reRatingDueAt` and queued in the same step.
   */
  reRatingWindowDays?: number;
}

export type RectificationMoveOutcome =
  | { ok: true; status: RectificationStatus; sequence: number }
  | { ok: false; reason: 'duplicate' | 'changed'; current: RectificationStatus }
  | { ok: false; reason: 'missing' };

export interface RectificationStoreDeps {
  redis: RedisClient;
  keys: RedisKeys;
  /** Seals the re-rating comment and the clerks' notes at rest (gateway/README.md#encryption-at-rest). */
  sealer: Sealer;
  listeners: readonly RectificationListener[];
  now: () => Date;
}

export class RectificationStore {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #listeners: readonly RectificationListener[];
  readonly #sealer: Sealer;
  readonly now: () => Date;
  /** The RECTIFIED and EXPLAINED ones waiting for a re-rating, for the default's pass. */
  readonly reRatingWindows: ReRatingWindows;

  constructor(deps: RectificationStoreDeps) {
    this.reRatingWindows = new ReRatingWindows(deps.redis, deps.keys);
    this.#redis = deps.redis;
    this.#sealer = deps.sealer;
    this.#keys = deps.keys;
    this.#listeners = deps.listeners;
    this.now = deps.now;
  }

  #slot(id: string) {
    const province = provinceOfRectification(id);
    return province ? this.#keys.rating(province) : undefined;
  }

  /** The rectification and its history length, read in one step; undefined for an unknown id. */
  async get(id: string): Promise<LoadedRectification | undefined> {
    const keys = this.#slot(id);
    if (!keys) return undefined;
    const replies = await this.#redis
      .multi()
      .hgetall(keys.rectification(id))
      .llen(keys.rectificationHistory(id))
      .exec();
    const [hash, length] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const record = rectificationFromHash((hash ?? {}) as Record<string, string>);
    if (!record) return undefined;
    const sealed = record.reRating?.comment;
    const comment = sealed === undefined ? undefined : openText(this.#sealer, sealed, id);
    const reRating = record.reRating && {
      level: record.reRating.level,
      at: record.reRating.at,
      // Stored before the default re-rating existed: the portal's.
      source: record.reRating.source ?? 'applicant',
      ...(comment === undefined ? {} : { comment }),
    };
    return { ...record, ...(reRating ? { reRating } : {}), sequence: Number(length) };
  }

  /** The applicant's re-rating comment as stored: sealed to this rectification. */
  sealComment(id: string, comment: string): string {
    return sealText(this.#sealer, comment, id);
  }

  async history(id: string): Promise<RectificationHistoryEntry[]> {
    const keys = this.#slot(id);
    if (!keys) return [];
    const raw = await this.#redis.lrange(keys.rectificationHistory(id), 0, -1);
    // Sealed notes opened for the readers that show them (then masked); one that does not open
    // reads as UNREADABLE_NOTE.
    return raw.map((entry) =>
      openEntryNote(this.#sealer, id, JSON.parse(entry) as RectificationHistoryEntry),
    );
  }

  /** Whether an event with this content digest was applied to the rectification. */
  async seen(read: Rectification, digest: string): Promise<boolean> {
    const key = this.#keys.rating(read.province).rectificationEvents(read.id);
    return (await this.#redis.sismember(key, digest)) === 1;
  }

  /** Applies a row of the lifecycle table if the rectification is still as `read`. */
  async move(
    read: LoadedRectification,
    name: RectificationMoveName,
    step: RectificationStep,
  ): Promise<RectificationMoveOutcome> {
    const row = RECTIFICATION_LIFECYCLE[name];
    const to = typeof row.to === 'string' ? row.to : step.to;
    if (!to || (typeof row.to !== 'string' && !(row.to as readonly string[]).includes(to))) {
      throw new Error(`rectification move ${name}: no target ${String(to)} in its row`);
    }
    const now = this.now();
    const at = now.toISOString();
    const keys = this.#keys.rating(read.province);
    const told: RectificationHistoryEntry = {
      at,
      status: to,
      actor: step.actor,
      ...(step.note ? { note: step.note } : {}),
    };
    const entry = step.sealNote ? sealEntryNote(this.#sealer, read.id, told) : told;
    const windowEnds =
      step.reRatingWindowDays === undefined
        ? undefined
        : now.getTime() + step.reRatingWindowDays * DAY_MS;
    const fields = {
      ...step.fields,
      ...(windowEnds === undefined ? {} : { reRatingDueAt: new Date(windowEnds).toISOString() }),
    };
    const reply = (await runScript(
      this.#redis,
      MOVE,
      [
        keys.rectification(read.id),
        keys.rectificationHistory(read.id),
        keys.rectificationEvents(read.id),
        keys.rectificationsIn(read.status),
        keys.rectificationsIn(to),
        keys.statsTotal,
        keys.statsDay(read.openedDate),
        keys.evaluation(read.caseId, read.rated),
        keys.rectificationOutbox,
        keys.reRatingWindows,
      ],
      [
        read.status,
        read.sequence,
        to,
        JSON.stringify(entry),
        JSON.stringify(fields),
        step.digest ?? '',
        JSON.stringify(step.counters ?? []),
        read.id,
        JSON.stringify(step.evaluationFields ?? {}),
        at,
        name,
        // The system clock, not the store's (a test's may run years ahead): the reconciler
        // compares the outbox entry's score with its own.
        Date.now(),
        windowEnds ?? '',
      ],
    )) as [string, string | number];
    const [verdict, value] = reply;
    if (verdict === 'missing') return { ok: false, reason: 'missing' };
    if (verdict !== 'ok') {
      return {
        ok: false,
        reason: verdict === 'duplicate' ? 'duplicate' : 'changed',
        current: value as RectificationStatus,
      };
    }
    const after = await this.get(read.id);
    // A listener that deferred (a callback Redis refused to queue) leaves the move in the outbox
    // for the reconciler, without failing the move.
    const heard =
      !after ||
      (await this.#tell({
        rectification: after,
        move: name,
        previous: read.status,
        sequence: Number(value),
        at,
      }));
    if (heard) await this.#told(read.province, outboxEntry(read.id, Number(value), name));
    return { ok: true, status: to, sequence: Number(value) };
  }

  /** Tells the listeners that a 差评 opened this rectification (in its own Lua step). */
  async opened(rectification: Rectification): Promise<void> {
    const heard = await this.#tell({
      rectification,
      move: 'opened',
      previous: undefined,
      sequence: 1,
      at: rectification.openedAt,
    });
    if (heard) await this.#told(rectification.province, outboxEntry(rectification.id, 1, 'opened'));
  }

  /**
   * Claims up to `limit` of one province's outbox entries written at or before `cutoffMs` (or
   * whose earlier claim ran out) until `claimUntilMs`: moves whose listeners may never have heard
   * of them, for the reconciler to retell. A claimed entry is not claimed again (by any process)
   * before `claimUntilMs`.
   */
  async claimUntold(
    province: string,
    cutoffMs: number,
    claimUntilMs: number,
    limit: number,
  ): Promise<string[]> {
    // The silence watch's claim of a sorted set's due members: one claim for both.
    return claimDue(
      this.#redis,
      this.#keys.rating(province).rectificationOutbox,
      cutoffMs,
      claimUntilMs,
      limit,
    );
  }

  /**
   * Tells the listeners, again, of the move an outbox entry names, then removes the entry (kept
   * when a listener deferred again): the
   * rectification as it is now, with the status and time the move gave it (its history entry),
   * so the portal's callback is the one the move would have queued (job id per rectification and
   * sequence: a repeat is dropped), and 督办 tracking or settling, each once, follows. Answers
   * `told`, `deferred` (a listener deferred again: the entry stays) or `gone` (the rectification
   * is gone or the entry is not one: the entry is dropped).
   */
  async retell(province: string, entry: string): Promise<RetellOutcome> {
    const [id = '', seq = '', move = ''] = entry.split('|');
    const sequence = Number(seq);
    const current = isMoveName(move) && sequence >= 1 ? await this.get(id) : undefined;
    // The move's own history entry and the one before it (a flag's entry keeps the status).
    const [before, moved] = current
      ? (
          await this.#redis.lrange(
            this.#keys.rating(province).rectificationHistory(id),
            Math.max(0, sequence - 2),
            sequence - 1,
          )
        ).map((raw) => JSON.parse(raw) as RectificationHistoryEntry)
      : [];
    const told = sequence === 1 ? before : moved;
    let heard = true;
    if (current && told && isMoveName(move)) {
      const { sequence: _length, ...rectification } = current;
      heard = await this.#tell({
        rectification: { ...rectification, status: told.status },
        move,
        previous: sequence === 1 ? undefined : before?.status,
        sequence,
        at: told.at,
      });
    }
    // Kept when a listener deferred again: told again once the reconciler's claim runs out.
    if (heard) await this.#told(province, entry);
    if (!current || !told) return 'gone';
    return heard ? 'told' : 'deferred';
  }

  /**
   * How many entries one province's rectification outbox holds now (ZCARD: no scan), claimed or
   * not, for /metrics (metrics/reconciler-metrics.ts).
   */
  async untoldCount(province: string): Promise<number> {
    return this.#redis.zcard(this.#keys.rating(province).rectificationOutbox);
  }

  /** Every listener heard of the move: its outbox entry goes. */
  async #told(province: string, entry: string): Promise<void> {
    await this.#redis.zrem(this.#keys.rating(province).rectificationOutbox, entry);
  }

  /** Raises a 督办 flag once, with its history entry; false when already up or gone. */
  async raiseFlag(id: string, flag: SupervisionFlag, note: string, at: string): Promise<boolean> {
    const keys = this.#slot(id);
    if (!keys) return false;
    const raised = await runScript(
      this.#redis,
      RAISE_FLAG,
      [keys.rectification(id), keys.rectificationHistory(id)],
      [flag, at, 'supervisor', note],
    );
    return raised === 1;
  }

  /**
   * Sets due times counted again on a published calendar, with the history entry, in one step;
   * only while it still has `from` and is marked assumed. False otherwise (moved meanwhile, or
   * recounted before). The board is the caller's to move after (calendar-recount.ts).
   */
  async recountDue(id: string, recount: RectificationDueRecount): Promise<boolean> {
    const keys = this.#slot(id);
    if (!keys) return false;
    const recounted = await runScript(
      this.#redis,
      RECOUNT_DUE,
      [keys.rectification(id), keys.rectificationHistory(id)],
      [
        recount.from.dueAt,
        recount.from.visitDueAt,
        recount.dueAt,
        recount.visitDueAt,
        recount.stillAssumed ? '1' : '',
        recount.entry ? JSON.stringify(recount.entry) : '',
      ],
    );
    return recounted === 1;
  }

  /**
   * Ids of one province's index after the ULID `after` (exclusive), in id order: every one, one
   * status's, or one portal's.
   */
  async page(
    province: string,
    index: { status?: RectificationStatus; clientId?: string },
    after: string | undefined,
    limit: number,
  ): Promise<string[]> {
    const keys = this.#keys.rating(province);
    const key = index.clientId
      ? keys.rectificationsOf(index.clientId)
      : index.status
        ? keys.rectificationsIn(index.status)
        : keys.rectifications;
    return this.#redis.zrangebylex(
      key,
      after ? `(RC${province}${after}` : '-',
      '+',
      'LIMIT',
      0,
      limit,
    );
  }

  /** How many of one province's rectifications are in `status` now (its status index's size). */
  async countIn(province: string, status: RectificationStatus): Promise<number> {
    return this.#redis.zcard(this.#keys.rating(province).rectificationsIn(status));
  }

  /** False when a listener deferred (ListenerDeferred): the move stays in the outbox. */
  async #tell(notice: RectificationNotice): Promise<boolean> {
    return tellAll(this.#listeners, notice);
  }
}

/** A move's rectification outbox entry (move-rectification.lua, create-evaluation.lua write it). */
function outboxEntry(id: string, sequence: number, move: RectificationMoveName): string {
  return `${id}|${sequence}|${move}`;
}

function isMoveName(move: string): move is RectificationMoveName {
  return Object.hasOwn(RECTIFICATION_LIFECYCLE, move);
}
