// The 督办 rows of the route table (gateway/README.md#supervision-engine): the notices a province
// must act on (its own; operators see every province's, escalations included) and the live
// supervision statistics.
import type { FromSchema } from 'json-schema-to-ts';
import { decodeCursor, encodeCursor, pageLimit, PAGE_QUERY_PROPERTIES } from '../http/cursor.ts';
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import type { SupervisionBoard } from './supervision-board.ts';
import { NOTICE_ID } from './supervision-notice.ts';
import { SUPERVISION_STATS_QUERY, supervisionStats } from './supervision-stats.ts';

const NOTICE_QUERY_SCHEMA = { type: 'object', properties: PAGE_QUERY_PROPERTIES } as const;
const NOTICE_QUERY: RequestContract<FromSchema<typeof NOTICE_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'NoticeQuery',
  schema: NOTICE_QUERY_SCHEMA,
};

const NOTICE = {
  type: 'object',
  description: '预警 (warning), 催办 (urge: overdue) or 通报 (escalation). No personal data.',
  properties: {
    noticeId: { type: 'string' },
    type: { type: 'string', enum: ['warning', 'urge', 'escalation'] },
    flag: { type: 'string', enum: ['warning', 'overdue', 'escalated'] },
    subject: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['case', 'rectification'] },
        id: { type: 'string' },
      },
      required: ['kind', 'id'],
    },
    caseId: { type: 'string' },
    itemCode: { type: 'string' },
    province: { type: 'string' },
    dueAt: { type: 'string', format: 'date-time' },
    at: { type: 'string', format: 'date-time' },
    message: { type: 'string' },
    messageZh: { type: 'string' },
  },
  // Every notice carries every member (SupervisionNotice, supervision-notice.ts); a member left
  // optional here is one a generated client makes the province test for.
  required: [
    'noticeId',
    'type',
    'flag',
    'subject',
    'caseId',
    'itemCode',
    'province',
    'dueAt',
    'at',
    'message',
    'messageZh',
  ],
};

const count = (description: string) => ({ type: 'integer', minimum: 0, description });
const STATE_COUNTS = {
  type: 'object',
  properties: {
    open: count('Supervised now.'),
    warning: count(
      'Carrying the warning flag, overdue ones included: a flag is never lowered, so an overdue subject keeps its warning.',
    ),
    warningOnly: count(
      'Warned and not yet overdue (warning less overdue): what the console shows as 预警.',
    ),
    overdue: count('Past the due time, escalated ones included.'),
    escalated: count('Escalated (通报), still open after the escalation days.'),
  },
};
/** A row of byProvince or byItem: the counts and the province or item they count. */
const countsBy = (key: 'province' | 'itemCode') => ({
  type: 'object',
  properties: { [key]: { type: 'string' }, ...STATE_COUNTS.properties },
  required: [key],
});
const SECTION = {
  type: 'object',
  properties: {
    totals: STATE_COUNTS,
    byProvince: { type: 'array', items: countsBy('province') },
    byItem: { type: 'array', items: countsBy('itemCode') },
  },
};

const route = routesFor<{ board: SupervisionBoard }>();

export const SUPERVISION_ROUTES = [
  route({
    method: 'get',
    path: '/v1/supervision/notices',
    clients: ['province', 'operator'],
    query: NOTICE_QUERY,
    operation: {
      operationId: 'listSupervisionNotices',
      tags: ['supervision'],
      summary: "督办 notices: a province its own, operators every province's",
      description: 'Oldest first; keep the last nextCursor and ask again to read only what is new.',
      responses: {
        '200': jsonResponse('One page of notices.', {
          type: 'object',
          properties: {
            items: { type: 'array', items: NOTICE },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        }),
      },
    },
    handler: async ({ deps, client, query }) => {
      const after = decodeCursor(query.cursor, NOTICE_ID);
      const province = client.kind === 'province' ? (client.province ?? '') : undefined;
      const page = await deps.board.notices(province, after, pageLimit(query.limit));
      // A page that was not full ends the list for now; its last id is where to look next time.
      const next = page.lastId ?? after;
      return {
        status: 200,
        body: { items: page.notices, nextCursor: next ? encodeCursor(next) : null },
      };
    },
  }),
  route({
    method: 'get',
    path: '/v1/stats/supervision',
    clients: ['portal', 'province', 'operator'],
    query: SUPERVISION_STATS_QUERY,
    operation: {
      operationId: 'supervisionStats',
      tags: ['supervision'],
      summary:
        'Open, warning, overdue and escalated cases and rectifications now, by province and item',
      description:
        'warning counts every subject carrying the warning flag, the overdue ones too; warningOnly those warned and not yet overdue.',
      responses: {
        '200': jsonResponse('Counts only, no personal data.', {
          type: 'object',
          properties: {
            filters: {
              type: 'object',
              properties: {
                province: { type: ['string', 'null'] },
                itemCode: { type: ['string', 'null'] },
              },
            },
            cases: SECTION,
            rectifications: SECTION,
          },
        }),
      },
    },
    handler: async ({ deps, query }) => ({
      status: 200,
      body: await supervisionStats(deps.board, query),
    }),
  }),
];
