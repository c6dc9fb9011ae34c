// The operator rows of the route table: dead letters and their (audited) replay.
import { routesFor } from '../http/api-route.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { listDeadLetters, replayDeadLetterAudited, type DeadLetterDeps } from './dead-letters.ts';

const route = routesFor<DeadLetterDeps & { audit: AuditLog }>();

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
    action: 'dead-letter.replay',
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
    handler: async ({ deps, client, params, requestId }) => ({
      status: 200,
      body: await replayDeadLetterAudited(deps, {
        caseId: String(params.caseId),
        operator: client,
        requestId,
      }),
    }),
  }),
];
