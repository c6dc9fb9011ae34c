// The 督办 board (gateway/README.md#supervision-engine): for every supervised subject — a routed
// case or a rectification — when the supervisor should look at it next, which flags the board has
// raised, the live gauges (open / warning / overdue / escalated by kind, province and item) and
// the notices sent to provinces (预警, 催办, 通报). A case is on the board of its Redis shard (hash
// tag `{s<n>}`, beside the case: the submission schedules its 督办 in its one write), a
// rectification and every notice on the board under `{supervise}` (gateway/README.md#redis-data-layout).
// The gauges are kept on every write, so statistics and metrics read one hash per board instead
// of scanning cases. A case's own board record (open, gauge, raised flags, settled) is in its case
// hash (`sv.` fields, gateway/README.md#lean-records), a rectification's in a hash of its own; a
// case stored before that keeps its own subject hash, used while it exists (subject-record.lua).
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../shared/redis.ts';
import { monotonicFactory } from 'ulid';
import { luaScript, runScript } from '../shared/lua-script.ts';
import { retentionSeconds } from '../shared/retention.ts';
import type {
  RedisKeys,
  SubjectKind,
  SupervisionFlag,
  SupervisionKeys,
} from '../shared/redis-keys.ts';
import type { SupervisionNotice } from './supervision-notice.ts';
import type { BoardSubject } from './supervised-subject.ts';
import { before, deadlineStream, type ListPosition } from './deadline-stream.ts';

export type { ListPosition } from './deadline-stream.ts';

