// The audit chain's rows of the route table (gateway/README.md#audit-chain): its entries in cursor
// pages and its verification, for operators with the `audit:read` right. Reading the chain is not
// itself appended (every page of a CLI verify would grow it); a refused read is.
import type { FromSchema } from 'json-schema-to-ts';
import { PAGE_LIMIT_PATTERN } from '../catalogue/pattern-words.ts';
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse } from '../openapi/shared-components.ts';
import { AUDIT_OUTCOMES } from './audit-chain.ts';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, type AuditLog } from './audit-log.ts';
import type { AuditVerifier } from './audit-verification.ts';

const route = routesFor<{ audit: AuditLog; auditVerifier: AuditVerifier }>();

export const AUDIT_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    after: {
      type: 'string',
      pattern: '^(0|[1-9][0-9]{0,14})$',
      description: "Entries after this seq: the previous page's nextCursor (absent: from seq 1).",
    },
    limit: {
      type: 'string',
      pattern: PAGE_LIMIT_PATTERN,
      description: `Entries per page, 1–${AUDIT_PAGE_MAX} (default ${AUDIT_PAGE_DEFAULT}).`,
    },
    actor: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9-]{1,63}$',
      description: 'Only entries of this operator (client id).',
    },
    action: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$',
      description: 'Only entries of this action, e.g. `dead-letter.replay`.',
    },
    target: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$',
      description: 'Only entries about this target, e.g. a case id.',
    },
    outcome: {
      type: 'string',
      enum: AUDIT_OUTCOMES,
      description: 'Only entries with this outcome.',
    },
  },
} as const;
export type AuditQueryParameters = FromSchema<typeof AUDIT_QUERY_SCHEMA>;

const AUDIT_QUERY: RequestContract<AuditQueryParameters> = {
  in: 'query',
  component: 'AuditQuery',
  schema: AUDIT_QUERY_SCHEMA,
};

const str = { type: 'string' } as const;
const HEX64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

export const AUDIT_ENTRY_SCHEMA = {
  type: 'object',
  description: 'hash = SM3(prevHash ‖ canonical JSON of every other field).',
  properties: {
    seq: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    actor: str,
    action: str,
    target: str,
    outcome: { type: 'string', enum: AUDIT_OUTCOMES },
    reason: str,
    requestId: str,
    digest: str,
    prevHash: HEX64,
    hash: HEX64,
  },
  required: ['seq', 'at', 'actor', 'action', 'target', 'outcome', 'requestId', 'prevHash', 'hash'],
};

export const AUDIT_ROUTES = [
  route({
    method: 'get',
    path: '/v1/admin/audit',
    clients: ['operator'],
    right: 'audit:read',
    action: 'audit.read',
    query: AUDIT_QUERY,
    operation: {
      operationId: 'listAuditEntries',
      tags: ['admin'],
      summary: 'The audit chain, oldest first, in cursor pages (operators with audit:read)',
      description:
        'Pass `nextCursor` back as `after` for the next page; null means the end of the chain. ' +
        'A filtered page reads at most 2 000 entries, so it may hold fewer than `limit` items ' +
        'and still carry a cursor.',
      responses: {
        '200': jsonResponse('One page.', {
          type: 'object',
          properties: {
            items: { type: 'array', items: AUDIT_ENTRY_SCHEMA },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        }),
      },
    },
    handler: async ({ deps, query }) => ({
      status: 200,
      body: await deps.audit.page({
        after: query.after === undefined ? undefined : Number(query.after),
        limit: query.limit === undefined ? undefined : Number(query.limit),
        actor: query.actor,
        action: query.action,
        target: query.target,
        outcome: query.outcome,
      }),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/admin/audit/verification',
    clients: ['operator'],
    right: 'audit:read',
    action: 'audit.verify',
    operation: {
      operationId: 'verifyAuditChain',
      tags: ['admin'],
      summary: 'Recompute the whole audit chain (operators with audit:read)',
      description:
        "Remembered as the last whole-chain verification, which the console's audit page shows.",
      responses: {
        '200': jsonResponse('The chain checked from seq 1 (or its first kept entry) to its head.', {
          type: 'object',
          properties: {
            ok: { type: 'boolean' },
            checked: { type: 'integer', description: 'Entries intact before the first broken.' },
            brokenSeq: { type: 'integer', description: 'The first entry missing or altered.' },
            trimmedBefore: {
              type: 'integer',
              description:
                'The entries before this seq are not in Redis (trimmed): the check began at its prevHash.',
            },
          },
          required: ['ok', 'checked'],
        }),
      },
    },
    handler: async ({ deps }) => {
      const { ok, checked, brokenSeq, trimmedBefore } = await deps.auditVerifier.wholeChain();
      return {
        status: 200,
        body: {
          ok,
          checked,
          ...(brokenSeq === undefined ? {} : { brokenSeq }),
          ...(trimmedBefore === undefined ? {} : { trimmedBefore }),
        },
      };
    },
  }),
];
