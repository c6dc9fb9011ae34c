// The 好差评 rows of the route table (gateway/README.md#evaluations): the portal's evaluation of a
// closed case, and the evaluation statistics (counts and rates, no personal data).
import { routesFor } from '../http/api-route.ts';
import { headerRef, jsonResponse } from '../openapi/shared-components.ts';
import { EVALUATION_BODY } from './evaluation.ts';
import {
  EVALUATION_STATS_QUERY,
  evaluationStats,
  type EvaluationStatsDeps,
} from './evaluation-stats.ts';
import { submitEvaluation, type EvaluationDeps } from './submit-evaluation.ts';

export type EvaluationRouteDeps = EvaluationDeps & EvaluationStatsDeps;

const route = routesFor<EvaluationRouteDeps>();

const COUNT = { type: 'integer', minimum: 0 };
const RATE = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const counts = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, COUNT]));
// The figures of evaluation-stats.ts, each named, so a generated client has them.
const RATES = {
  type: 'object',
  description:
    '好评率 goodRate, 差评数 badCount, 回访率 rectifications.visitRate, 整改率 rectifications.rectifyRate (null when nothing to divide). defaultRatings: evaluations recorded 基本满意 by default; rectifications.reRated counts every re-rating, rectifications.defaultReRatings those recorded 基本满意 by default when the re-rating window ended.',
  properties: {
    evaluations: COUNT,
    levels: { type: 'object', properties: counts(['1', '2', '3', '4', '5']) },
    defaultRatings: COUNT,
    goodRate: RATE,
    badCount: COUNT,
    voided: COUNT,
    rectifications: {
      type: 'object',
      properties: {
        ...counts(['opened', 'visited', 'rectified', 'explained', 'appealed', 'appealsUpheld']),
        ...counts(['reRated', 'reRatedGood', 'defaultReRatings']),
        visitRate: RATE,
        rectifyRate: RATE,
      },
    },
  },
};
const ratesBy = (key: string) => ({
  ...RATES,
  properties: { [key]: { type: 'string' }, ...RATES.properties },
  required: [key],
});
const FILTERS = {
  type: 'object',
  properties: Object.fromEntries(
    ['province', 'itemCode', 'from', 'to'].map((n) => [n, { type: ['string', 'null'] }]),
  ),
};

export const EVALUATION_ROUTES = [
  route({
    method: 'post',
    path: '/v1/cases/:caseId/evaluations',
    clients: ['portal'],
    body: EVALUATION_BODY,
    operation: {
      operationId: 'evaluateCase',
      tags: ['evaluation'],
      summary: 'Rate a closed case (the submitting portal, for its applicant)',
      description:
        "One evaluation per case and rated party, within the rated province's window after CLOSED " +
        '(default 7 days). Level 1–2 (差评) opens a rectification. The same Idempotency-Key and ' +
        'body replays the 201 with `Idempotent-Replayed: true`.',
      parameters: ['CaseId', 'IdempotencyKey'],
      responses: {
        '201': jsonResponse(
          'Recorded.',
          {
            type: 'object',
            properties: {
              evaluationId: { type: 'string' },
              caseId: { type: 'string' },
              rated: { type: 'string', enum: ['handling', 'collecting'] },
              level: { type: 'integer', minimum: 1, maximum: 5 },
              at: {
                type: 'string',
                format: 'date-time',
                description:
                  'When the rating was recorded (the case view shows the same). A replay of a 201 recorded before this member existed has none.',
              },
              rectification: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  status: { type: 'string' },
                  visitDueAt: { type: 'string', format: 'date-time' },
                  dueAt: { type: 'string', format: 'date-time' },
                  links: { type: 'object', properties: { self: { type: 'string' } } },
                },
                required: ['id', 'status', 'visitDueAt', 'dueAt', 'links'],
              },
            },
            required: ['evaluationId', 'caseId', 'level', 'rated'],
          },
          { 'Idempotent-Replayed': headerRef('IdempotentReplayed') },
        ),
      },
      problems: [404, 409, 422],
    },
    handler: ({ deps, client, params, body, header }) =>
      submitEvaluation(deps, {
        client,
        caseId: String(params.caseId),
        idempotencyKey: header('idempotency-key'),
        body,
      }),
  }),
  route({
    method: 'get',
    path: '/v1/stats/evaluations',
    clients: ['portal', 'province', 'operator'],
    query: EVALUATION_STATS_QUERY,
    operation: {
      operationId: 'evaluationStats',
      tags: ['evaluation'],
      summary: '好差评 statistics by province, item and rated party (counts and rates only)',
      responses: {
        '200': jsonResponse('Counts and rates.', {
          type: 'object',
          properties: {
            filters: FILTERS,
            totals: RATES,
            byProvince: { type: 'array', items: ratesBy('province') },
            byItem: { type: 'array', items: ratesBy('itemCode') },
            byRated: { type: 'array', items: ratesBy('rated') },
          },
        }),
      },
    },
    handler: async ({ deps, query }) => ({ status: 200, body: await evaluationStats(deps, query) }),
  }),
];
