// The operator rows for failed portal callbacks (gateway/README.md#failed-callbacks), beside the
// dead letters' and in their shapes: a cursor-paged list, the (audited) replay of one, and the
// replay of every callback failed up to a time in batches.
import type { FromSchema } from 'json-schema-to-ts';
import { routesFor } from '../http/api-route.ts';
import { MAX_PAGE, PAGE_QUERY_PROPERTIES, pageLimit } from '../http/cursor.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import { bulkReplayAnswer } from './bulk-replay-answer.ts';
import {
  replayFailedCallbackAudited,
  replayFailedCallbacksInBulk,
  type FailedCallbackDeps,
} from '../callbacks/failed-callback-replay.ts';
import {
  failedCallbackCursor,
  failedCallbackPage,
  failedCallbackPosition,
} from '../callbacks/failed-callbacks.ts';

const route = routesFor<FailedCallbackDeps & { now: () => Date }>();

const LIST_QUERY_SCHEMA = { type: 'object', properties: { ...PAGE_QUERY_PROPERTIES } } as const;
const LIST_QUERY: RequestContract<FromSchema<typeof LIST_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'FailedCallbackQuery',
  schema: LIST_QUERY_SCHEMA,
};

const BULK_SCHEMA = {
  type: 'object',
  description: 'Replay the oldest `limit` callbacks that failed at or before `failedBefore`.',
  properties: {
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE,
      description: `How many to replay, 1–${MAX_PAGE}.`,
    },
    failedBefore: {
      type: 'string',
      format: 'date-time',
      // RFC 3339's own grammar (ajv-formats also takes a space for the `T`), so it always parses.
      pattern:
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$',
      maxLength: 40,
      description:
        "Only callbacks failed at or before this time (default: now). Send back the first answer's " +
        '`failedBefore` with each further batch, so callbacks failing again meanwhile are not taken.',
    },
  },
  // `limit` is asked for, so an empty body (a client that meant something else) replays nothing.
  required: ['limit'],
  additionalProperties: false,
} as const;
const BULK_BODY: RequestContract<FromSchema<typeof BULK_SCHEMA>> = {
  in: 'body',
  component: 'FailedCallbackBulkReplay',
  schema: BULK_SCHEMA,
};

const FAILED_CALLBACK = {
  type: 'object',
  description:
    'A portal callback that failed for good: its last error masked, its URL reduced to the host.',
  properties: {
    id: { type: 'string', description: 'The job id naming the callback.' },
    caseId: { type: 'string' },
    portal: { type: 'string', description: 'The portal client it is posted for.' },
    type: { type: 'string', description: '`status`, `supervision` or `rectification`.' },
    status: { type: 'string', description: 'A status callback’s status.' },
    sequence: { type: 'integer', description: 'A status callback’s sequence.' },
    host: { type: 'string', description: 'The callback URL’s host (never its path or query).' },
    failedAt: { type: 'string', format: 'date-time' },
    attempts: { type: 'integer', description: 'Attempts made before it failed.' },
    lastError: { type: 'string', description: 'The last attempt’s error, masked.' },
  },
  required: ['id', 'caseId', 'portal', 'type', 'failedAt', 'attempts', 'lastError'],
} as const;

export const FAILED_CALLBACK_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/failed-callbacks',
    clients: ['operator'],
    query: LIST_QUERY,
    operation: {
      operationId: 'listFailedCallbacks',
      tags: ['admin'],
      summary: 'Portal callbacks that failed for good, oldest failure first, in cursor pages',
      description:
        "The `callbacks` queue's failed set (kept 7 days). Pass `nextCursor` back as `cursor`; " +
        'null means the end. The cursor is a position (when it failed, and its id), so callbacks ' +
        'replayed between pages neither repeat nor skip one; one replayed while the page is read ' +
        'is left out, so a page may hold fewer than `limit` items and still carry a cursor.',
      responses: {
        '200': jsonResponse('One page.', {
          type: 'object',
          properties: {
            items: { type: 'array', items: FAILED_CALLBACK },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        }),
      },
    },
    handler: async ({ deps, query }) => {
      const page = await failedCallbackPage(deps.callbacks, {
        after: failedCallbackPosition(query.cursor),
        limit: pageLimit(query.limit),
      });
      return {
        status: 200,
        body: { items: page.items, nextCursor: failedCallbackCursor(page.next) },
      };
    },
  }),
  route({
    method: 'post',
    path: '/v1/admin/failed-callbacks/:callbackId/replay',
    clients: ['operator'],
    right: 'replay',
    action: 'callback.replay',
    operation: {
      operationId: 'replayFailedCallback',
      tags: ['admin'],
      summary: 'Queue a failed portal callback again, with all its attempts (replay right)',
      description:
        'The callback is put back in line with its attempts reset (8, with their backoff), and ' +
        'posts the body it had, signed afresh. Audited as `callback.replay` of its id. 404 for ' +
        'no callback of that id; 409 GW_ILLEGAL_TRANSITION for one that is not failed (replayed ' +
        'already, or delivered).',
      responses: {
        '200': jsonResponse('Queued again.', {
          type: 'object',
          properties: {
            id: { type: 'string' },
            caseId: { type: 'string' },
            attempts: { type: 'integer' },
          },
          required: ['id', 'caseId', 'attempts'],
        }),
      },
      problems: [404, 409],
    },
    handler: async ({ deps, client, params, requestId }) => ({
      status: 200,
      body: await replayFailedCallbackAudited(deps, {
        id: String(params.callbackId),
        operator: client,
        requestId,
      }),
    }),
  }),
  route({
    method: 'post',
    path: '/v1/admin/failed-callbacks/replay',
    clients: ['operator'],
    right: 'replay',
    action: 'callback.replay-bulk',
    body: BULK_BODY,
    operation: {
      operationId: 'replayFailedCallbacksInBulk',
      tags: ['admin'],
      summary: 'Queue the oldest failed portal callbacks again (replay right)',
      description:
        'Replays `limit` (≤ 200) of the callbacks failed at or before `failedBefore`, oldest ' +
        'first, each as POST /v1/admin/failed-callbacks/{callbackId}/replay does (its ' +
        '`callback.replay` audit entry); the batch is audited as `callback.replay-bulk`. One ' +
        'replayed by someone else meanwhile is listed in `skipped` with its code. Call again with ' +
        'the answer’s `failedBefore` until `remaining` is 0.',
      responses: {
        '200': jsonResponse(
          'The batch.',
          bulkReplayAnswer('id', { failedBefore: { type: 'string', format: 'date-time' } }),
        ),
      },
    },
    handler: async ({ deps, client, body, requestId }) => ({
      status: 200,
      body: await replayFailedCallbacksInBulk(deps, {
        operator: client,
        requestId,
        now: deps.now,
        limit: body.limit,
        ...(body.failedBefore === undefined ? {} : { failedBefore: body.failedBefore }),
      }),
    }),
  }),
];
