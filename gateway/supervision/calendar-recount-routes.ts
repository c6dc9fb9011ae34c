// The calendar recount's rows of the route table (gateway/README.md#calendar-recount): a year's
// recount state, and an operator's rerun (`npm run cli -- calendar recount <year>`, the console's
// button on the year's page). A rerun needs catalogue:approve — the right that publishes a
// calendar, and so starts its recount — and is audited under the operator
// (`calendar.recount.request`); the run itself is the gateway's, audited `calendar.recount`.
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { routesFor } from '../http/api-route.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import { SLOT } from '../shared/redis-keys.ts';
import { GatewayError } from '../shared/errors.ts';
import type { CalendarRecount, RecountState } from './calendar-recount.ts';

export interface CalendarRecountRouteDeps {
  calendarRecount: CalendarRecount;
  audit: AuditLog;
}

const route = routesFor<CalendarRecountRouteDeps>();

/** The year a path names; else 400 GW_INVALID_PARAMETER at /path/year. */
function pathYear(text: string | undefined): number {
  const year = Number(text);
  if (/^\d{4}$/.test(text ?? '') && year >= 2000 && year <= 2100) return year;
  throw new GatewayError('GW_INVALID_PARAMETER', {
    errors: [
      {
        path: '/path/year',
        message: 'must be a year 2000–2100',
        messageZh: '年份应在 2000–2100 之间',
      },
    ],
  });
}

const noCalendar = (year: number) =>
  new GatewayError('GW_NOT_FOUND', { detail: `No working-day calendar of ${year} is published` });

/** Marks `year` pending for a rerun, audited under the operator (the console calls it too). */
export function requestRecount(
  deps: CalendarRecountRouteDeps,
  request: OperatorRequest,
  year: number,
): Promise<{ year: number; outcome: 'requested' | 'pending'; recount: RecountView }> {
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'calendar.recount.request',
      target: `calendar-${year}`,
      right: 'catalogue:approve',
      writes: [SLOT.catalogue],
    },
    async () => {
      const asked = await deps.calendarRecount.request(year, request.operator.id);
      if (asked.outcome === 'missing') throw noCalendar(year);
      return { year, outcome: asked.outcome, recount: recountView(asked.recount) };
    },
    (r) =>
      r.outcome === 'pending'
        ? 'already pending: left as it is'
        : 'pending: a gateway recounts it at its next look',
  );
}

/** What the API shows of a recount: not the replaced version's text. */
type RecountView = Omit<RecountState, 'previous'> & { reason: NonNullable<RecountState['reason']> };

function recountView(state: RecountState): RecountView {
  const { previous: _previous, ...shown } = state;
  return { ...shown, reason: state.reason ?? 'published' };
}

const RECOUNT = {
  type: 'object',
  description:
    'A year’s calendar recount: pending (a gateway runs it at its next look) or done, why (published: the year first published; corrected: published again; rerun: an operator asked), and what the run did.',
  properties: {
    state: { type: 'string', enum: ['pending', 'done'] },
    reason: { type: 'string', enum: ['published', 'corrected', 'rerun'] },
    revision: { type: 'integer' },
    publishedAt: { type: 'string', format: 'date-time' },
    publishedBy: { type: 'string' },
    requestedAt: { type: 'string', format: 'date-time' },
    requestedBy: { type: 'string' },
    from: { type: 'string', description: 'Done: the first China day it walked due times from.' },
    doneAt: { type: 'string', format: 'date-time' },
    looked: { type: 'integer' },
    recounted: { type: 'integer' },
    unmarked: { type: 'integer' },
  },
} as const;

export const CALENDAR_RECOUNT_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/catalogue/calendars/:year/recount',
    clients: ['operator'],
    operation: {
      operationId: 'getCalendarRecount',
      tags: ['catalogue admin'],
      summary: 'A calendar year’s due-date recount: pending or done, why, and what it did',
      parameters: ['CalendarYear'],
      responses: {
        '200': jsonResponse('The recount.', {
          type: 'object',
          properties: { year: { type: 'integer' }, recount: RECOUNT },
        }),
      },
      problems: [404],
    },
    handler: async ({ deps, params }) => {
      const year = pathYear(params.year);
      const state = (await deps.calendarRecount.states()).get(year);
      if (!state)
        throw new GatewayError('GW_NOT_FOUND', {
          detail: `No recount of ${year} was asked (a calendar from the seed files has none until one is)`,
        });
      return { status: 200, body: { year, recount: recountView(state) } };
    },
  }),
  route({
    method: 'post',
    path: '/v1/admin/catalogue/calendars/:year/recount',
    clients: ['operator'],
    right: 'catalogue:approve',
    action: 'calendar.recount.request',
    auditTarget: (params) => `calendar-${params.year}`,
    operation: {
      operationId: 'rerunCalendarRecount',
      tags: ['catalogue admin'],
      summary:
        'Recount every still-supervised due date of a calendar year again (a rerun: changes only what is wrong)',
      parameters: ['CalendarYear'],
      responses: {
        '202': jsonResponse(
          'Pending: a gateway runs it at its next look (outcome pending: it already was).',
          {
            type: 'object',
            properties: {
              year: { type: 'integer' },
              outcome: { type: 'string', enum: ['requested', 'pending'] },
              recount: RECOUNT,
            },
          },
        ),
      },
      problems: [404],
    },
    handler: async ({ deps, params, client, requestId }) => ({
      status: 202,
      body: await requestRecount(deps, { operator: client, requestId }, pathYear(params.year)),
    }),
  }),
];