const script = (...names: string[]) =>
  luaScript(
    names
      .map((name) => readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'))
      .join('\n'),
  );
// subject-record.lua first: where a subject's board record is, for every script that touches it.
const TRACK = script('subject-record.lua', 'track-subject.lua', 'track.lua');
const RAISE = script('subject-record.lua', 'raise.lua');
const NOTIFY = script('notify.lua');
const SETTLE = script('subject-record.lua', 'settle.lua');
const READ = script('subject-record.lua', 'read-record.lua');

export type GaugeState = 'open' | SupervisionFlag;
export const GAUGE_STATES: readonly GaugeState[] = ['open', 'warning', 'overdue', 'escalated'];

export interface Gauge {
  kind: SubjectKind;
  province: string;
  itemCode: string;
  state: GaugeState;
  count: number;
}

const member = (kind: SubjectKind, id: string) => `${kind}:${id}`;
const splitMember = (entry: string): [string, string] => {
  const colon = entry.indexOf(':');
  return [entry.slice(0, colon), entry.slice(colon + 1)];
};

/**
 * Which subjects a 督办 list shows: one gauge, optionally of one province and item; `unless`
 * leaves out the subjects also in another state (the console's 预警 lists those warned and not yet
 * overdue: an overdue subject keeps its warning flag, and listed among the warned it hid the
 * near-deadline ones under the late ones).
 */
export interface SubjectFilter {
  kind: SubjectKind;
  state: GaugeState;
  unless?: GaugeState | undefined;
  province?: string | undefined;
  itemCode?: string | undefined;
}

/** One open subject as the console lists it. */
export interface BoardListing {
  kind: SubjectKind;
  id: string;
  province: string;
  itemCode: string;
  dueAt: string;
}
const gaugePrefix = (s: BoardSubject) => `${s.kind}|${s.province}|${s.itemCode}|`;

/**
 * track-subject.lua's last four arguments for a subject looked at `atMs`, due `dueAt` (ISO): the
 * board's own track and a submission's one write pass them alike.
 */
export function trackArgs(subject: BoardSubject, atMs: number, dueAt: string): string[] {
  return [
    member(subject.kind, subject.id),
    gaugePrefix(subject),
    String(atMs),
    String(Date.parse(dueAt)),
  ];
}

export class SupervisionBoard {
  readonly #redis: RedisClient;
  readonly #redisKeys: RedisKeys;
  /** Where rectifications and every notice live. */
  readonly #keys: SupervisionKeys;
  /** Every board: the one under `{supervise}`, then each shard's. */
  readonly #boards: readonly SupervisionKeys[];
  readonly #retentionSeconds: number;
  // Monotonic: the notices one pass raises (a warning and an overdue together) list in order.
  readonly #ulid = monotonicFactory();

  /** `retentionDays`: how long settled subjects and notices are kept (0: for ever). */
  constructor(redis: RedisClient, keys: RedisKeys, retentionDays: number) {
    this.#redis = redis;
    this.#redisKeys = keys;
    this.#keys = keys.supervision;
    this.#boards = [keys.supervision, ...keys.allShards.map((s) => s.supervision)];
    this.#retentionSeconds = retentionSeconds(retentionDays);
  }

  /**
   * Counts the subject open (once), keeps its due time (`dueAt`, ISO) and asks the supervisor to
   * look at it at `atMs`.
   */
  async track(subject: BoardSubject, atMs: number, dueAt: string): Promise<boolean> {
    const { kind, id } = subject;
    const k = this.#board(kind, id);
    const tracked = await runScript(
      this.#redis,
      TRACK,
      [...this.#recordKeys(kind, id), k.due, k.gauges, k.deadlines],
      trackArgs(subject, atMs, dueAt),
    );
    return tracked === 1;
  }

  /** The due time (ms) the board keeps for a subject; undefined when it is not supervised. */
  async dueTime(subject: Pick<BoardSubject, 'kind' | 'id'>): Promise<number | undefined> {
    const score = await this.#redis.zscore(
      this.#board(subject.kind, subject.id).deadlines,
      member(subject.kind, subject.id),
    );
    return score === null ? undefined : Number(score);
  }

  /**
   * Every supervised subject due at or after `fromMs`, board after board, soonest first (the
   * calendar recount's candidates: only a subject due in a year can have counted it). A cursor on
   * the due time, not an offset, so subjects whose due times move while it runs are neither
   * skipped nor lost: one moved later is met again, one moved earlier was met before. Ties (every
   * subject due the same day ends at the same instant) are read whole.
   */
  async *subjectsDueFrom(
    fromMs: number,
  ): AsyncGenerator<{ kind: string; id: string; dueMs: number }> {
    const BATCH = 200;
    for (const board of this.#boards) {
      let min = String(fromMs);
      for (;;) {
        const raw = await this.#redis.zrangebyscore(
          board.deadlines,
          min,
          '+inf',
          'WITHSCORES',
          'LIMIT',
          0,
          BATCH,
        );
        if (raw.length === 0) break;
        const last = raw[raw.length - 1]!;
        const members: string[] = [];
        for (let i = 0; i < raw.length; i += 2)
          if (raw[i + 1] !== last) members.push(raw[i]!, raw[i + 1]!);
        // The last due time's subjects, whole (a batch may have cut them): read by that score.
        for (const entry of await this.#redis.zrangebyscore(board.deadlines, last, last))
          members.push(entry, last);
        for (let i = 0; i < members.length; i += 2) {
          const [kind, id] = splitMember(members[i]!);
          yield { kind, id, dueMs: Number(members[i + 1]) };
        }
        if (raw.length < BATCH * 2) break;
        min = `(${last}`;
      }
    }
  }

  /** The board a subject is on: a case's shard's, else the one under `{supervise}`. */
  #board(kind: string, id: string): SupervisionKeys {
    return kind === 'case' ? this.#redisKeys.shardOf(id).supervision : this.#keys;
  }

  /**
   * The two keys subject-record.lua chooses the board record from: the subject hash, then the
   * case hash (a case's; a rectification's subject hash again). One slot: a case's both `{s<n>}`.
   */
  #recordKeys(kind: SubjectKind, id: string): [string, string] {
    const subject = this.#board(kind, id).subject(kind, id);
    return [subject, kind === 'case' ? this.#redisKeys.case(id) : subject];
  }

  /** A subject's board record `fields`, wherever it is (read-record.lua). */
  async #read(
    kind: SubjectKind,
    id: string,
    fields: readonly string[],
  ): Promise<(string | null)[]> {
    return (await runScript(this.#redis, READ, this.#recordKeys(kind, id), fields)) as (
      string | null
    )[];
  }

  /** A new notice id at `atMs`: `NT<ULID>`, later than every id this board made before. */
  newNoticeId(atMs: number): string {
    return `NT${this.#ulid(atMs)}`;
  }

  /**
   * Raises a flag on the board once: its notice (notify.lua, under `{supervise}`), then the
   * subject's flag and gauge (raise.lua, on the subject's board) — two single-slot steps, in this
   * order so that a supervisor dying in between loses nothing (the next look raises the flag and
   * the notice's guard keeps it single). False when the flag was up already or the subject is
   * settled.
   */
  async raise(
    subject: BoardSubject,
    flag: SupervisionFlag,
    notice: SupervisionNotice,
  ): Promise<boolean> {
    const { kind, id } = subject;
    const k = this.#board(kind, id);
    const n = this.#keys;
    const state = await this.#read(kind, id, ['settled', flag]);
    if (state[0] === '1' || state[1] === '1') return false;
    await runScript(
      this.#redis,
      NOTIFY,
      [
        n.notified(kind, id, flag),
        n.notice(notice.noticeId),
        n.notices,
        n.noticesOf(subject.province),
      ],
      [notice.noticeId, JSON.stringify(notice), this.#retentionSeconds],
    );
    const raised = await runScript(
      this.#redis,
      RAISE,
      [...this.#recordKeys(kind, id), k.gauges],
      [flag, gaugePrefix(subject)],
    );
    return raised === 1;
  }

  /** Ends a subject's supervision (decided, closed, rectified, voided…); once. */
  async settle(kind: SubjectKind, id: string): Promise<boolean> {
    const k = this.#board(kind, id);
    const settled = await runScript(
      this.#redis,
      SETTLE,
      [...this.#recordKeys(kind, id), k.due, k.gauges, k.deadlines],
      [member(kind, id), this.#retentionSeconds],
    );
    return settled === 1;
  }

  /** Looks at an entry again at `atMs` (a look that failed), if it is still scheduled. */
  async postpone(entry: string, atMs: number): Promise<void> {
    await this.#redis.zadd(this.#entryBoard(entry).due, 'XX', atMs, entry);
  }

  /** Forgets a schedule entry whose kind no supervisor knows (a rolled-back upgrade). */
  async forget(entry: string): Promise<void> {
    await this.#redis.zrem(this.#entryBoard(entry).due, entry);
  }

  #entryBoard(entry: string): SupervisionKeys {
    const colon = entry.indexOf(':');
    return this.#board(entry.slice(0, colon), entry.slice(colon + 1));
  }

  /** Up to `limit` subjects to look at by `nowMs`, as [kind, id], board after board. */
  async due(nowMs: number, limit: number): Promise<{ kind: string; id: string; entry: string }[]> {
    const entries: string[] = [];
    for (const board of this.#boards) {
      if (entries.length >= limit) break;
      const more = limit - entries.length;
      entries.push(
        ...(await this.#redis.zrangebyscore(board.due, '-inf', nowMs, 'LIMIT', 0, more)),
      );
    }
    return entries.map((entry) => {
      const colon = entry.indexOf(':');
      return { kind: entry.slice(0, colon), id: entry.slice(colon + 1), entry };
    });
  }

  /** The flags the board has raised for a subject. */
  async raised(kind: SubjectKind, id: string): Promise<Record<SupervisionFlag, boolean>> {
    const [warning, overdue, escalated] = await this.#read(kind, id, [
      'warning',
      'overdue',
      'escalated',
    ]);
    return { warning: warning === '1', overdue: overdue === '1', escalated: escalated === '1' };
  }

  /**
   * One page of the supervised subjects one gauge counts (the operator console's 督办 lists): open
   * subjects of a kind, in one state, optionally of one province and item, soonest due first, ties
   * by kind:id — the deadlines indexes of every board merged in that one order, so a page starts
   * exactly after the position the last one ended at (`after`), whatever was settled meanwhile.
   * Reads the indexes a batch at a time and each candidate's record; stops after `limit` subjects
   * or `scanLimit` candidates. `last` is the position of the last candidate looked at: the next
   * page starts after it (past what a scan limit left unmatched, never skipping a subject).
   */
  async subjectsPage(
    filter: SubjectFilter,
    page: { after?: ListPosition; limit: number; scanLimit?: number },
  ): Promise<{ subjects: BoardListing[]; last: ListPosition | undefined; exhausted: boolean }> {
    const scanLimit = page.scanLimit ?? 20_000;
    const streams = this.#boards.map((b) => deadlineStream(this.#redis, b.deadlines, page.after));
    const subjects: BoardListing[] = [];
    let scanned = 0;
    let last: ListPosition | undefined;
    let exhausted = false;
    while (subjects.length < page.limit && scanned < scanLimit) {
      // The next candidates in the merged order: as many as the page still needs, read together.
      const candidates: ListPosition[] = [];
      while (candidates.length < page.limit - subjects.length && scanned < scanLimit) {
        const heads = await Promise.all(streams.map((stream) => stream.peek()));
        let next = -1;
        for (const [i, head] of heads.entries())
          if (head && (next === -1 || before(head, heads[next]!))) next = i;
        if (next === -1) {
          exhausted = true;
          break;
        }
        const position = streams[next]!.take();
        scanned += 1;
        last = position;
        if (position.member.startsWith(`${filter.kind}:`)) candidates.push(position);
      }
      const records = await Promise.all(
        candidates.map((c) =>
          this.#read(filter.kind, splitMember(c.member)[1], [
            'gauge',
            filter.state,
            filter.unless ?? filter.state,
          ]),
        ),
      );
      for (const [i, c] of candidates.entries()) {
        // `gauge` is the subject's gauge prefix, `<kind>|<province>|<item>|`.
        const [gauge, inState, inUnless] = records[i]!;
        const [, province, itemCode] = (gauge ?? '').split('|');
        if (!province || !itemCode || inState !== '1') continue;
        if (filter.unless && inUnless === '1') continue;
        if (filter.province && province !== filter.province) continue;
        if (filter.itemCode && itemCode !== filter.itemCode) continue;
        subjects.push({
          kind: filter.kind,
          id: splitMember(c.member)[1],
          province,
          itemCode,
          dueAt: new Date(c.dueMs).toISOString(),
        });
      }
      if (exhausted) break;
    }
    return { subjects, last, exhausted };
  }

  /**
   * How many subjects one gauge counts now: the board's gauges summed over the filter, less those
   * of `unless` (a state that only ever follows `state`: overdue after warning, escalated after
   * overdue — the supervisor raises them in that order, also in one pass).
   */
  async countIn(filter: SubjectFilter): Promise<number> {
    const gauges = await this.gauges();
    const sum = (state: GaugeState) =>
      gauges
        .filter(
          (g) =>
            g.kind === filter.kind &&
            g.state === state &&
            (!filter.province || g.province === filter.province) &&
            (!filter.itemCode || g.itemCode === filter.itemCode),
        )
        .reduce((total, g) => total + g.count, 0);
    return Math.max(0, sum(filter.state) - (filter.unless ? sum(filter.unless) : 0));
  }

  /** The furthest due time of any supervised subject (ms). */
  async latestDeadline(): Promise<number | undefined> {
    const lasts = await Promise.all(
      this.#boards.map((b) => this.#redis.zrange(b.deadlines, '-1', '-1', 'WITHSCORES')),
    );
    const scores = lasts.filter((l) => l[1] !== undefined).map((l) => Number(l[1]));
    return scores.length === 0 ? undefined : Math.max(...scores);
  }

  /** Every non-zero gauge, summed over the boards. */
  async gauges(): Promise<Gauge[]> {
    const summed = new Map<string, number>();
    for (const raw of await Promise.all(this.#boards.map((b) => this.#redis.hgetall(b.gauges)))) {
      for (const [field, value] of Object.entries(raw)) {
        summed.set(field, (summed.get(field) ?? 0) + Number(value));
      }
    }
    const out: Gauge[] = [];
    for (const [field, count] of summed) {
      const [kind, province, itemCode, state] = field.split('|');
      if (count === 0 || !kind || !province || !itemCode || !state) continue;
      out.push({
        kind: kind as SubjectKind,
        province,
        itemCode,
        state: state as GaugeState,
        count,
      });
    }
    return out;
  }

  /**
   * Notices after `after` (a notice id; exclusive), oldest first: every province's, or one's.
   * Notices past retention are gone from the index too (prune).
   */
  async notices(
    province: string | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<{ notices: SupervisionNotice[]; lastId: string | undefined; full: boolean }> {
    const index = province ? this.#keys.noticesOf(province) : this.#keys.notices;
    const ids = await this.#redis.zrangebylex(
      index,
      after ? `(${after}` : '-',
      '+',
      'LIMIT',
      0,
      limit,
    );
    return this.#noticePage(ids, limit);
  }

  /**
   * Notices before `before` (a notice id; exclusive), newest first: the console reads what was
   * raised last first, and pages back in time.
   */
  async noticesBefore(
    province: string | undefined,
    before: string | undefined,
    limit: number,
  ): Promise<{ notices: SupervisionNotice[]; lastId: string | undefined; full: boolean }> {
    const index = province ? this.#keys.noticesOf(province) : this.#keys.notices;
    const ids = await this.#redis.zrevrangebylex(
      index,
      before ? `(${before}` : '+',
      '-',
      'LIMIT',
      0,
      limit,
    );
    return this.#noticePage(ids, limit);
  }

  async #noticePage(ids: string[], limit: number) {
    const raw =
      ids.length > 0 ? await this.#redis.mget(ids.map((id) => this.#keys.notice(id))) : [];
    const notices = raw
      .filter((r): r is string => r !== null)
      .map((r) => JSON.parse(r) as SupervisionNotice);
    return { notices, lastId: ids.at(-1), full: ids.length === limit };
  }

  /** Drops index entries of notices older than `beforeId` (their keys expire on their own). */
  async prune(provinces: readonly string[], beforeId: string): Promise<void> {
    const indexes = [this.#keys.notices, ...provinces.map((p) => this.#keys.noticesOf(p))];
    for (const index of indexes) await this.#redis.zremrangebylex(index, '-', `(${beforeId}`);
  }
}
