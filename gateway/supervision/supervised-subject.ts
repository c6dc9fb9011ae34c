// What the one 督办 engine supervises (gateway/README.md#supervision-engine): a routed case or a
// rectification, seen through the same shape, and what each kind must provide — reading the
// subject, raising a flag on its own record (with its history entry), telling its portal. Cases
// (case-supervision.ts) and rectifications (gateway/rectifications/rectification-supervision.ts)
// each implement it once; the supervisor never branches on the kind.
import type { SubjectKind, SupervisionFlag } from '../shared/redis-keys.ts';
import type { YearRecount } from '../calendar/due-recount.ts';
import type { CalendarSource } from '../calendar/working-days.ts';
import type { Deadline } from './flag-times.ts';
import type { SupervisionPolicy } from './supervision-policy.ts';

/** What turns a due time into flag times: the calendar in force and each province's rule. */
export interface SupervisionRules {
  calendar: CalendarSource;
  policy: SupervisionPolicy;
}

/** What the board needs to know of a subject to count it. */
export interface BoardSubject {
  kind: SubjectKind;
  id: string;
  /** The province that must act (two-digit code). */
  province: string;
  itemCode: string;
}

export interface SupervisedSubject extends BoardSubject {
  /** The case this is about: the case itself, or the rectified case. */
  caseId: string;
  deadline: Deadline;
  /**
   * open: supervised; paused: the clock is stopped (补正, 特别程序, an appeal under review);
   * done: supervision ended (decided, closed, rectified, voided).
   */
  state: 'open' | 'paused' | 'done';
}

/**
 * What recounting one subject's due time did (calendar-recount.ts): `recounted` moved it,
 * `unmarked` kept the date and took the assumed mark off, `kept` changed nothing (already right on
 * the calendar in force, recounted before, or it moved meanwhile: a later run finds it again).
 */
export type RecountOutcome = 'recounted' | 'unmarked' | 'kept';

export interface SupervisedKind {
  readonly kind: SubjectKind;
  load(id: string): Promise<SupervisedSubject | undefined>;
  /** Raises the flag on the subject's own record, with a history entry; once. */
  raiseFlag(
    subject: SupervisedSubject,
    flag: SupervisionFlag,
    note: string,
    at: string,
  ): Promise<void>;
  /** Tells the subject's portal by callback; a repeat for the same subject and flag is dropped. */
  tellPortal(subject: SupervisedSubject, flag: SupervisionFlag, at: string): Promise<void>;
  /**
   * Counts the subject's due time again on the calendar in force, now that `run.year` is
   * published, corrected or asked again (gateway/calendar/due-recount.ts): its record, its history
   * entry and its board's due time, each change once however often it runs; a due time already
   * right on the calendar in force is left as it is.
   */
  recountDue(id: string, run: YearRecount, at: string): Promise<RecountOutcome>;
}
