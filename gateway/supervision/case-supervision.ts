// Cases as subjects of the 督办 engine (gateway/README.md#supervision-engine). A routed case is
// supervised — the single case, or each party of a joint case (the child the province handles,
// with its own pauses and due time) — from its dispatch until it is decided or closed. The
// transition listener tracks it on the board when it is dispatched, asks for a look when a move
// sets a new due time (a resumed case), and settles it when supervision ends; the supervisor
// reads it back through caseSubjects, and a calendar recount (calendar-recount.ts) counts its due
// time again through it.
import type { CallbackQueue } from '../callbacks/callback-queue.ts';
import {
  countedOn,
  recountDue,
  workingDaysCounted,
  type YearRecount,
} from '../calendar/due-recount.ts';
import { chinaDate, workingDaysBetween, type CalendarSource } from '../calendar/working-days.ts';
import type { CaseRecord, RoutedCase } from '../cases/case-record.ts';
import type { TransitionListener } from '../cases/case-move.ts';
import type { CaseStatus } from '../cases/case-status.ts';
import type { CaseStore } from '../cases/case-store.ts';
import { PAUSED } from '../cases/lifecycle.ts';
import type { SupervisionFlag } from '../shared/redis-keys.ts';
import { flagTimes, nextFlagTime } from './flag-times.ts';
import { trackArgs, type SupervisionBoard } from './supervision-board.ts';
import { recountNote } from './supervision-notice.ts';
import type {
  BoardSubject,
  RecountOutcome,
  SupervisedKind,
  SupervisedSubject,
  SupervisionRules,
} from './supervised-subject.ts';

/** Statuses at which a case's promise is kept or moot: 承诺时限 runs to the decision. */
export const SUPERVISION_ENDS: ReadonlySet<CaseStatus> = new Set([
  'DECIDED',
  'RESULT_DELIVERED',
  'NOT_ACCEPTED',
  'CLOSED',
]);

/** The province that handles a routed case: its target division's first two digits. */
export function handlingProvince(record: RoutedCase): string {
  return record.route.targetRegion.slice(0, 2);
}

function boardSubject(record: RoutedCase): BoardSubject {
  return {
    kind: 'case',
    id: record.id,
    province: handlingProvince(record),
    itemCode: record.itemCode,
  };
}

export function caseSupervisionListener(
  board: SupervisionBoard,
  rules: SupervisionRules,
): TransitionListener {
  return async ({ record, move, status, fields, at }) => {
    if (record.kind === 'joint-parent') return;
    if (SUPERVISION_ENDS.has(status)) await board.settle('case', record.id);
    else if (move === 'dispatched' || fields.dueAt) {
      const dueAt = fields.dueAt ?? record.dueAt;
      await board.track(boardSubject(record), nextLook(record, dueAt, rules, at), dueAt);
    }
  };
}

/** The first look is when its first flag falls due; the supervisor recomputes it then. */
function nextLook(record: RoutedCase, dueAt: string, rules: SupervisionRules, at: string): number {
  const deadline = { dueAt, promisedDays: promisedDays(record, rules.calendar) };
  const province = handlingProvince(record);
  const { times } = flagTimes(rules.calendar(), rules.policy.forProvince(province), deadline);
  return nextFlagTime(times, record.flags) ?? Date.parse(at);
}

/**
 * A routed case's 督办 schedule as a submission writes it (track-subject.lua's arguments): its
 * supervision starts in the same write as the case.
 */
export function submissionSchedule(record: RoutedCase, rules: SupervisionRules): string[] {
  const look = nextLook(record, record.dueAt, rules, record.createdAt);
  return trackArgs(boardSubject(record), look, record.dueAt);
}

/** Promised working days of a record stored before they were kept: from its dates. */
function promisedDays(record: CaseRecord, calendar: CalendarSource): number {
  if (record.promisedDays !== undefined) return record.promisedDays;
  // [start, due date) holds D_0 … D_(N-1) plus the paused days: N + paused working days.
  const start = chinaDate(new Date(record.createdAt));
  const due = chinaDate(new Date(record.dueAt));
  return Math.max(0, workingDaysBetween(calendar(), start, due) - (record.pausedDays ?? 0));
}

export interface CaseSubjectDeps {
  store: CaseStore;
  callbacks: CallbackQueue;
  /** The calendar in force and each province's rule: the recount's next look. */
  rules: SupervisionRules;
}

