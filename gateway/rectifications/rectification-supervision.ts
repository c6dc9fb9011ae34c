// Rectifications as subjects of the one 督办 engine (gateway/README.md#supervision-engine): while
// the owner province owes a visit or a fix (OPEN, VISITED) the rectification is supervised against
// its rectify deadline, in working days, with the same rule and flags as a case; an appeal under
// review stops its clock; rectified, explained, voided or closed ends it. Its portal hears every
// move and flag by callback. A calendar published since its due times were counted with that year
// assumed counts them again (recountDue, gateway/supervision/calendar-recount.ts).
import type { CallbackQueue } from '../callbacks/callback-queue.ts';
import {
  countedOn,
  recountCountedDue,
  recountDue,
  type YearRecount,
} from '../calendar/due-recount.ts';
import { ListenerDeferred } from '../shared/listener-deferred.ts';
import { flagTimes, nextFlagTime } from '../supervision/flag-times.ts';
import type { SupervisionBoard } from '../supervision/supervision-board.ts';
import { recountNote } from '../supervision/supervision-notice.ts';
import type {
  RecountOutcome,
  SupervisedKind,
  SupervisedSubject,
  SupervisionRules,
} from '../supervision/supervised-subject.ts';
import { RECTIFICATION_PAUSED, RECTIFICATION_SUPERVISED } from './rectification-lifecycle.ts';
import type { Rectification } from './rectification-record.ts';
import type { RectificationListener, RectificationStore } from './rectification-store.ts';

function toSubject(r: Rectification): SupervisedSubject {
  return {
    kind: 'rectification',
    id: r.id,
    province: r.province,
    itemCode: r.itemCode,
    caseId: r.caseId,
    deadline: { dueAt: r.dueAt, promisedDays: r.promisedDays },
    state: RECTIFICATION_SUPERVISED.has(r.status)
      ? 'open'
      : RECTIFICATION_PAUSED.has(r.status)
        ? 'paused'
        : 'done',
  };
}

/** Tracks a rectification on the board when it opens or resumes, settles it when it is done. */
export function rectificationSupervisionListener(
  board: SupervisionBoard,
  rules: SupervisionRules,
): RectificationListener {
  return async ({ rectification: r, at }) => {
    const subject = toSubject(r);
    if (subject.state === 'done') await board.settle('rectification', r.id);
    else if (subject.state === 'open') {
      // The first look is when its first flag falls due; the supervisor recomputes it then.
      const rule = rules.policy.forProvince(r.province);
      const { times } = flagTimes(rules.calendar(), rule, subject.deadline);
      await board.track(subject, nextFlagTime(times, r.flags) ?? Date.parse(at), r.dueAt);
    }
  };
}

const links = (r: Rectification) => ({
  self: `/v1/rectifications/${r.id}`,
  case: `/v1/cases/${r.caseId}`,
});

/**
 * The portal hears of every move after the opening (the 201 told it of that one). An add Redis
 * refused is deferred: the reconciler queues it later (job id per rectification and sequence).
 */
export function rectificationCallbackListener(
  callbacks: CallbackQueue,
  log: { warn: (obj: object, msg: string) => void },
): RectificationListener {
  return async ({ rectification: r, move, sequence, at }) => {
    if (move === 'opened' || !r.callbackUrl) return;
    try {
      await callbacks.enqueueEvent(
        {
          caseId: r.caseId,
          clientId: r.clientId,
          url: r.callbackUrl,
          at,
          body: {
            type: 'rectification',
            rectificationId: r.id,
            caseId: r.caseId,
            status: r.status,
            sequence,
            at,
            links: links(r),
          },
        },
        `rectification-${r.id}-${sequence}`,
      );
    } catch (error) {
      // Deferred, not lost: the move's outbox entry stays and the reconciler queues it later.
      log.warn(
        { err: error, rectificationId: r.id, sequence },
        'callback not queued; the reconciler will queue it',
      );
      throw new ListenerDeferred('callback not queued', { cause: error });
    }
  };
}

