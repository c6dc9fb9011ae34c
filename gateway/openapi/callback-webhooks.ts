// The callbacks the gateway posts to a portal's callbackUrl (README.md#callbacks), as OpenAPI 3.1
// `webhooks`: one per body the callback worker sends (callbacks/callback-worker.ts posts a status
// callback's statusBody, or an event callback's body as queued by the supervisors and the
// rectification listener). Their headers are the request signature, made with the portal's own
// secret and `X-Gw-Client: gateway`. Enums come from the code's single sources, and
// tests/integration/callback-webhooks.test.ts holds what the worker really posts against this text.
import { RECTIFICATION_STATUSES } from '../rectifications/rectification-lifecycle.ts';
import { CALLBACK_CLIENT_ID } from '../callbacks/callback-worker.ts';
import { SIGNATURE_METHODS } from '../client/signing.ts';
import { FLAGS } from '../supervision/flag-times.ts';
import { SIGNING_TEXT } from './security.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const DATE_TIME = { type: 'string', format: 'date-time' };
const CASE_ID = { type: 'string', description: 'The case id (a joint case: its parent).' };
const FLAG = { type: 'string', enum: [...FLAGS] };

/** The `X-Gw-*` headers of every callback, as header parameters of the webhook's POST. */
const SIGNATURE_HEADERS = [
  {
    name: 'X-Gw-Client',
    description: 'Always `gateway`: the callback is signed by the gateway, with your secret.',
    schema: { type: 'string', const: CALLBACK_CLIENT_ID },
  },
  {
    name: 'X-Gw-Timestamp',
    description: 'Unix seconds; check it is within your window (the gateway allows ±300 s).',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'X-Gw-Nonce',
    description: 'Used once: keep it for 600 s and refuse it again, as the gateway does.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
  },
  {
    name: 'X-Gw-Signature-Method',
    description:
      '`HMAC-SHA256`, or `HMAC-SM3` when your client is registered for `HMAC-SM3` alone.',
    schema: { type: 'string', enum: [...SIGNATURE_METHODS] },
  },
  {
    name: 'X-Gw-Signature',
    description: 'Lowercase hex HMAC(your client secret, string-to-sign).',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
].map((header) => ({ in: 'header', required: true, ...header }));

const DELIVERY_TEXT = [
  'Signed by the request scheme (see the security schemes) with `X-Gw-Client: gateway` and **your own',
  'client secret**, over the path and query of your `callbackUrl` and the body bytes as received.',
  SIGNING_TEXT,
  'Answer any 2xx within 5 s once verified. A non-2xx answer, a timeout or a refused connection is',
  'retried with exponential backoff from 1 s (jittered), 8 attempts in all; `410 Gone` stops that',
  "callback's retries. Delivery is at least once and may be out of order; `GET /v1/cases/{caseId}` is",
  'the truth.',
].join('\n');

/** Components of the callback bodies; closed objects: each lists every member the gateway sends. */
export function callbackSchemas(): Record<string, unknown> {
  return {
    CaseStatusCallback: {
      type: 'object',
      description:
        'A move of the case. `sequence` is the history length once `status` was reached: order by it.',
      properties: {
        caseId: CASE_ID,
        status: ref('CaseStatus'),
        phase: ref('Phase'),
        sequence: { type: 'integer', minimum: 1 },
        at: DATE_TIME,
        result: {
          type: 'object',
          description: 'From DECIDED on, masked as GET /v1/cases/{caseId} masks it.',
        },
        links: {
          type: 'object',
          properties: { self: { type: 'string' } },
          required: ['self'],
          additionalProperties: false,
        },
      },
      required: ['caseId', 'status', 'phase', 'sequence', 'at', 'links'],
      additionalProperties: false,
    },
    SupervisionCallback: {
      type: 'object',
      description:
        "A 督办 flag raised on your case (`partyCaseId`: a joint case's party) or on a rectification of it (`rectificationId`).",
      properties: {
        type: { const: 'supervision' },
        caseId: CASE_ID,
        partyCaseId: { type: 'string' },
        rectificationId: { type: 'string' },
        flag: FLAG,
        dueAt: DATE_TIME,
        at: DATE_TIME,
        links: {
          type: 'object',
          properties: { self: { type: 'string' }, case: { type: 'string' } },
          required: ['self'],
          additionalProperties: false,
        },
      },
      required: ['type', 'caseId', 'flag', 'dueAt', 'at', 'links'],
      additionalProperties: false,
    },
    RectificationCallback: {
      type: 'object',
      description: 'A rectification of a 差评 on your case moved (every move after its opening).',
      properties: {
        type: { const: 'rectification' },
        rectificationId: { type: 'string' },
        caseId: CASE_ID,
        status: { type: 'string', enum: [...RECTIFICATION_STATUSES] },
        sequence: { type: 'integer', minimum: 1 },
        at: DATE_TIME,
        links: {
          type: 'object',
          properties: { self: { type: 'string' }, case: { type: 'string' } },
          required: ['self', 'case'],
          additionalProperties: false,
        },
      },
      required: ['type', 'rectificationId', 'caseId', 'status', 'sequence', 'at', 'links'],
      additionalProperties: false,
    },
  };
}

function webhook(summary: string, component: string) {
  return {
    post: {
      summary,
      description: DELIVERY_TEXT,
      tags: ['cases'],
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref(component) } },
      },
      responses: {
        '2XX': { description: 'Verified and stored: the callback is delivered.' },
        '410': {
          description: "Gone: this callback's retries stop (later moves are still posted).",
        },
        default: { description: 'Any other answer, a timeout or no connection: retried.' },
      },
    },
  };
}

/** OpenAPI 3.1 `webhooks`: what the gateway POSTs to a case's callbackUrl. */
export function callbackWebhooks(): Record<string, unknown> {
  return {
    caseStatus: webhook(
      'A move of your case (no `type`): from ROUTED on, `result-delivered` arriving as CLOSED',
      'CaseStatusCallback',
    ),
    supervision: webhook('A 督办 flag raised (`type: supervision`)', 'SupervisionCallback'),
    rectification: webhook(
      'A rectification of your case moved (`type: rectification`)',
      'RectificationCallback',
    ),
  };
}
