// The body of POST /v1/cases/{caseId}/events, written once: this schema is what the gateway
// validates at the edge (gateway/http/request-validation.ts), what OpenAPI publishes as the
// CaseEvent component, and — through json-schema-to-ts — the CaseEvent type the use case reads.
// The event types are the lifecycle's own (lifecycle.ts).
import type { FromSchema } from 'json-schema-to-ts';
import type { RequestContract } from '../http/request-contract.ts';
import { EVENT_TYPES } from './lifecycle.ts';
import { EVENT_TIME_PATTERN } from '../catalogue/pattern-words.ts';

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
      // The pattern also holds it to RFC 3339's own grammar: ajv-formats takes `+0800` and a
      // space for the `T`, which other languages' RFC 3339 parsers refuse, and the time is
      // shown as sent in the history and the portal's callbacks (gateway/README.md#province-events).
      if: { format: 'date-time' },
      then: {
        pattern: EVENT_TIME_PATTERN,
      },
      maxLength: 40,
      description:
        "When it happened at the province: an RFC 3339 date-time with its offset, `2026-12-04T10:00:00+08:00` or `…Z` (not `+0800`, not a space for the `T`), in the years 2000–2100, not more than 5 minutes past the gateway's clock and not more than 5 minutes before the case's submission (its `createdAt`, the gateway's clock): these two checked after the schema, 422 GW_VALIDATION_FAILED at /at.",
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
      // Taken on any event, as the contract's body has it; the last one posted is the case's
      // result. A province that sent one with `accepted` showed the portal a payment before
      // anything was decided, so the description says where it belongs (gateway/README.md#province-events).
      description:
        "The decision (required with `decided`) or, when what was handed over differs, the result as delivered (`result-delivered`), at most 4 KiB as JSON, checked against the item's result schema and its cross-field rules, which relate it to the case's submission and today (422 GW_RESULT_INVALID, a problem per field or broken rule). Any event may carry one, and the last one posted replaces the case's `result`, which GET /v1/cases/{caseId} shows at once: send none before `decided`.",
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
