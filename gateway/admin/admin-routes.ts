// The operator rows of the route table: dead letters and their (audited) replay.
import { routesFor } from '../http/api-route.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditUnmaskedList, holdsRight } from '../audit/operator-audit.ts';
import { UNREADABLE_FAILURE_REASON } from '../cases/failure-reason.ts';
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
      description:
        "Each failure reason (the province client's error text, sealed at rest) is masked, " +
        'except for operators holding `unmask`: a list showing one unmasked is appended to the ' +
        'audit chain (`dead-letter.list-unmasked`) with `X-Gw-Reason` as its reason.',
      parameters: ['AuditReason'],
      responses: { '200': jsonResponse('Dead letters.', schemaRef('DeadLetterList')) },
    },
    handler: async ({ deps, client, log, header, requestId }) => {
      const unmasked = holdsRight(client, 'unmask');
      const items = await listDeadLetters(deps.store, { unmasked, log });
      // A reason may quote the applicant: a list showing one unmasked is audited, as a case read.
      const shown = items.filter((d) => d.reason && d.reason !== UNREADABLE_FAILURE_REASON);
      if (unmasked && shown.length > 0) {
        await auditUnmaskedList(
          deps.audit,
          { operator: client, requestId, header },
          'dead-letter.list-unmasked',
          shown.map((d) => d.caseId),
        );
      }
      return { status: 200, body: { items } };
    },
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
