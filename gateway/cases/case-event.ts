// The body of POST /v1/cases/{caseId}/events, written once: this schema is what the gateway
// validates at the edge (gateway/http/request-validation.ts), what OpenAPI publishes as the
// CaseEvent component, and — through json-schema-to-ts — the CaseEvent type the use case reads.
// The event types are the lifecycle's own (lifecycle.ts).
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';
import { EVENT_TYPES } from './lifecycle.ts';

export const CASE_EVENT_SCHEMA = {
  type: 'object',
  description:
    'A province event. `decided` carries the result; the same event twice is applied once.',
  properties: {
    type: { type: 'string', enum: EVENT_TYPES },
    at: {
      type: 'string',
      format: 'date-time',
      // The years a working-day calendar can be published for (calendar/calendar-draft.ts): a
      // pause is counted in working days up to `at`, and one "resumed" in the year 9999 counted
      // past it, where the day arithmetic looped for ever (gateway/README.md#province-events).
      // Checked once the text is a date-time, so a malformed one gets one problem, not two.
      if: { format: 'date-time' },
      then: { pattern: '^(?:20[0-9]{2}|2100)-' },
      maxLength: 40,
      description:
        'When it happened at the province (RFC 3339, with offset), in the years 2000–2100.',
    },
    note: { type: 'string', maxLength: 500 },
    provinceCaseNo: {
      type: 'string',
      pattern: '^[0-9A-Za-z_-]{1,64}$',
      description: "The province's own case number (受理编号).",
    },
    result: {
      type: 'object',
      maxJsonLength: 4096,
      description: 'The decision or delivered result (at most 4 KiB as JSON).',
    },
  },
  required: ['type', 'at'],
  additionalProperties: false,
  if: { properties: { type: { const: 'decided' } }, required: ['type'] },
  then: { required: ['result'] },
} as const;

export type CaseEvent = FromSchema<typeof CASE_EVENT_SCHEMA>;

export const CASE_EVENT_BODY: RequestContract<CaseEvent> = {
  in: 'body',
  component: 'CaseEvent',
  schema: CASE_EVENT_SCHEMA,
};
