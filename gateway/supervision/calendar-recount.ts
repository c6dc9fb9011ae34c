// The calendar recount (gateway/README.md#calendar-recount): when a working-day calendar year is
// published, every supervised subject — a routed case, a joint party and its parent, an open
// rectification — whose due time was counted on another calendar for that year has it counted
// again on the one in force, so the taxpayer and the 督办 board see the true 承诺办结 date. Three
// reasons (RecountReason): the year first published (due times counted with it assumed Monday to
// Friday, marked calendarAssumed), published again (a corrected calendar: due times counted on the
// version it replaced, which the pending record keeps as `previous`), or an operator's rerun
// (`npm run cli -- calendar recount <year>`: the calendar did not change, a record set wrong is set
// right). Whatever the reason, a subject's due time is its count from its anchor on the calendar
// in force (gateway/calendar/due-recount.ts), so one already right is left alone.
//
// Once per publication, not once per gateway: the publish marks the year pending in its own Lua
// step (catalogue publish-draft.lua), and each gateway looks for pending years on start and then
// periodically; the first that has loaded that revision claims its lease and runs it, the others
// pass. It waits until every gateway has had time to load the year (settleMs), so no subject is
// counted on the old calendar after the run passed its due time (a rerun does not wait: nothing
// changed).
// Resumable: each subject's recount is a compare-and-set on the due time it read (its store's
// Lua step), so a run that dies midway leaves the lease to expire, and the next run (another
// gateway's look, or this one's next start) goes over the candidates again and changes only what
// is still wrong. The year is marked done at the end, with a log line, a metric and an entry in
// the operators' audit chain (actor `gateway`: no operator acted; the publication's own entry is
// the approver's `catalogue.draft.approve`, a rerun's the operator's `calendar.recount.request`).
//
// Candidates: the subjects the boards keep due on or after the first day that can have counted
// differently (SupervisionBoard.subjectsDueFrom): the year's first day, or for a correction the
// first day the two versions count otherwise — a count that ends before it never reached it. A
// case due before is not read. A rectification is read from VISIT_REACH_MS earlier: its board
// keeps its rectify due time, and its visit due time may be later than that.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  changedSpan,
  chinaDayStartMs,
  type RecountReason,
  type YearRecount,
} from '../calendar/due-recount.ts';
import type { CalendarSource, YearCalendar } from '../calendar/working-days.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { Logger } from '../shared/logger.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { CatalogueKeys } from '../shared/redis-keys.ts';
import type { SupervisionBoard } from './supervision-board.ts';
import type { RecountOutcome, SupervisedKind } from './supervised-subject.ts';

