// The data-key rows of the route table (gateway/README.md#key-rotation): the census of the keys
// the cases are sealed under, and the re-seal under the current key, a page per request, for
// operators with the `data-keys` right; each page audited (data-keys.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import {
  DATA_KEY_PAGE_DEFAULT,
  DATA_KEY_PAGE_MAX,
  censusAudited,
  resealAudited,
  type DataKeyDeps,
} from './data-keys.ts';

const route = routesFor<DataKeyDeps>();

const DATA_KEY_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    cursor: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,64}$',
      description: "The previous page's nextCursor (absent: from the start).",
    },
    limit: {
      type: 'string',
      pattern: '^(1000|[1-9][0-9]{0,2})$',
      description: `How many keys the page asks each Redis's SCAN for, 1–${DATA_KEY_PAGE_MAX} (default ${DATA_KEY_PAGE_DEFAULT}); a page holds about as many cases or fewer.`,
    },
  },
  additionalProperties: false,
} as const;

const DATA_KEY_QUERY: RequestContract<FromSchema<typeof DATA_KEY_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'DataKeyPageQuery',
  schema: DATA_KEY_QUERY_SCHEMA,
};

const COUNTS = {
  type: 'object',
  description: 'Key id → records sealed under it; `(unrecognised)` for bytes that name no key.',
  additionalProperties: { type: 'integer', minimum: 0 },
} as const;
const CURSOR = {
  type: ['string', 'null'],
  description: 'Pass back as `cursor` for the next page; null: every case has been seen.',
} as const;

export const DATA_KEY_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/data-keys/census',
    clients: ['operator'],
    right: 'data-keys',
    action: 'data-keys.census',
    query: DATA_KEY_QUERY,
    operation: {
      operationId: 'dataKeyCensus',
      tags: ['admin'],
      summary:
        'Count the stored envelopes, results, failure reasons, comments, history notes and callback results sealed under each data key, a page at a time (operators with data-keys; audited)',
      description:
        'Reads the key id in each sealed header, never opens anything: case envelopes, ' +
        'results and delivery failure reasons, evaluation and re-rating comments, the sealed notes of case and rectification ' +
        "histories, the case results sealed in status callbacks' jobs (kept 7 days when they failed for good). Sum the pages until `nextCursor` is null: " +
        'a listed key with no record and not current can be removed from GW_DATA_KEYS.',
      responses: {
        '200': jsonResponse('One page of the census.', {
          type: 'object',
          properties: {
            currentKeyId: { type: 'string' },
            listedKeyIds: { type: 'array', items: { type: 'string' } },
            cases: { type: 'integer', minimum: 0 },
            envelopes: COUNTS,
            results: COUNTS,
            clearResults: {
              type: 'integer',
              minimum: 0,
              description: 'Results stored in clear before results were sealed.',
            },
            comments: COUNTS,
            notes: COUNTS,
            failureReasons: COUNTS,
            clearFailureReasons: {
              type: 'integer',
              minimum: 0,
              description: 'Delivery failure reasons stored in clear before they were sealed.',
            },
            callbackResults: {
              ...COUNTS,
              description:
                "Case results sealed in status callbacks' jobs (waiting, retrying or failed for good), by key id.",
            },
            clearCallbackResults: {
              type: 'integer',
              minimum: 0,
              description:
                'Status callback jobs queued by a gateway of the previous version, the result in clear (failed for good before the upgrade, until replayed).',
            },
            nextCursor: CURSOR,
          },
          required: [
            'currentKeyId',
            'listedKeyIds',
            'cases',
            'envelopes',
            'results',
            'clearResults',
            'comments',
            'notes',
            'failureReasons',
            'clearFailureReasons',
            'callbackResults',
            'clearCallbackResults',
            'nextCursor',
          ],
        }),
      },
    },
    handler: async ({ deps, query, client, requestId }) => ({
      status: 200,
      body: await censusAudited(deps, { ...query, operator: client, requestId }),
    }),
  }),
  route({
    method: 'post',
    path: '/v1/admin/data-keys/reseal',
    clients: ['operator'],
    right: 'data-keys',
    action: 'data-keys.reseal',
    query: DATA_KEY_QUERY,
    operation: {
      operationId: 'resealDataKeys',
      tags: ['admin'],
      summary:
        "Re-seal under the current data key the records of the next page sealed under another, or a result or failure reason in clear (a case's or a status callback job's) (operators with data-keys; audited)",
      description:
        'Each case is replaced by a compare-and-set: a record written meanwhile is read again, ' +
        'never overwritten. A record that does not open here is listed in `unreadable` and left ' +
        'as it is. Idempotent: run again from the start until every page re-seals nothing.',
      responses: {
        '200': jsonResponse('One page of the re-seal.', {
          type: 'object',
          properties: {
            currentKeyId: { type: 'string' },
            cases: { type: 'integer', minimum: 0 },
            resealed: {
              type: 'object',
              properties: {
                envelopes: { type: 'integer', minimum: 0 },
                results: { type: 'integer', minimum: 0 },
                comments: { type: 'integer', minimum: 0 },
                notes: { type: 'integer', minimum: 0 },
                failureReasons: { type: 'integer', minimum: 0 },
                callbackResults: { type: 'integer', minimum: 0 },
              },
              required: [
                'envelopes',
                'results',
                'comments',
                'notes',
                'failureReasons',
                'callbackResults',
              ],
            },
            sealedClearResults: { type: 'integer', minimum: 0 },
            sealedClearFailureReasons: { type: 'integer', minimum: 0 },
            sealedClearCallbackResults: {
              type: 'integer',
              minimum: 0,
              description:
                "Results in clear in status callbacks' jobs of the previous version, sealed.",
            },
            unreadable: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: {
                    type: 'string',
                    description:
                      "The case id; a rectification's for a re-rating comment; a callback's job id for a callback result.",
                  },
                  record: {
                    type: 'string',
                    enum: [
                      'envelope',
                      'result',
                      'failure-reason',
                      'evaluation-comment',
                      're-rating-comment',
                      'history-note',
                      'callback-result',
                    ],
                  },
                  problem: {
                    type: 'string',
                    enum: ['format', 'unknown-key', 'tampered', 'corrupt'],
                  },
                  keyId: { type: 'string' },
                },
                required: ['id', 'record', 'problem'],
              },
            },
            changed: {
              type: 'array',
              items: { type: 'string' },
              description:
                'Cases (rectifications, callback jobs) that kept changing under the re-seal: run it again.',
            },
            nextCursor: CURSOR,
          },
          required: [
            'currentKeyId',
            'cases',
            'resealed',
            'sealedClearResults',
            'sealedClearFailureReasons',
            'sealedClearCallbackResults',
            'unreadable',
            'changed',
            'nextCursor',
          ],
        }),
      },
    },
    handler: async ({ deps, query, client, requestId }) => ({
      status: 200,
      body: await resealAudited(deps, { ...query, operator: client, requestId }),
    }),
  }),
];
