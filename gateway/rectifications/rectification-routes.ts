// The rectification rows of the route table (gateway/README.md#rectification-lifecycle): list and
// read (province clients their own, portals their cases', operators all), the owner province's
// events, the operator's appeal decision (right `appeal`), the portal's re-rating.
import type { EvaluationStore } from '../evaluations/evaluation-store.ts';
import { routesFor } from '../http/api-route.ts';
import { FLAGS_SCHEMA, jsonResponse } from '../openapi/shared-components.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { apiReadReason, auditUnmaskedList, holdsRight } from '../audit/operator-audit.ts';
import {
  decideAppealAudited,
  recordRectificationEvent,
  reRate,
  type RectificationDeps,
} from './rectification-actions.ts';
import {
  APPEAL_DECISION_BODY,
  RE_RATING_BODY,
  RECTIFICATION_EVENT_BODY,
  RECTIFICATION_QUERY,
} from './rectification-bodies.ts';
import { RECTIFICATION_STATUSES } from './rectification-lifecycle.ts';
import { rectificationPage, type RectificationListDeps } from './rectification-list.ts';
import { readRectification, readRectificationUnmasked } from './read-rectification.ts';

export type RectificationRouteDeps = RectificationDeps &
  RectificationListDeps & { evaluations: EvaluationStore; audit: AuditLog };

const route = routesFor<RectificationRouteDeps>();

export const RECTIFICATION_VIEW = {
  type: 'object',
  description: 'A rectification; free text is masked unless the reader may unmask.',
  properties: {
    rectificationId: { type: 'string' },
    caseId: { type: 'string' },
    province: { type: 'string' },
    itemCode: { type: 'string' },
    rated: { type: 'string', enum: ['handling', 'collecting'] },
    level: { type: 'integer' },
    status: { type: 'string', enum: RECTIFICATION_STATUSES },
    openedAt: { type: 'string', format: 'date-time' },
    visitDueAt: { type: 'string', format: 'date-time' },
    dueAt: { type: 'string', format: 'date-time' },
    flags: FLAGS_SCHEMA,
    calendarAssumed: { type: 'boolean' },
    reRatingDueAt: {
      type: 'string',
      format: 'date-time',
      description:
        "Once RECTIFIED or EXPLAINED: when the portal's re-rating window ends (the owner province's reRatingWindowDays natural days); not re-rated by then, it is re-rated 3 (基本满意) by default and CLOSED.",
    },
    reRating: {
      type: 'object',
      description: 'The re-rating that closed it.',
      properties: {
        level: { type: 'integer', minimum: 1, maximum: 5 },
        at: { type: 'string', format: 'date-time' },
        comment: { type: 'string', description: 'Masked unless the reader may unmask.' },
        source: {
          type: 'string',
          enum: ['applicant', 'default'],
          description:
            'applicant: the portal re-rated; default: 基本满意 recorded when the window ended without a re-rating.',
        },
      },
      required: ['level', 'at', 'source'],
    },
    visitedAt: { type: 'string', format: 'date-time', description: 'Once VISITED (回访).' },
    updatedAt: { type: 'string', format: 'date-time' },
    links: {
      type: 'object',
      properties: { self: { type: 'string' }, case: { type: 'string' } },
      required: ['self', 'case'],
    },
  },
  required: ['rectificationId', 'caseId', 'province', 'status', 'dueAt', 'flags'],
};

/** GET /v1/rectifications/{id}: the list's view, the 差评 that opened it and its history. */
const RECTIFICATION_DETAIL = {
  ...RECTIFICATION_VIEW,
  properties: {
    ...RECTIFICATION_VIEW.properties,
    evaluation: {
      type: 'object',
      description: 'The 差评 that opened it; its comment masked unless the reader may unmask.',
      properties: {
        evaluationId: { type: 'string' },
        level: { type: 'integer', minimum: 1, maximum: 5 },
        indicators: { type: ['object', 'null'] },
        comment: { type: ['string', 'null'] },
        at: { type: 'string', format: 'date-time' },
      },
    },
    history: {
      type: 'array',
      description: 'Every move, oldest first; notes masked unless the reader may unmask.',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          status: { type: 'string', enum: RECTIFICATION_STATUSES },
          actor: { type: 'string' },
          note: { type: 'string' },
        },
        required: ['at', 'status', 'actor'],
      },
    },
  },
};

const MOVED = jsonResponse('Recorded (or already recorded: duplicate).', {
  type: 'object',
  properties: {
    rectificationId: { type: 'string' },
    status: { type: 'string', enum: RECTIFICATION_STATUSES },
    duplicate: { type: 'boolean' },
  },
  // Every answer carries all three (rectification-actions.ts): a province reads `duplicate` to
  // know its retry changed nothing, as it does for a case event.
  required: ['rectificationId', 'status', 'duplicate'],
});

const param = (params: Readonly<Record<string, string>>) => String(params.rectificationId);