const script = (name: string) =>
  luaScript(readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'));
const LEASE = script('recount-lease.lua');
const REQUEST = script('request-recount.lua');
/** A lease outlives a stalled holder by this much; renewed every RENEW_EVERY subjects. */
const LEASE_MS = 60_000;
const RENEW_EVERY = 100;
/**
 * How much earlier than the first day that counts differently a rectification may be due and
 * still have counted it with its visit due time: a visit is at most 30 working days from the
 * anchor (visitDays), under 60 natural days with the longest holidays; 70 to spare.
 */
const VISIT_REACH_MS = 70 * 86_400_000;

/** A year's recount as the catalogue keeps it (keys.calendarRecounts). */
export interface RecountState {
  state: 'pending' | 'done';
  /** Why (absent in records stored before reasons were kept: published). */
  reason?: RecountReason;
  /** The catalogue revision that published the year (a rerun: the revision when asked). */
  revision: number;
  publishedAt: string;
  publishedBy?: string;
  /** A correction: the text of the version it replaced, which the records were counted on. */
  previous?: string;
  /** A rerun: when and by whom it was asked. */
  requestedAt?: string;
  requestedBy?: string;
  /** Done only: the first China day it walked due times from (none: no day counts otherwise). */
  from?: string;
  /** Done only: when, and what the run that finished it did. */
  doneAt?: string;
  looked?: number;
  recounted?: number;
  unmarked?: number;
}

/** What one run of a year did. */
export interface RecountRun {
  year: number;
  revision: number;
  reason: RecountReason;
  /** The first China day that can have counted differently; none for a correction changing none. */
  from?: string;
  /** Candidates looked at (due on or after `from`; rectifications a little earlier). */
  looked: number;
  /** Due times moved. */
  recounted: number;
  /** Dates kept, assumed mark taken off. */
  unmarked: number;
}

export interface CalendarRecountDeps {
  redis: RedisClient;
  keys: CatalogueKeys;
  board: SupervisionBoard;
  kinds: readonly SupervisedKind[];
  /** The calendar this gateway serves: a year is recounted only once it is loaded here. */
  calendar: CalendarSource;
  /**
   * The catalogue revision this gateway serves: a year is recounted only by a gateway that loaded
   * the revision that asked for it (a correction's year is known before it, in its old version).
   */
  servedRevision: () => number;
  audit: AuditLog;
  log: Logger;
  now: () => Date;
  /**
   * How long after the publication a run starts (ms): every gateway has loaded the year by then
   * (the publish hint, or the catalogue poll: twice GW_CATALOGUE_POLL_MS), so none still counts
   * it Monday to Friday behind the run's back.
   */
  settleMs: number;
  /** Told of each run's subjects recounted (and unmarked), for /metrics. */
  onRecounted?: (
    year: number,
    outcome: Exclude<RecountOutcome, 'kept'>,
    count: number,
    reason: RecountReason,
  ) => void;
}

/** What asking for a rerun did (CalendarRecount.request). */
export type RecountRequest =
  | { outcome: 'requested' | 'pending'; year: number; recount: RecountState }
  | { outcome: 'missing'; year: number };

export interface CalendarRecount {
  /** Every year's recount state, by year. */
  states(): Promise<Map<number, RecountState>>;
  /**
   * Marks a published year pending for a rerun (an operator's, audited by the caller): `pending`
   * when it already was (left as it is), `missing` when no calendar of that year is published.
   */
  request(year: number, by: string): Promise<RecountRequest>;
  /**
   * Runs every pending year this gateway has loaded and holds the lease of; the runs it made. A
   * year another gateway is running is passed (its lease), as is one not loaded here yet.
   */
  runPending(): Promise<RecountRun[]>;
}

export function createCalendarRecount(deps: CalendarRecountDeps): CalendarRecount {
  const kinds = new Map<string, SupervisedKind>(deps.kinds.map((k) => [k.kind, k]));

  async function states(): Promise<Map<number, RecountState>> {
    const raw = await deps.redis.hgetall(deps.keys.calendarRecounts);
    return new Map(
      Object.entries(raw).map(([year, text]) => [Number(year), JSON.parse(text) as RecountState]),
    );
  }

  const lease = (year: number, mode: 'claim' | 'renew' | 'release', token: string) =>
    runScript(
      deps.redis,
      LEASE,
      [deps.keys.calendarRecountLease(year)],
      [mode, token, LEASE_MS],
    ).then((r) => r === 1);

  /** The first China day that can have counted differently, for the run `recount`. */
  function firstDay(recount: YearRecount): string | undefined {
    if (recount.reason !== 'corrected' || !recount.previous) return `${recount.year}-01-01`;
    return changedSpan(deps.calendar(), recount.previous)?.first;
  }

  async function run(year: number, state: RecountState, token: string): Promise<RecountRun> {
    const recount: YearRecount = {
      year,
      reason: state.reason ?? 'published',
      ...(state.previous ? { previous: JSON.parse(state.previous) as YearCalendar } : {}),
    };
    const from = firstDay(recount);
    const outcome: RecountRun = {
      year,
      revision: state.revision,
      reason: recount.reason,
      ...(from ? { from } : {}),
      looked: 0,
      recounted: 0,
      unmarked: 0,
    };
    if (!from) return outcome;
    const fromMs = chinaDayStartMs(from);
    const at = deps.now().toISOString();
    for await (const { kind, id, dueMs } of deps.board.subjectsDueFrom(fromMs - VISIT_REACH_MS)) {
      const source = kinds.get(kind);
      if (!source || (kind !== 'rectification' && dueMs < fromMs)) continue;
      outcome.looked++;
      if (outcome.looked % RENEW_EVERY === 0 && !(await lease(year, 'renew', token)))
        throw new Error(`calendar recount ${year}: the lease ran out (another gateway runs it)`);
      const did = await source.recountDue(id, recount, at);
      if (did !== 'kept') outcome[did]++;
    }
    return outcome;
  }

  async function finish(year: number, state: RecountState, done: RecountRun): Promise<void> {
    const doneAt = deps.now().toISOString();
    const { looked, recounted, unmarked, reason, from } = done;
    await deps.redis.hset(
      deps.keys.calendarRecounts,
      String(year),
      JSON.stringify({
        ...state,
        state: 'done',
        reason,
        ...(from ? { from } : {}),
        doneAt,
        looked,
        recounted,
        unmarked,
      }),
    );
    if (recounted > 0) deps.onRecounted?.(year, 'recounted', recounted, reason);
    if (unmarked > 0) deps.onRecounted?.(year, 'unmarked', unmarked, reason);
    deps.log.info(
      { year, revision: state.revision, reason, from, looked, recounted, unmarked },
      'calendar recount done: due times counted on another calendar for this year were counted again',
    );
    await deps.audit.append({
      actor: 'gateway',
      action: 'calendar.recount',
      target: `calendar-${year}`,
      outcome: 'ok',
      reason: `${REASON_TEXT[reason]}, revision ${state.revision}: ${recounted} due times moved, ${unmarked} kept and no longer assumed, of ${looked} due on or after ${from ?? 'no day (the correction changes no working day)'}`,
      requestId: `calendar-recount-${year}-${state.revision}${reason === 'rerun' ? `-rerun-${state.requestedAt ?? ''}` : ''}`,
    });
  }

  /** A pending year this gateway may run now. */
  function ready(year: number, state: RecountState): boolean {
    if (state.state !== 'pending' || !deps.calendar().knowsYear(year)) return false;
    if (deps.servedRevision() < state.revision) return false;
    // A rerun changes no calendar: no gateway counts on an old one behind its back.
    if (state.reason === 'rerun') return true;
    return deps.now().getTime() >= Date.parse(state.publishedAt) + deps.settleMs;
  }

  return {
    states,
    async request(year, by) {
      const keys = deps.keys;
      const [outcome, text] = (await runScript(
        deps.redis,
        REQUEST,
        [keys.calendars, keys.calendarRecounts, keys.revision],
        [String(year), deps.now().toISOString(), by],
      )) as [string, string?];
      if (outcome === 'missing') return { outcome, year };
      return {
        outcome: outcome === 'pending' ? 'pending' : 'requested',
        year,
        recount: JSON.parse(text!) as RecountState,
      };
    },
    async runPending() {
      const runs: RecountRun[] = [];
      for (const [year, state] of await states()) {
        if (!ready(year, state)) continue;
        const token = randomBytes(8).toString('hex');
        if (!(await lease(year, 'claim', token))) continue;
        try {
          // Another gateway may have finished it between the read above, or a publish asked
          // again: only the very record read is run.
          const current = (await states()).get(year);
          if (JSON.stringify(current) !== JSON.stringify(state)) continue;
          const done = await run(year, state, token);
          await finish(year, state, done);
          runs.push(done);
        } finally {
          await lease(year, 'release', token).catch(() => undefined);
        }
      }
      return runs;
    },
  };
}

const REASON_TEXT: Record<RecountReason, string> = {
  published: 'first published',
  corrected: 'corrected',
  rerun: 'rerun asked by an operator',
};