/**
 * Counts a case's due time again on the calendar in force (gateway/calendar/due-recount.ts: its
 * anchor and its promised plus paused working days), whatever calendar the stored one was counted
 * on — the year assumed, a version since corrected, or a date set wrong — so a case already right
 * is left alone; `track` for a case on the board (a joint parent is not). One Lua step with its
 * history entry and its board's due time and next look, only while the case still has the due
 * time read here.
 */
async function recountCase(
  deps: CaseSubjectDeps,
  record: CaseRecord,
  run: YearRecount,
  at: string,
): Promise<RecountOutcome> {
  const calendar = deps.rules.calendar();
  const marked = record.calendarAssumed === true;
  // A record stored before promisedDays was kept: its working days as they were counted, on the
  // calendar it was counted on (promisedDays() would count them on the new calendar and find the
  // date it has).
  const days =
    record.promisedDays === undefined
      ? workingDaysCounted(
          countedOn(calendar, run, marked),
          chinaDate(new Date(record.createdAt)),
          chinaDate(new Date(record.dueAt)),
        )
      : record.promisedDays + (record.pausedDays ?? 0);
  const due = recountDue(calendar, { anchorAt: record.createdAt, days });
  const moved = due.dueAt !== record.dueAt;
  // Right already, or still reaching a year without a calendar: nothing to write.
  if (!moved && (due.assumed || !marked)) return 'kept';
  const done = await deps.store.recountDue(record.id, {
    fromDueAt: record.dueAt,
    dueAt: due.dueAt,
    stillAssumed: due.assumed,
    ...(moved
      ? { entry: { at, actor: 'supervisor', note: recountNote(run, record.dueAt, due.dueAt) } }
      : {}),
    ...(record.kind === 'joint-parent'
      ? {}
      : {
          track: trackArgs(
            boardSubject(record),
            nextLook(record, due.dueAt, deps.rules, at),
            due.dueAt,
          ),
        }),
  });
  return !done ? 'kept' : moved ? 'recounted' : 'unmarked';
}

export function caseSubjects(deps: CaseSubjectDeps): SupervisedKind {
  const toSubject = (record: CaseRecord): SupervisedSubject | undefined => {
    if (record.kind === 'joint-parent') return undefined;
    return {
      ...boardSubject(record),
      caseId: record.id,
      deadline: {
        dueAt: record.dueAt,
        promisedDays: promisedDays(record, deps.rules.calendar),
      },
      state: SUPERVISION_ENDS.has(record.status)
        ? 'done'
        : PAUSED.has(record.status)
          ? 'paused'
          : 'open',
    };
  };
  return {
    kind: 'case',
    async load(id) {
      const record = await deps.store.get(id);
      return record && toSubject(record);
    },
    async raiseFlag(subject, flag, note, at) {
      await deps.store.raiseFlag(subject.id, flag, note, at);
    },
    async tellPortal(subject, flag, at) {
      // A joint party's portal follows the parent: the callback names the parent, and the party.
      const record = await deps.store.get(subject.id);
      if (!record || record.kind === 'joint-parent') return;
      const followed =
        record.kind === 'joint-child' ? await deps.store.get(record.parentId) : record;
      if (!followed || followed.kind === 'joint-child' || !followed.callbackUrl) return;
      await deps.callbacks.enqueueEvent(
        {
          caseId: followed.id,
          clientId: followed.clientId,
          url: followed.callbackUrl,
          at,
          body: supervisionCallback(followed.id, subject, flag, at),
        },
        `supervision-case-${subject.id}-${flag}`,
      );
    },
    async recountDue(id, run, at) {
      const record = await deps.store.get(id);
      if (!record) return 'kept';
      // A joint party's parent shows the family's due time too (GET /v1/cases/{parent}): it is
      // counted again first, so a run that dies in between leaves the party marked, and the next
      // run, finding the party, does the parent's part again (a no-op once done) and then its own.
      if (record.kind === 'joint-child') {
        const parent = await deps.store.get(record.parentId);
        if (parent?.kind === 'joint-parent') await recountCase(deps, parent, run, at);
      }
      return recountCase(deps, record, run, at);
    },
  };
}

function supervisionCallback(
  caseId: string,
  subject: SupervisedSubject,
  flag: SupervisionFlag,
  at: string,
) {
  return {
    type: 'supervision',
    caseId,
    ...(subject.id !== caseId ? { partyCaseId: subject.id } : {}),
    flag,
    dueAt: subject.deadline.dueAt,
    at,
    links: { self: `/v1/cases/${caseId}` },
  };
}
