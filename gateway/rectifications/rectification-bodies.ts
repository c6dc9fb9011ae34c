// The request bodies of the rectification endpoints (gateway/README.md#rectification-lifecycle),
// each written once as a JSON Schema: checked at the edge, published in OpenAPI, typed through
// json-schema-to-ts.
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';
import { PAGE_QUERY_PROPERTIES } from '../http/cursor.ts';
import {
  APPEAL_DECISIONS,
  RECTIFICATION_EVENT_TYPES,
  RECTIFICATION_STATUSES,
} from './rectification-lifecycle.ts';

const NOTE = { type: 'string', minLength: 1, maxLength: 500 } as const;

export const RECTIFICATION_EVENT_SCHEMA = {
  type: 'object',
  description:
    'A province reports progress: visited (回访 done), rectified, explained, or appealed (申诉复核).',
  properties: {
    type: { type: 'string', enum: RECTIFICATION_EVENT_TYPES },
    note: { ...NOTE, description: 'What was done or why; masked when shown.' },
  },
  required: ['type', 'note'],
  additionalProperties: false,
} as const;
export type RectificationEvent = FromSchema<typeof RECTIFICATION_EVENT_SCHEMA>;

export const RE_RATING_SCHEMA = {
  type: 'object',
  description: "The applicant's rating of the rectification (1–5); closes it.",
  properties: {
    level: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { ...NOTE, description: 'Free text; masked when shown, never in statistics.' },
  },
  required: ['level'],
  additionalProperties: false,
} as const;
export type ReRating = FromSchema<typeof RE_RATING_SCHEMA>;

export const APPEAL_DECISION_SCHEMA = {
  type: 'object',
  description:
    'An operator decides an appeal: upheld (the 差评 was untrue: voided, out of the statistics) or rejected (the rectification goes on, its deadlines moved by the days under review).',
  properties: {
    decision: { type: 'string', enum: APPEAL_DECISIONS },
    note: NOTE,
  },
  required: ['decision', 'note'],
  additionalProperties: false,
} as const;
export type AppealDecisionBody = FromSchema<typeof APPEAL_DECISION_SCHEMA>;

export const RECTIFICATION_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: RECTIFICATION_STATUSES, description: 'Only this status.' },
    ...PAGE_QUERY_PROPERTIES,
  },
} as const;
export type RectificationQuery = FromSchema<typeof RECTIFICATION_QUERY_SCHEMA>;

export const RECTIFICATION_EVENT_BODY: RequestContract<RectificationEvent> = {
  in: 'body',
  component: 'RectificationEvent',
  schema: RECTIFICATION_EVENT_SCHEMA,
};
export const RE_RATING_BODY: RequestContract<ReRating> = {
  in: 'body',
  component: 'ReRating',
  schema: RE_RATING_SCHEMA,
};
export const APPEAL_DECISION_BODY: RequestContract<AppealDecisionBody> = {
  in: 'body',
  component: 'AppealDecision',
  schema: APPEAL_DECISION_SCHEMA,
};
export const RECTIFICATION_QUERY: RequestContract<RectificationQuery> = {
  in: 'query',
  component: 'RectificationQuery',
  schema: RECTIFICATION_QUERY_SCHEMA,
};
