// The operator rows of the route table: dead letters in cursor pages and their (audited) replay.
import { routesFor } from '../http/api-route.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditUnmaskedList, holdsRight } from '../audit/operator-audit.ts';
import { UNREADABLE_FAILURE_REASON } from '../cases/failure-reason.ts';
import { pageLimit } from '../http/cursor.ts';
import type { RoutingContext } from '../routing/route-decision.ts';
import { GatewayError } from '../shared/errors.ts';
import { BULK_REPLAY_BODY, DEAD_LETTER_QUERY } from './dead-letter-bodies.ts';
import { bulkReplayAnswer } from './bulk-replay-answer.ts';
import { replayDeadLettersInBulk } from './dead-letter-bulk-replay.ts';
import {
  deadLetterCursor,
  deadLetterPage,
  deadLetterPosition,
  SCAN_BUDGET,
} from './dead-letter-page.ts';
import { replayDeadLetterAudited, type DeadLetterDeps } from './dead-letters.ts';

const route = routesFor<
  DeadLetterDeps & { audit: AuditLog; routing: Pick<RoutingContext, 'routes'> }
>();

/** The adapter asked for, if the route table knows it; else 400 at `pointer` (nothing can match). */
export function knownAdapter(
  routing: Pick<RoutingContext, 'routes'>,
  adapter: string | undefined,
  pointer = '/query/adapter',
): string | undefined {
  if (adapter === undefined || routing.routes.adapters().includes(adapter)) return adapter;
  throw new GatewayError('GW_INVALID_PARAMETER', {
    errors: [
      {
        path: pointer,
        message: 'is not an adapter of the route table',
        messageZh: '不是路由表中的接入通道',
      },
    ],
  });
}

export const ADMIN_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/dead-letters',
    clients: ['operator'],
    query: DEAD_LETTER_QUERY,
    operation: {
      operationId: 'listDeadLetters',
      tags: ['admin'],
      summary: 'Cases whose delivery failed, oldest failure first, in cursor pages (operators)',
      description:
        'Pass `nextCursor` back as `cursor` for the next page; null means the end. The cursor is ' +
        'a position (when the delivery failed, and the case id), so letters replayed or added ' +
        'between pages neither repeat nor skip one. `adapter` and `kind` filter (from an index ' +
        'of each adapter and kind, so a filtered page passes no other letter). A page skips a ' +
        `letter whose case moved on while it was read and reads at most ${SCAN_BUDGET}, so it ` +
        'may hold fewer than `limit` items and still carry a cursor. ' +
        "Each failure reason (the province client's error text, sealed at rest) is masked, " +
        'except for operators holding `unmask`: a page showing one unmasked is appended to the ' +
        'audit chain (`dead-letter.list-unmasked`) with `X-Gw-Reason` as its reason.',
      parameters: ['AuditReason'],
      responses: { '200': jsonResponse('One page.', schemaRef('DeadLetterList')) },
    },
    handler: async ({ deps, client, log, header, requestId, query }) => {
      const unmasked = holdsRight(client, 'unmask');
      const page = await deadLetterPage(
        deps.store,
        { unmasked, log },
        {
          adapter: knownAdapter(deps.routing, query.adapter),
          kind: query.kind,
          after: deadLetterPosition(query.cursor),
          limit: pageLimit(query.limit),
        },
      );
      const { items } = page;
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
      return { status: 200, body: { items, nextCursor: deadLetterCursor(page.next) } };
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
  route({
    method: 'post',
    path: '/v1/admin/dead-letters/replay',
    clients: ['operator'],
    right: 'replay',
    action: 'dead-letter.replay-bulk',
    body: BULK_REPLAY_BODY,
    operation: {
      operationId: 'replayDeadLettersInBulk',
      tags: ['admin'],
      summary: 'Queue the oldest dead letters of one adapter and kind again (replay right)',
      description:
        'Replays up to `limit` (≤ 200) dead letters of `adapter` and `kind`, oldest failure ' +
        'first, each as POST /v1/admin/dead-letters/{caseId}/replay does (its history entry, ' +
        'its `dead-letter.replay` audit entry); the batch is audited as ' +
        '`dead-letter.replay-bulk`. A case replayed by someone else meanwhile is listed in ' +
        '`skipped` with its code (GW_ILLEGAL_TRANSITION), not an error. Call again until ' +
        '`remaining` is 0. Kind `refused` is 422 GW_BULK_REPLAY_REFUSED at /kind: the province ' +
        'would refuse the same cases again; replay those one by one after checking.',
      responses: {
        '200': jsonResponse('The batch.', bulkReplayAnswer('caseId')),
      },
    },
    handler: async ({ deps, client, body, requestId, log }) => {
      knownAdapter(deps.routing, body.adapter, '/adapter');
      return {
        status: 200,
        body: await replayDeadLettersInBulk(deps, {
          operator: client,
          requestId,
          log,
          adapter: body.adapter,
          kind: body.kind,
          limit: body.limit,
        }),
      };
    },
  }),
];