export interface RectificationSubjectDeps {
  rectifications: RectificationStore;
  callbacks: CallbackQueue;
  /** Where a recounted due time is tracked (its record and board are in two slots). */
  board: SupervisionBoard;
  rules: SupervisionRules;
}

/** The board's next look at a rectification due `dueAt`: when its first flag not up falls due. */
function nextLook(rules: SupervisionRules, r: Rectification, dueAt: string, at: string): number {
  const rule = rules.policy.forProvince(r.province);
  const { times } = flagTimes(rules.calendar(), rule, { dueAt, promisedDays: r.promisedDays });
  return nextFlagTime(times, r.flags) ?? Date.parse(at);
}

/**
 * Counts a rectification's due times again on the calendar in force (gateway/calendar/due-recount.ts):
 * the rectify due time from its anchor (openedAt) and its promised plus paused working days; the
 * visit due time, while no visit is recorded, from the date it has (its days are not kept),
 * counted back on the calendar it was counted on (countedOn). One already right is left alone.
 * Then its board, in `{supervise}` (another slot than the record): tracked again also when the
 * record was recounted before, so a run that died between the two steps is completed by the next.
 */
async function recountRectification(
  deps: RectificationSubjectDeps,
  id: string,
  run: YearRecount,
  at: string,
): Promise<RecountOutcome> {
  const r = await deps.rectifications.get(id);
  if (!r) return 'kept';
  let outcome: RecountOutcome = 'kept';
  const calendar = deps.rules.calendar();
  const marked = r.calendarAssumed === true;
  const due = recountDue(calendar, { anchorAt: r.openedAt, days: r.promisedDays + r.pausedDays });
  const visit = r.visitedAt
    ? { dueAt: r.visitDueAt, assumed: false }
    : recountCountedDue(countedOn(calendar, run, marked), calendar, r.openedAt, r.visitDueAt);
  const assumed = due.assumed || visit.assumed;
  const moved = due.dueAt !== r.dueAt || visit.dueAt !== r.visitDueAt;
  if (moved || (marked && !assumed)) {
    const done = await deps.rectifications.recountDue(id, {
      from: { dueAt: r.dueAt, visitDueAt: r.visitDueAt },
      dueAt: due.dueAt,
      visitDueAt: visit.dueAt,
      stillAssumed: assumed,
      ...(moved
        ? {
            entry: {
              at,
              actor: 'supervisor',
              note: recountNote(run, r.dueAt, due.dueAt, r.visitDueAt, visit.dueAt),
            },
          }
        : {}),
    });
    // Refused: a move changed it meanwhile and tracked the board itself; a later run looks again.
    if (!done) return 'kept';
    outcome = moved ? 'recounted' : 'unmarked';
  }
  // The board from the record as it is now: a move made since the step above tracked its own.
  const current = outcome === 'kept' ? r : await deps.rectifications.get(id);
  if (!current) return outcome;
  const subject = toSubject(current);
  const dueAt = current.dueAt;
  if (subject.state !== 'done' && (await deps.board.dueTime(subject)) !== Date.parse(dueAt))
    await deps.board.track(subject, nextLook(deps.rules, current, dueAt, at), dueAt);
  return outcome;
}

export function rectificationSubjects(deps: RectificationSubjectDeps): SupervisedKind {
  return {
    kind: 'rectification',
    async load(id) {
      const r = await deps.rectifications.get(id);
      return r && toSubject(r);
    },
    async raiseFlag(subject, flag, note, at) {
      await deps.rectifications.raiseFlag(subject.id, flag, note, at);
    },
    async tellPortal(subject, flag, at) {
      const r = await deps.rectifications.get(subject.id);
      if (!r?.callbackUrl) return;
      await deps.callbacks.enqueueEvent(
        {
          caseId: r.caseId,
          clientId: r.clientId,
          url: r.callbackUrl,
          at,
          body: {
            type: 'supervision',
            rectificationId: r.id,
            caseId: r.caseId,
            flag,
            dueAt: r.dueAt,
            at,
            links: links(r),
          },
        },
        `supervision-rectification-${r.id}-${flag}`,
      );
    },
    recountDue: (id, run, at) => recountRectification(deps, id, run, at),
  };
}
