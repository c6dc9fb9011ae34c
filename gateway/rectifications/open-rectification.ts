// What a 差评 opens (gateway/README.md#rectification-lifecycle): a rectification owned by the rated
// party's province (谁办理谁负责), with working-day deadlines from that province's rule — the
// follow-up visit (回访, default 1 working day) and the fix or explanation (default 15) — counted
// from the day of the 差评 on the calendar in force.
import { ulid } from 'ulid';
import { addWorkingDays, chinaDate, type CalendarSource } from '../calendar/working-days.ts';
import type { Evaluation } from '../evaluations/evaluation.ts';
import type {
  OpenedRectification,
  RectificationOpener,
} from '../evaluations/rectification-opener.ts';
import type { SupervisionPolicy } from '../supervision/supervision-policy.ts';
import {
  rectificationId,
  rectificationToHash,
  type Rectification,
  type RectificationHistoryEntry,
} from './rectification-record.ts';
import type { RectificationStore } from './rectification-store.ts';

export interface OpeningDeps {
  policy: SupervisionPolicy;
  calendar: CalendarSource;
  rectifications: RectificationStore;
}

/** The evaluations feature's way to open rectifications (evaluations/rectification-opener.ts). */
export function rectificationOpener(deps: OpeningDeps): RectificationOpener {
  return {
    open: (evaluation, callbackUrl, now) => openRectification(deps, evaluation, callbackUrl, now),
    async opened(id) {
      const r = await deps.rectifications.get(id);
      if (r) await deps.rectifications.opened(r);
    },
  };
}

export function openRectification(
  deps: Pick<OpeningDeps, 'policy' | 'calendar'>,
  evaluation: Evaluation,
  callbackUrl: string | undefined,
  now: Date,
): OpenedRectification {
  const rule = deps.policy.forProvince(evaluation.province);
  const calendar = deps.calendar();
  const today = chinaDate(now);
  const visit = addWorkingDays(calendar, today, rule.visitDays);
  const due = addWorkingDays(calendar, today, rule.rectifyDays);
  const at = now.toISOString();
  const rectification: Rectification = {
    id: rectificationId(evaluation.province, ulid(now.getTime())),
    province: evaluation.province,
    caseId: evaluation.caseId,
    evaluationId: evaluation.evaluationId,
    rated: evaluation.rated,
    itemCode: evaluation.itemCode,
    clientId: evaluation.clientId,
    ...(callbackUrl ? { callbackUrl } : {}),
    level: evaluation.level,
    status: 'OPEN',
    openedAt: at,
    openedDate: evaluation.date,
    visitDueAt: visit.dueAt,
    dueAt: due.dueAt,
    promisedDays: rule.rectifyDays,
    flags: { warning: false, overdue: false, escalated: false },
    pausedDays: 0,
    ...(visit.assumed || due.assumed ? { calendarAssumed: true } : {}),
    updatedAt: at,
  };
  const entry: RectificationHistoryEntry = {
    at,
    status: 'OPEN',
    actor: 'gateway',
    note: `opened by a level ${evaluation.level} 差评`,
  };
  return {
    id: rectification.id,
    status: rectification.status,
    visitDueAt: rectification.visitDueAt,
    dueAt: rectification.dueAt,
    stored: {
      id: rectification.id,
      fields: rectificationToHash(rectification),
      entry: JSON.stringify(entry),
    },
  };
}
