// The notices a raised 督办 flag sends (gateway/README.md#supervision-engine): 预警 (warning) and
// 催办 (urge, when overdue) to the province that must act, 通报 (escalation) to operators and that
// province. A notice names the case and item, never a person: it is read by province clients at
// GET /v1/supervision/notices and kept with the case retention.
import { ulid } from 'ulid';
import type { RecountReason, YearRecount } from '../calendar/due-recount.ts';
import { chinaDate } from '../calendar/working-days.ts';
import type { SubjectKind, SupervisionFlag } from '../shared/redis-keys.ts';
import type { SupervisedSubject } from './supervised-subject.ts';

export const NOTICE_TYPES = ['warning', 'urge', 'escalation'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/** A notice's id: `NT` and a ULID, so ids sort by time (the indexes are read by lex range). */
export const NOTICE_ID = /^NT[0-9A-HJKMNP-TV-Z]{26}$/;

export interface SupervisionNotice {
  noticeId: string;
  type: NoticeType;
  flag: SupervisionFlag;
  subject: { kind: SubjectKind; id: string };
  caseId: string;
  itemCode: string;
  province: string;
  dueAt: string;
  at: string;
  message: string;
  messageZh: string;
}

const TYPE: Record<SupervisionFlag, NoticeType> = {
  warning: 'warning',
  overdue: 'urge',
  escalated: 'escalation',
};

const WHAT: Record<SubjectKind, { en: string; zh: string }> = {
  case: { en: 'Case', zh: '办件' },
  rectification: { en: 'Rectification', zh: '整改' },
};

/** The history note of a flag on the subject's own record. */
export function flagNote(flag: SupervisionFlag, dueAt: string): string {
  switch (flag) {
    case 'warning':
      return `督办预警: the deadline ${dueAt} is near`;
    case 'overdue':
      return `督办催办: the deadline ${dueAt} has passed; the handling province is urged`;
    case 'escalated':
      return `督办通报: still open after the deadline ${dueAt}; escalated to operators`;
  }
}

/** Why, in the history note: the calendar the due time had been counted on. */
const RECOUNT_WHY: Record<RecountReason, (year: number) => { zh: string; en: string }> = {
  published: (year) => ({
    zh: `按已发布的 ${year} 年工作日历重新计算`,
    en: `recounted on the published ${year} working-day calendar; it had been counted Monday to Friday`,
  }),
  corrected: (year) => ({
    zh: `按更正后的 ${year} 年工作日历重新计算`,
    en: `recounted on the corrected ${year} working-day calendar; it had been counted on the version it replaced`,
  }),
  rerun: (year) => ({
    zh: `按 ${year} 年工作日历重新计算(运维人员要求重算)`,
    en: `recounted on the ${year} working-day calendar at an operator's request; it did not match it`,
  }),
};

/**
 * The history note of a due time counted again (calendar-recount.ts): the old and new due dates
 * as China dates, and why — first publication, correction or an operator's rerun; a
 * rectification's visit due date too when it moved.
 */
export function recountNote(
  run: YearRecount,
  fromDueAt: string,
  toDueAt: string,
  fromVisitDueAt?: string,
  toVisitDueAt?: string,
): string {
  const day = (iso: string) => chinaDate(new Date(iso));
  const why = RECOUNT_WHY[run.reason](run.year);
  const visit =
    fromVisitDueAt && toVisitDueAt && fromVisitDueAt !== toVisitDueAt
      ? `; 回访 ${day(fromVisitDueAt)} → ${day(toVisitDueAt)} (visit)`
      : '';
  return `承诺办结日期${why.zh}: ${day(fromDueAt)} → ${day(toDueAt)}${visit} (due date ${why.en})`;
}

function text(flag: SupervisionFlag, s: SupervisedSubject): { message: string; messageZh: string } {
  const what = WHAT[s.kind];
  const due = s.deadline.dueAt;
  switch (flag) {
    case 'warning':
      return {
        message: `${what.en} ${s.id} (${s.itemCode}) is due ${due}.`,
        messageZh: `预警：${what.zh} ${s.id}（${s.itemCode}）将于 ${due} 到期，请抓紧办理。`,
      };
    case 'overdue':
      return {
        message: `${what.en} ${s.id} (${s.itemCode}) passed its deadline ${due}: please act now.`,
        messageZh: `催办：${what.zh} ${s.id}（${s.itemCode}）已超过 ${due} 的时限，请立即办理。`,
      };
    case 'escalated':
      return {
        message: `${what.en} ${s.id} (${s.itemCode}) is still open after its deadline ${due}: escalated.`,
        messageZh: `通报：${what.zh} ${s.id}（${s.itemCode}）超期仍未办结，已上报。`,
      };
  }
}

export function buildNotice(
  noticeId: string,
  subject: SupervisedSubject,
  flag: SupervisionFlag,
  at: Date,
): SupervisionNotice {
  return {
    noticeId,
    type: TYPE[flag],
    flag,
    subject: { kind: subject.kind, id: subject.id },
    caseId: subject.caseId,
    itemCode: subject.itemCode,
    province: subject.province,
    dueAt: subject.deadline.dueAt,
    at: at.toISOString(),
    ...text(flag, subject),
  };
}

/** The smallest notice id of a time: notices before it are older (prune, retention). */
export function noticeIdAt(atMs: number): string {
  return `NT${ulid(atMs).slice(0, 10)}`;
}