export const RECTIFICATION_ROUTES = [
  route({
    method: 'get',
    path: '/v1/rectifications',
    clients: ['portal', 'province', 'operator'],
    query: RECTIFICATION_QUERY,
    operation: {
      operationId: 'listRectifications',
      tags: ['evaluation'],
      summary: "Rectifications: a province its own, a portal its cases', operators all",
      description:
        'Re-rating comments are masked, except for operators holding `unmask`: a page showing ' +
        'one unmasked is appended to the audit chain (`rectification.list-unmasked`).',
      parameters: ['AuditReason'],
      responses: {
        '200': jsonResponse('One page, oldest first.', {
          type: 'object',
          properties: {
            items: { type: 'array', items: RECTIFICATION_VIEW },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        }),
      },
    },
    handler: async ({ deps, client, query, header, requestId }) => {
      const page = await rectificationPage(deps, client, query);
      // Re-rating comments are the applicant's free text: a page showing one unmasked is audited.
      if (holdsRight(client, 'unmask') && page.items.some((r) => r.reRating?.comment)) {
        await auditUnmaskedList(
          deps.audit,
          { operator: client, requestId, header },
          'rectification.list-unmasked',
          page.items.map((r) => r.rectificationId),
        );
      }
      return { status: 200, body: page };
    },
  }),
  route({
    method: 'get',
    path: '/v1/rectifications/:rectificationId',
    clients: ['portal', 'province', 'operator'],
    operation: {
      operationId: 'readRectification',
      tags: ['evaluation'],
      summary: 'A rectification with its history and the 差评 (404 to clients that may not see it)',
      description:
        'Free text is masked, except for operators holding `unmask`: their read is appended ' +
        'to the audit chain (`rectification.read-unmasked`) with `X-Gw-Reason` as its reason.',
      parameters: ['RectificationId', 'AuditReason'],
      responses: { '200': jsonResponse('The rectification.', RECTIFICATION_DETAIL) },
      problems: [404],
    },
    handler: async ({ deps, client, params, header, requestId, log }) => {
      // An operator holding unmask reads the comment and notes in clear: audited, like a case.
      const body = holdsRight(client, 'unmask')
        ? await readRectificationUnmasked(
            deps,
            { operator: client, requestId, reason: apiReadReason(header), log },
            param(params),
          )
        : await readRectification(deps, client, param(params), log);
      return { status: 200, body };
    },
  }),
  route({
    method: 'post',
    path: '/v1/rectifications/:rectificationId/events',
    clients: ['province'],
    body: RECTIFICATION_EVENT_BODY,
    operation: {
      operationId: 'postRectificationEvent',
      tags: ['evaluation'],
      summary:
        'Report a rectification step (the owner province): visited, rectified, explained, appealed',
      description:
        'visited (回访) first, then rectified or explained; appealed (申诉复核) from OPEN or VISITED, decided by an operator. The same body twice is applied once (200, duplicate: true), so a step whose answer was lost is sent again as it was. 409 GW_ILLEGAL_TRANSITION: a step out of order. 404 GW_RECTIFICATION_NOT_FOUND: not a rectification of your province.',
      parameters: ['RectificationId'],
      responses: { '200': MOVED },
      problems: [404, 409],
    },
    handler: ({ deps, client, params, body }) =>
      recordRectificationEvent(deps, client, param(params), body),
  }),
  route({
    method: 'post',
    path: '/v1/rectifications/:rectificationId/appeal-decision',
    clients: ['operator'],
    right: 'appeal',
    action: 'rectification.appeal-decision',
    body: APPEAL_DECISION_BODY,
    operation: {
      operationId: 'decideRectificationAppeal',
      tags: ['evaluation'],
      summary: 'Decide an appeal (申诉复核; operators with the appeal right)',
      parameters: ['RectificationId'],
      responses: { '200': MOVED },
      problems: [404, 409],
    },
    handler: ({ deps, client, params, body, requestId }) =>
      decideAppealAudited(deps, {
        operator: client,
        rectificationId: param(params),
        body,
        requestId,
      }),
  }),
  route({
    method: 'post',
    path: '/v1/rectifications/:rectificationId/re-rating',
    clients: ['portal'],
    body: RE_RATING_BODY,
    operation: {
      operationId: 'reRateRectification',
      tags: ['evaluation'],
      summary:
        "The applicant's re-rating of a rectified or explained 差评 (the case's portal); closes it",
      description:
        "Within the owner province's re-rating window (`reRatingDueAt` on the rectification); once it ended, the gateway re-rates 3 (基本满意) by default and closes it, and a later re-rating is 409 GW_ILLEGAL_TRANSITION like any re-rating of a closed one — also one sent before the worker's pass recorded the default: the request records it then.",
      parameters: ['RectificationId'],
      responses: { '200': MOVED },
      problems: [404, 409],
    },
    handler: ({ deps, client, params, body }) => reRate(deps, client, param(params), body),
  }),
];
