// The operator rows of the route table: dead letters and their replay.
import { routesFor } from '../http/api-route.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import { listDeadLetters, replayDeadLetter, type DeadLetterDeps } from './dead-letters.ts';

const route = routesFor<DeadLetterDeps>();

export const ADMIN_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/dead-letters',
    clients: ['operator'],
    operation: {
      operationId: 'listDeadLetters',
      tags: ['admin'],
      summary: 'Cases whose delivery failed (operators)',
      responses: { '200': jsonResponse('Dead letters.', schemaRef('DeadLetterList')) },
    },
    handler: async ({ deps }) => ({
      status: 200,
      body: { items: await listDeadLetters(deps.store) },
    }),
  }),
  route({
    method: 'post',
    path: '/v1/admin/dead-letters/:caseId/replay',
    clients: ['operator'],
    right: 'replay',
    operation: {
      operationId: 'replayDeadLetter',
      tags: ['admin'],
      summary: 'Queue a failed delivery again (operators with the replay right)',
      parameters: ['CaseId'],
      responses: {
        '200': jsonResponse('Queued again.', {
          type: 'object',
          properties: { caseId: {}, status: schemaRef('CaseStatus') },
        }),
      },
      problems: [404, 409],
    },
    handler: async ({ deps, client, params }) => ({
      status: 200,
      body: await replayDeadLetter(deps, String(params.caseId), client.id),
    }),
  }),
];
