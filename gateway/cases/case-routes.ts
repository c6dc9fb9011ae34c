// The case rows of the route table: parse, call the use case, map
// (gateway/README.md#thin-handlers), plus the OpenAPI operation each row publishes.
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import {
  ENVELOPE_COMPONENT,
  headerRef,
  jsonResponse,
  schemaRef,
} from '../openapi/shared-components.ts';
import { CASE_EVENT_BODY } from './case-event.ts';
import type { CaseStore } from './case-store.ts';
import { EVENT_TYPES } from './lifecycle.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { apiReadReason, holdsRight } from '../audit/operator-audit.ts';
import { caseView, type CaseViewPart } from './read-case.ts';
import { readCaseAudited } from './read-case-audited.ts';
import { recordEvent, type RecordEventDeps } from './record-event.ts';
import { submitCase, type SubmitDeps } from './submit-case.ts';

export type CaseRouteDeps = SubmitDeps &
  RecordEventDeps & { store: CaseStore; caseViewParts: readonly CaseViewPart[]; audit: AuditLog };

const route = routesFor<CaseRouteDeps>();

/** schemas/envelope.schema.json, checked in stages by the submit use case (submit-case.ts). */
const ENVELOPE_BODY: RequestContract<unknown> = { in: 'body', component: ENVELOPE_COMPONENT };

/** What an event's 200 carries (record-event.ts): where the case now stands, and whether it was a repeat. */
const STATE_CHANGE = {
  type: 'object',
  properties: {
    caseId: { type: 'string' },
    status: schemaRef('CaseStatus'),
    phase: schemaRef('Phase'),
    duplicate: {
      type: 'boolean',
      description:
        'true when this very event (same fields) was applied before, by a post or a status query: nothing changed.',
    },
  },
  required: ['caseId', 'status', 'phase', 'duplicate'],
};

export const CASE_ROUTES = [
  route({
    method: 'post',
    path: '/v1/cases',
    clients: ['portal'],
    body: ENVELOPE_BODY,
    operation: {
      operationId: 'submitCase',
      tags: ['cases'],
      summary: 'Submit a case (portal clients)',
      description:
        'Validation order: envelope schema (422 `GW_VALIDATION_FAILED`) → identifier checks ' +
        '(422 `GW_IDENTIFIER_INVALID`) → the item and version (404 `GW_ITEM_NOT_FOUND` at ' +
        '`/itemCode`, 422 `GW_ITEM_VERSION_NOT_FOUND` at `/itemVersion`) → item payload schema ' +
        '(`components.schemas["item.<itemCode>.v<itemVersion>"]`), then its cross-field rules ' +
        "(422 `GW_PAYLOAD_INVALID`, a rule's name as `keyword`) → routing rules (422 with the " +
        'routing code, keyword `routing`). All problems of the first failing stage are reported ' +
        'together, each with its JSON pointer. The 202 is sent only after the case record and ' +
        'its outbox entry are stored in one atomic step; a relay turns the entry into the job. ' +
        'With a `callbackUrl`, every move of the case is also posted there, signed (not described ' +
        'here: README.md#callbacks).',
      parameters: ['IdempotencyKey'],
      responses: {
        '202': {
          description: 'Accepted: stored and queued for the province.',
          headers: {
            Location: headerRef('Location'),
            'Idempotent-Replayed': headerRef('IdempotentReplayed'),
          },
          content: { 'application/json': { schema: schemaRef('CaseAccepted') } },
        },
      },
      problems: [404, 409],
    },
    // Its idempotency look-up shares the nonce and rate-limit checks' round trip.
    checksInHandler: true,
    handler: ({ deps, client, body, header, log, checked }) =>
      submitCase(deps, { client, idempotencyKey: header('idempotency-key'), body, log, checked }),
  }),
  route({
    method: 'get',
    path: '/v1/cases/:caseId',
    clients: ['portal', 'province', 'operator'],
    operation: {
      operationId: 'readCase',
      tags: ['cases'],
      summary: 'Read a case (404 to clients that may not see it, never 403)',
      description:
        'Personal fields are masked, except for operators holding the `unmask` right: their ' +
        'read is unmasked and appended to the audit chain (`case.read-unmasked`) with the ' +
        '`X-Gw-Reason` header as its reason.',
      parameters: ['CaseId', 'AuditReason'],
      responses: {
        '200': jsonResponse('The case, personal fields masked.', schemaRef('CaseView')),
      },
      problems: [404],
    },
    // An operator holding unmask reads unmasked (the published contract), each read audited.
    handler: async ({ deps, client, params, log, header, requestId }) => {
      const caseId = String(params.caseId);
      const body = holdsRight(client, 'unmask')
        ? await readCaseAudited(deps, {
            caseId,
            operator: client,
            unmask: true,
            reason: apiReadReason(header),
            requestId,
            log,
          })
        : await caseView(deps, client, caseId, log, { unmasked: false });
      return { status: 200, body };
    },
  }),
  route({
    method: 'post',
    path: '/v1/cases/:caseId/events',
    clients: ['province'],
    body: CASE_EVENT_BODY,
    operation: {
      operationId: 'postCaseEvent',
      tags: ['cases'],
      summary: 'Report a province event (province clients on the route)',
      description:
        `Event types: ${EVENT_TYPES.join(', ')}. The same event twice is applied once (200, duplicate: true), ` +
        'so an event whose answer was lost (5xx, 429, timeout) is sent again as it was. ' +
        'Checked in this order: signature and client (401, 403), the body against CaseEvent (422), the case (404), its state (409), the content against the case (422 at, 422 result), so an event the case is past is 409 whatever else is wrong. ' +
        '409 GW_ILLEGAL_TRANSITION: the case is not where the event may start (gateway/README.md#event-transitions). ' +
        "422 GW_VALIDATION_FAILED at /at: an event dated more than 5 minutes past the gateway's clock or more than 5 minutes before the case was submitted (its createdAt). " +
        "422 GW_RESULT_INVALID: a result that does not match the item's result schema, a pointer per field, or that breaks its cross-field rules (schemas/README.md#result-rules: e.g. SW-005's total against its lines and the submitted total, the case's own agreement, tax authority and account, no deduction date after today in China), a pointer and the rule's name (keyword) per broken rule; the case does not move. " +
        '404: the case is not on your route.',
      parameters: ['CaseId'],
      responses: { '200': jsonResponse('Recorded (or already recorded).', STATE_CHANGE) },
      problems: [404, 409],
    },
    handler: ({ deps, client, params, body }) =>
      recordEvent(deps, client, String(params.caseId), body),
  }),
];
