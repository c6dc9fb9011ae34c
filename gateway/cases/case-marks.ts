// What is written on a case outside the lifecycle table (gateway/README.md#lifecycle-table): a
// 督办 flag with its history entry (gateway/README.md#supervision-flags), a follow-up's link on the
// case it follows up (gateway/README.md#related-cases), and a province case number the worker
// could not record with a move, and a due time counted again once its year's calendar was published
// (gateway/supervision/calendar-recount.ts). None changes the case's status, so none tells the transition
// listeners; each is one Lua step of its own. A part of the case store, built by the CaseStore
// (case-store.ts) from its one context, so the keys and the Redis client keep one owner; the store
// delegates raiseFlag, linkFollowUp, keepProvinceCaseNo and recountDue here.
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys, SupervisionFlag } from '../shared/redis-keys.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';

const {
  raiseFlag: RAISE_FLAG,
  keepProvinceCaseNo: KEEP_PROVINCE_CASE_NO,
  linkFollowUp: LINK_FOLLOW_UP,
  recountDue: RECOUNT_DUE,
} = CASE_SCRIPTS;

/** A due time counted again (recount-due.lua): what it was made from and what it is now. */
export interface DueRecount {
  /** The due time as read: the recount applies only if the case still has it. */
  fromDueAt: string;
  dueAt: string;
  /** The new count still reaches a year without a calendar. */
  stillAssumed: boolean;
  /** The history entry (actor, note, at); none when the due time did not change. */
  entry?: { at: string; actor: string; note: string };
  /** The board's track-subject arguments (trackArgs) for a supervised case; none for a parent. */
  track?: string[];
}

export class CaseMarks {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
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

  /**
   * Sets a due time counted again on a published calendar, with its history entry and (for a
   * supervised case) its board's due time and next look, in one step; only while the case still
   * has `fromDueAt` and is marked assumed. False otherwise (moved meanwhile, or recounted before).
   */
  async recountDue(id: string, recount: DueRecount): Promise<boolean> {
    const board = this.#keys.shardOf(id).supervision;
    const [member, gauge, lookMs, dueMs] = recount.track ?? ['', '', '', ''];
    const recounted = await runScript(
      this.#redis,
      RECOUNT_DUE,
      [
        board.subject('case', id),
        this.#keys.case(id),
        this.#keys.history(id),
        board.due,
        board.gauges,
        board.deadlines,
      ],
      [
        recount.fromDueAt,
        recount.dueAt,
        recount.stillAssumed ? '1' : '',
        recount.entry ? JSON.stringify(recount.entry) : '',
        recount.track ? '1' : '',
        member!,
        gauge!,
        lookMs!,
        dueMs!,
      ],
    );
    return recounted === 1;
  }

  /** A delivery the worker could not record as a move keeps its province case number. */
  async keepProvinceCaseNo(id: string, provinceCaseNo: string): Promise<void> {
    await runScript(
      this.#redis,
      KEEP_PROVINCE_CASE_NO,
      [this.#keys.case(id), this.#keys.shardOf(id).provinceCase(provinceCaseNo)],
      [provinceCaseNo, id],
    );
  }
}
