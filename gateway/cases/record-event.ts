// POST /v1/cases/{caseId}/events (gateway/README.md#province-events): a province client on the
// case's route reports progress. Legal transitions only (409 GW_ILLEGAL_TRANSITION); the same event
// twice is applied once (its content digest is kept with the case); a joint parent advances with
// its children.
import type { Client } from '../auth/client-registry.ts';
import type { FieldProblem } from '../shared/errors.ts';
import { GatewayError } from '../shared/errors.ts';
import type { HandlerResult } from '../http/respond.ts';
import {
  addWorkingDays,
  chinaDate,
  nextDay,
  type WorkingCalendar,
} from '../calendar/working-days.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { CaseRecord, HistoryEntry } from './case-record.ts';
import { phaseOf } from './case-status.ts';
import type { CaseStore } from './case-store.ts';
import { advanceParent } from './joint-parent.ts';
import { EVENT_RULES, EVENT_TYPES, PAUSED, type EventType } from './lifecycle.ts';
import { loadVisibleCase } from './read-case.ts';
import { scheduleSupervision } from '../supervision/supervision.ts';

export interface ProvinceEvent {
  type: EventType;
  at: string;
  note?: string;
  provinceCaseNo?: string;
  result?: Record<string, unknown>;
}

export interface EventDeps {
  store: CaseStore;
  calendar: WorkingCalendar;
  /** How long a closed case stays in Redis (gateway/README.md#retention). */
  retentionSeconds?: number;
}

function problem(path: string, message: string, messageZh: string): FieldProblem {
  return { path, message, messageZh };
}

/** Hand-written on purpose: eight fields, and the messages name the lifecycle. */
export function parseEvent(body: unknown): ProvinceEvent {
  const problems: FieldProblem[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('GW_VALIDATION_FAILED', {
      errors: [problem('', 'must be an object', '应为对象')],
    });
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!['type', 'at', 'note', 'provinceCaseNo', 'result'].includes(key)) {
      problems.push(problem(`/${key}`, 'unknown property', '不允许的属性'));
    }
  }
  if (!(EVENT_TYPES as readonly unknown[]).includes(b.type)) {
    problems.push(problem('/type', `must be one of ${EVENT_TYPES.join(', ')}`, '事件类型无效'));
  }
  if (typeof b.at !== 'string' || b.at.length > 40 || Number.isNaN(Date.parse(b.at))) {
    problems.push(problem('/at', 'must be an ISO date-time', '应为 ISO 时间'));
  }
  if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 500)) {
    problems.push(problem('/note', 'must be a string of at most 500 characters', '最多500个字符'));
  }
  if (
    b.provinceCaseNo !== undefined &&
    (typeof b.provinceCaseNo !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(b.provinceCaseNo))
  ) {
    problems.push(problem('/provinceCaseNo', 'must be 1–64 letters, digits, _ or -', '格式错误'));
  }
  if (b.result !== undefined) {
    const tooBig = JSON.stringify(b.result).length > 4096;
    if (typeof b.result !== 'object' || b.result === null || Array.isArray(b.result) || tooBig) {
      problems.push(
        problem('/result', 'must be an object of at most 4 KiB', '应为不超过4KiB的对象'),
      );
    }
  }
  if (b.type === 'decided' && b.result === undefined) {
    problems.push(problem('/result', 'a decided event carries the result', '办结事件须包含结果'));
  }
  if (problems.length > 0) throw new GatewayError('GW_VALIDATION_FAILED', { errors: problems });
  return b as unknown as ProvinceEvent;
}

function pauseFields(
  record: CaseRecord,
  event: ProvinceEvent,
  deps: EventDeps,
): Record<string, string> {
  const rule = EVENT_RULES[event.type];
  if (PAUSED.has(rule.to) && !PAUSED.has(record.status)) return { pausedAt: event.at };
  if (event.type !== 'resumed' || !record.pausedAt || !record.dueAt) return {};
  // Paused working days do not count (gateway/README.md#working-days-and-due-times): push the due
  // date back by as many.
  const end = chinaDate(new Date(event.at));
  let paused = 0;
  for (let d = chinaDate(new Date(record.pausedAt)); d < end; d = nextDay(d)) {
    if (deps.calendar.isWorkingDay(d)) paused++;
  }
  const due = addWorkingDays(deps.calendar, chinaDate(new Date(record.dueAt)), paused);
  return { pausedAt: '', dueAt: due.dueAt };
}

export async function recordEvent(
  deps: EventDeps,
  client: Client,
  caseId: string,
  body: unknown,
): Promise<HandlerResult> {
  const record = await loadVisibleCase(deps.store, client, caseId);
  if (client.kind !== 'province') {
    throw new GatewayError('GW_FORBIDDEN', { detail: 'Events are reported by province clients' });
  }
  if (record.children) {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `Case ${caseId} is a joint case: report events on its children ${record.children.join(', ')}`,
    });
  }
  const event = parseEvent(body);
  const rule = EVENT_RULES[event.type];
  if (record.status === 'ROUTED' && rule.from.includes('ROUTED')) {
    // A province reporting on a case still ROUTED has received it: its event overtook the
    // worker's own bookkeeping (a fast province, or a worker that died after its call). Record
    // the delivery first so the history never jumps from ROUTED into handling; the worker then
    // finds the case past ROUTED and leaves it be. Atomic on ROUTED, so it cannot double up
    // with the worker's own DELIVERED entry.
    await deps.store.transition(record.id, ['ROUTED'], 'DELIVERED', [
      { at: event.at, status: 'DELIVERED', actor: client.id, note: 'reported by the province' },
    ]);
  }
  const entries: HistoryEntry[] = [
    {
      at: event.at,
      status: rule.to,
      actor: client.id,
      ...(event.note ? { note: event.note } : {}),
    },
  ];
  if (rule.then)
    entries.push({ at: event.at, status: rule.then, actor: 'gateway', note: 'loop closed' });
  const fields: Record<string, string> = pauseFields(record, event, deps);
  if (event.provinceCaseNo) fields.provinceCaseNo = event.provinceCaseNo;
  if (event.result) fields.result = JSON.stringify(event.result);
  const outcome = await deps.store.transition(
    record.id,
    rule.from,
    rule.then ?? rule.to,
    entries,
    fields,
    sha256Hex(canonicalJson(event)),
  );
  if (!outcome.ok && outcome.reason === 'illegal') {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `A ${event.type} event is not allowed while the case is ${outcome.current}`,
    });
  }
  if (!outcome.ok && outcome.reason === 'missing') throw new GatewayError('GW_CASE_NOT_FOUND');
  if (outcome.ok && record.parentId) await advanceParent(deps.store, record.parentId);
  if (outcome.ok && fields.dueAt) await scheduleSupervision(deps.store, record, fields.dueAt);
  if (outcome.ok && rule.then === 'CLOSED' && deps.retentionSeconds) {
    await deps.store.expireClosed(record.id, deps.retentionSeconds);
  }
  const status = outcome.ok ? (rule.then ?? rule.to) : outcome.current;
  return {
    status: 200,
    body: { caseId: record.id, status, phase: phaseOf(status), duplicate: !outcome.ok },
  };
}
