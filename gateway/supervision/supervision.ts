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
import { FLAGS, flagTimes } from './flag-times.ts';
import type { SupervisionBoard } from './supervision-board.ts';
import { buildNotice, flagNote, noticeIdAt } from './supervision-notice.ts';
import type { SupervisionPolicy } from './supervision-policy.ts';
import type { SupervisedKind, SupervisedSubject } from './supervised-subject.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BATCH = 200;

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
  for (const { kind, id, entry } of await deps.board.due(nowMs, BATCH)) {
    const source = kinds.get(kind);
    if (!source) {
      await deps.board.forget(entry);
      continue;
    }
    const subject = await source.load(id);
    if (!subject || subject.state === 'done') {
      await deps.board.settle(kind as SubjectKind, id);
      continue;
    }
    if (subject.state === 'paused') {
      // The clock is stopped; resuming asks for a look at once. Meanwhile look again in an hour,
      // so a lost resume still ends in a look.
      await deps.board.track(subject, nowMs + HOUR_MS, subject.deadline.dueAt);
      continue;
    }
    raised += await raiseDue(deps, source, subject, nowMs);
  }
  return raised;
}

async function raiseDue(
  deps: SupervisorDeps,
  source: SupervisedKind,
  subject: SupervisedSubject,
  nowMs: number,
): Promise<number> {
  const rule = deps.policy.forProvince(subject.province);
  const { times } = flagTimes(deps.calendar(), rule, subject.deadline);
  const onBoard = await deps.board.raised(subject.kind, subject.id);
  const at = new Date(nowMs);
  let raised = 0;
  let next = Infinity;
  for (const flag of FLAGS) {
    if (onBoard[flag]) continue;
    if (times[flag] > nowMs) {
      next = Math.min(next, times[flag]);
      continue;
    }
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
  }
  // Nothing left: the board drops the entry (every flag raised) on this track.
  await deps.board.track(subject, Number.isFinite(next) ? next : nowMs, subject.deadline.dueAt);
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
