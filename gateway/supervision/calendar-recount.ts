// The calendar recount (gateway/README.md#calendar-recount): when a working-day calendar year is
// published that the catalogue had none for, every supervised subject — a routed case, a joint
// party, a rectification — whose due time was counted with that year assumed Monday to Friday
// (marked calendarAssumed) has it counted again on the real calendar, so the taxpayer and the 督办
// board see the true 承诺办结 date.
//
// Once per publication, not once per gateway: the publish marks the year pending in its own Lua
// step (catalogue publish-draft.lua), and each gateway looks for pending years on start and then
// periodically; the first that has loaded the year claims its lease and runs it, the others pass.
// It waits until every gateway has had time to load the year (settleMs), so no subject is counted
// Monday to Friday after the run passed its due time.
// Resumable: each subject's recount is a compare-and-set on the due time it read (its store's
// Lua step), so a run that dies midway leaves the lease to expire, and the next run (another
// gateway's look, or this one's next start) goes over the candidates again and changes only what
// is still marked. The year is marked done at the end, with a log line, a metric and an entry in
// the operators' audit chain (actor `gateway`: no operator acted; the publication's own entry is
// the approver's `catalogue.draft.approve`).
//
// Candidates: the subjects the boards keep due on or after the year's first day
// (SupervisionBoard.subjectsDueFrom): a count that never reached the year cannot have assumed it.
// No case is read that is due before.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chinaYearStartMs } from '../calendar/due-recount.ts';
import type { CalendarSource } from '../calendar/working-days.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { Logger } from '../shared/logger.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { CatalogueKeys } from '../shared/redis-keys.ts';
import type { SupervisionBoard } from './supervision-board.ts';
import type { RecountOutcome, SupervisedKind } from './supervised-subject.ts';

const LEASE = luaScript(
  readFileSync(new URL('./scripts/recount-lease.lua', import.meta.url), 'utf8'),
);
/** A lease outlives a stalled holder by this much; renewed every RENEW_EVERY subjects. */
const LEASE_MS = 60_000;
const RENEW_EVERY = 100;

/** A year's recount as the catalogue keeps it (keys.calendarRecounts). */
export interface RecountState {
  state: 'pending' | 'done';
  /** The catalogue revision that published the year. */
  revision: number;
  publishedAt: string;
  publishedBy?: string;
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
  /** Candidates looked at (due on or after the year's first day). */
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
  onRecounted?: (year: number, outcome: Exclude<RecountOutcome, 'kept'>, count: number) => void;
}

export interface CalendarRecount {
  /** Every year's recount state, by year. */
  states(): Promise<Map<number, RecountState>>;
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

  async function run(year: number, state: RecountState, token: string): Promise<RecountRun> {
    const outcome: RecountRun = {
      year,
      revision: state.revision,
      looked: 0,
      recounted: 0,
      unmarked: 0,
    };
    const at = deps.now().toISOString();
    for await (const { kind, id } of deps.board.subjectsDueFrom(chinaYearStartMs(year))) {
      const source = kinds.get(kind);
      if (!source) continue;
      outcome.looked++;
      if (outcome.looked % RENEW_EVERY === 0 && !(await lease(year, 'renew', token)))
        throw new Error(`calendar recount ${year}: the lease ran out (another gateway runs it)`);
      const did = await source.recountDue(id, year, at);
      if (did !== 'kept') outcome[did]++;
    }
    return outcome;
  }

  async function finish(year: number, state: RecountState, done: RecountRun): Promise<void> {
    const doneAt = deps.now().toISOString();
    const { looked, recounted, unmarked } = done;
    await deps.redis.hset(
      deps.keys.calendarRecounts,
      String(year),
      JSON.stringify({ ...state, state: 'done', doneAt, looked, recounted, unmarked }),
    );
    if (recounted > 0) deps.onRecounted?.(year, 'recounted', recounted);
    if (unmarked > 0) deps.onRecounted?.(year, 'unmarked', unmarked);
    deps.log.info(
      { year, revision: state.revision, looked, recounted, unmarked },
      'calendar recount done: due times counted with this year assumed were counted again',
    );
    await deps.audit.append({
      actor: 'gateway',
      action: 'calendar.recount',
      target: `calendar-${year}`,
      outcome: 'ok',
      reason: `revision ${state.revision}: ${recounted} due times moved, ${unmarked} kept and no longer assumed, of ${looked} due in or after ${year}`,
      requestId: `calendar-recount-${year}-${state.revision}`,
    });
  }

  return {
    states,
    async runPending() {
      const runs: RecountRun[] = [];
      for (const [year, state] of await states()) {
        if (state.state !== 'pending' || !deps.calendar().knowsYear(year)) continue;
        if (deps.now().getTime() < Date.parse(state.publishedAt) + deps.settleMs) continue;
        const token = randomBytes(8).toString('hex');
        if (!(await lease(year, 'claim', token))) continue;
        try {
          // Another gateway may have finished it between the read above and this claim.
          const current = (await states()).get(year);
          if (current?.state !== 'pending' || current.revision !== state.revision) continue;
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
