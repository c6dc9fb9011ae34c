// The dead-letter list's query and the bulk replay's body (gateway/README.md#dead-letters), each
// written once as a JSON Schema: checked at the edge (a bad one is 400 at /query/… or 422 at
// /body/…), published in OpenAPI, typed through json-schema-to-ts.
import type { FromSchema } from 'json-schema-to-ts';
import { FAILURE_KINDS } from '../cases/failure-kind.ts';
import { MAX_PAGE, PAGE_QUERY_PROPERTIES } from '../http/cursor.ts';
import type { RequestContract } from '../http/request-contract.ts';

/** An adapter id's shape; whether the route table knows it is checked by the handler. */
const ADAPTER = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' } as const;
const KIND_DESCRIPTION =
  'refused (the province refused for good), gave-up (retries exhausted: the province was down), ' +
  'unreadable (the data key that sealed the case is not listed), other.';

export const DEAD_LETTER_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    adapter: { ...ADAPTER, description: 'Only dead letters of this adapter (e.g. yn).' },
    kind: {
      type: 'string',
      enum: FAILURE_KINDS,
      description: `Only this kind: ${KIND_DESCRIPTION}`,
    },
    ...PAGE_QUERY_PROPERTIES,
  },
} as const;
export type DeadLetterQuery = FromSchema<typeof DEAD_LETTER_QUERY_SCHEMA>;

export const DEAD_LETTER_QUERY: RequestContract<DeadLetterQuery> = {
  in: 'query',
  component: 'DeadLetterQuery',
  schema: DEAD_LETTER_QUERY_SCHEMA,
};

export const BULK_REPLAY_SCHEMA = {
  type: 'object',
  description:
    'Replay the oldest `limit` dead letters of one adapter and kind. Kind `refused` is refused ' +
    '(422 GW_BULK_REPLAY_REFUSED): the province would refuse the same cases again.',
  properties: {
    adapter: ADAPTER,
    kind: { type: 'string', enum: FAILURE_KINDS, description: KIND_DESCRIPTION },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE,
      description: `How many to replay, 1–${MAX_PAGE} (default ${MAX_PAGE}).`,
    },
  },
  required: ['adapter', 'kind'],
  additionalProperties: false,
} as const;
export type BulkReplayBody = FromSchema<typeof BULK_REPLAY_SCHEMA>;

export const BULK_REPLAY_BODY: RequestContract<BulkReplayBody> = {
  in: 'body',
  component: 'DeadLetterBulkReplay',
  schema: BULK_REPLAY_SCHEMA,
};
