// The 督办 engine's pass (gateway/README.md#supervision-engine): one supervisor for every kind of
// subject. For each subject the board says is due for a look, it reads the subject, recomputes
// its flag times on the working-day calendar from the stored record (flag-times.ts) and raises
// every flag that fell due, in order, each in three idempotent steps:
//   1. the subject's own record: the flag and its history entry (once, by its store's script);
//   2. its portal: a callback (job id per subject and flag, so a repeat is dropped);
//   3. the board: the flag's gauge and its notice (预警, 催办, 通报) — once, however many workers race.
// The board entry is moved to the next flag's time only after all three, so a worker that dies
// between steps leaves the look to the next pass, which completes what is missing and repeats
// nothing. Paused subjects are looked at again later; finished ones are settled.
import type { CalendarSource } from '../calendar/working-days.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import type { SubjectKind } from '../shared/redis-keys.ts';
import { FLAGS, flagTimes, nextFlagTime } from './flag-times.ts';
import type { SupervisionBoard } from './supervision-board.ts';
import { buildNotice, flagNote, noticeIdAt } from './supervision-notice.ts';
import type { SupervisionPolicy } from './supervision-policy.ts';
import type { SupervisedKind, SupervisedSubject } from './supervised-subject.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BATCH = 200;
/** At most this many batches a pass (10 000 looks); the next pass takes the rest. */
const MAX_BATCHES = 50;

export interface SupervisorDeps {
  board: SupervisionBoard;
  kinds: readonly SupervisedKind[];
  policy: SupervisionPolicy;
  calendar: CalendarSource;
  log: Logger;
  now: () => Date;
}

/** One pass at `nowMs`: raises every flag that fell due. Returns how many it raised. */
export async function superviseOnce(
  deps: SupervisorDeps,
  nowMs = deps.now().getTime(),
): Promise<number> {
  const kinds = new Map<string, SupervisedKind>(deps.kinds.map((k) => [k.kind, k]));
  let raised = 0;
  // Batch after batch until nothing is due: every look moves its entry past `nowMs` or drops it.
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const due = await deps.board.due(nowMs, BATCH);
    for (const entry of due) {
      try {
        raised += await look(deps, kinds, entry, nowMs);
      } catch (error) {
        // One subject that cannot be read (a corrupt record) must not stop every other's 督办.
        deps.log.warn(
          { err: error, subject: entry.entry },
          'supervision look failed; again in an hour',
        );
        await deps.board.postpone(entry.entry, nowMs + HOUR_MS);
      }
    }
    if (due.length < BATCH) break;
  }
  return raised;
}

async function look(
  deps: SupervisorDeps,
  kinds: ReadonlyMap<string, SupervisedKind>,
  { kind, id, entry }: { kind: string; id: string; entry: string },
  nowMs: number,
): Promise<number> {
  const source = kinds.get(kind);
  if (!source) {
    await deps.board.forget(entry);
    return 0;
  }
  const subject = await source.load(id);
  if (!subject || subject.state === 'done') {
    await deps.board.settle(kind as SubjectKind, id);
    return 0;
  }
  if (subject.state === 'paused') {
    // The clock is stopped; resuming asks for a look. Meanwhile look again in an hour, so a lost
    // resume still ends in a look.
    await deps.board.track(subject, nowMs + HOUR_MS, subject.deadline.dueAt);
    return 0;
  }
  return raiseDue(deps, source, subject, nowMs);
}

async function raiseDue(
  deps: SupervisorDeps,
  source: SupervisedKind,
  subject: SupervisedSubject,
  nowMs: number,
): Promise<number> {
  const rule = deps.policy.forProvince(subject.province);
  const { times } = flagTimes(deps.calendar(), rule, subject.deadline);
  const onBoard = { ...(await deps.board.raised(subject.kind, subject.id)) };
  const at = new Date(nowMs);
  let raised = 0;
  for (const flag of FLAGS) {
    if (onBoard[flag] || times[flag] > nowMs) continue;
    await source.raiseFlag(subject, flag, flagNote(flag, subject.deadline.dueAt), at.toISOString());
    await source.tellPortal(subject, flag, at.toISOString());
    const notice = buildNotice(deps.board.newNoticeId(nowMs), subject, flag, at);
    if (await deps.board.raise(subject, flag, notice)) {
      raised++;
      deps.log.info(
        { subject: `${subject.kind}:${subject.id}`, flag, province: subject.province },
        'supervision flag raised',
      );
    }
    onBoard[flag] = true;
  }
  // The next flag's time; with every flag up the board drops the entry on this track.
  const next = nextFlagTime(times, onBoard) ?? nowMs + HOUR_MS;
  await deps.board.track(subject, next, subject.deadline.dueAt);
  return raised;
}

export interface SupervisorLoop {
  stop: () => Promise<void>;
}

/**
 * Runs `pass` every `intervalMs` (the 督办 pass, the default ratings), never two at once in this
 * process; several processes may run it, the board keeps every effect single.
 */
export function startPeriodic(
  name: string,
  pass: () => Promise<unknown>,
  intervalMs: number,
  log: Logger,
): SupervisorLoop {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  // Redis down fails every pass: one line a second, with a count (gateway/README.md#operations).
  const failures = rateLimitedLog(log);
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = pass()
      .catch((error: unknown) =>
        failures.warn(`${name}-pass`, { err: error }, `${name} pass failed`),
      )
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** Notices older than the retention leave the indexes (their keys have expired already). */
export async function pruneNotices(
  deps: Pick<SupervisorDeps, 'board' | 'now'>,
  provinces: readonly string[],
  retentionDays: number,
): Promise<void> {
  if (retentionDays === 0) return;
  await deps.board.prune(provinces, noticeIdAt(deps.now().getTime() - retentionDays * DAY_MS));
}
