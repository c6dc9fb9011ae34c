// The catalogue administration rows of the route table (gateway/README.md#drafts-and-four-eyes):
// thin edges over the use cases in catalogue-admin.ts, which the operator console calls too. The
// rows check the operator's kind and right first (a refusal there is audited by mount-routes.ts);
// the use cases audit everything else.
import type { FromSchema } from 'json-schema-to-ts';
import { routesFor } from '../../http/api-route.ts';
import { parseIfMatch } from '../../http/if-match.ts';
import { pageLimit, PAGE_QUERY_PROPERTIES } from '../../http/cursor.ts';
import type { RequestContract } from '../../http/request-contract.ts';
import { headerRef, jsonResponse } from '../../openapi/shared-components.ts';
import type { CatalogueAdmin, DraftInput, DraftView } from './catalogue-admin.ts';
import { draftETag } from './draft-etag.ts';
import { DRAFT_STATUSES } from './draft-store.ts';

const DRAFT_SCHEMA = {
  type: 'object',
  properties: {
    kind: {
      type: 'string',
      enum: ['item', 'calendar'],
      description: 'Default: calendar when `calendar` is given, else item.',
    },
    itemCode: {
      type: 'string',
      maxLength: 6,
      pattern: '^[A-Z]{2}-[0-9]{3}$',
      description: 'The item; an unknown code of a known department is a new item.',
    },
    baseVersion: {
      type: 'integer',
      minimum: 0,
      maximum: 9999,
      description: 'The published version the draft changes (default: the latest; 0: new item).',
    },
    item: {
      type: 'object',
      description:
        'Metadata (name, department, subject, modes, level, promisedDays, scope, enabledProvinces, disabledNotice), `schema` and `examples: { valid, invalid }`.',
    },
    calendar: {
      type: 'object',
      description: 'A working-day calendar year: `{ year, source?, holidays, extraWorkingDays }`.',
    },
    note: { type: 'string', maxLength: 500, description: 'Why the change is made.' },
  },
  additionalProperties: false,
} as const;

const DRAFT_BODY: RequestContract<FromSchema<typeof DRAFT_SCHEMA>> = {
  in: 'body',
  component: 'CatalogueDraftInput',
  schema: DRAFT_SCHEMA,
};

const REJECT_SCHEMA = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
  required: ['reason'],
  additionalProperties: false,
} as const;

const REJECT_BODY: RequestContract<FromSchema<typeof REJECT_SCHEMA>> = {
  in: 'body',
  component: 'CatalogueDraftRejection',
  schema: REJECT_SCHEMA,
};

const DRAFTS_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: DRAFT_STATUSES, description: 'Only these.' },
    ...PAGE_QUERY_PROPERTIES,
  },
  additionalProperties: false,
} as const;

const DRAFTS_QUERY: RequestContract<FromSchema<typeof DRAFTS_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'CatalogueDraftsQuery',
  schema: DRAFTS_QUERY_SCHEMA,
};

const problemList = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      message: { type: 'string' },
      messageZh: { type: 'string' },
    },
  },
};
const DRAFT = {
  type: 'object',
  description:
    'A draft: draftId, kind, itemCode or year, status (draft, in-review, approved, rejected), author, note, baseVersion, item or calendar, times, the last validation, the decision.',
  properties: {
    draftId: { type: 'string' },
    kind: { type: 'string', enum: ['item', 'calendar'] },
    itemCode: { type: 'string' },
    year: { type: 'integer' },
    status: { type: 'string', enum: DRAFT_STATUSES },
    author: { type: 'string' },
    baseVersion: { type: 'integer' },
  },
};
const VALIDATION = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    problems: problemList,
    compatibility: {
      type: 'object',
      properties: {
        breaking: { type: 'boolean' },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string' },
              rule: { type: 'string' },
              breaking: { type: 'boolean' },
              detail: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/** An answer of one draft: with its ETag, for If-Match on PUT (draft-etag.ts). */
const draftAnswer = (description: string, headers: Record<string, unknown> = {}) =>
  jsonResponse(description, DRAFT, { ETag: headerRef('DraftETag'), ...headers });

// no-store: the ETag is for If-Match on PUT and covers the draft's content and status, not the
// last validation the answer also carries; a cache keeping the answer would revalidate it with
// If-None-Match and be told 304 over a validation that changed since.
const withETag = (draft: DraftView, status = 200) => ({
  status,
  body: draft,
  headers: { ETag: draftETag(draft), 'Cache-Control': 'no-store' },
});

const route = routesFor<{ catalogueAdmin: CatalogueAdmin }>();
const DRAFTS = '/v1/admin/catalogue/drafts';
const operator = ['operator'] as const;

const EXPORT_JSON = new WeakMap<object, Buffer>();

export const CATALOGUE_ADMIN_ROUTES = [
  route({
    method: 'post',
    path: DRAFTS,
    clients: operator,
    right: 'catalogue:edit',
    action: 'catalogue.draft.create',
    body: DRAFT_BODY,
    operation: {
      operationId: 'createCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Start a change to the catalogue: an item, a new item or a calendar year',
      description:
        'With an Idempotency-Key the creation can be repeated safely: the same key and body ' +
        'answer the draft the first one made (201, `Idempotent-Replayed: true`, as it is now).',
      parameters: ['OptionalIdempotencyKey'],
      responses: {
        '201': draftAnswer('Draft created (or, replayed, the draft the key made, as it is now).', {
          'Idempotent-Replayed': headerRef('IdempotentReplayed'),
        }),
      },
      problems: [409],
    },
    handler: async ({ deps, body, client, requestId, header }) => {
      const { draft, replayed } = await deps.catalogueAdmin.createDraft(
        { operator: client, requestId },
        body,
        header('idempotency-key'),
      );
      const answer = withETag(draft, 201);
      return replayed
        ? { ...answer, headers: { ...answer.headers, 'Idempotent-Replayed': 'true' } }
        : answer;
    },
  }),
  route({
    method: 'get',
    path: DRAFTS,
    clients: operator,
    query: DRAFTS_QUERY,
    operation: {
      operationId: 'listCatalogueDrafts',
      tags: ['catalogue admin'],
      summary: 'Drafts, newest first, optionally by status, paged',
      description:
        'The status filter is applied before the page is cut: every draft of that status is ' +
        'reached, page after page, however many newer drafts of other statuses there are. Pass ' +
        '`nextCursor` back as `cursor` for the next page; null on the last page.',
      responses: {
        '200': jsonResponse('Drafts.', {
          type: 'object',
          properties: {
            items: { type: 'array', items: DRAFT },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        }),
      },
    },
    handler: async ({ deps, query, client, requestId }) => ({
      status: 200,
      body: await deps.catalogueAdmin.listDrafts(
        { operator: client, requestId },
        { status: query.status, cursor: query.cursor, limit: pageLimit(query.limit) },
      ),
    }),
  }),
  route({
    method: 'get',
    path: `${DRAFTS}/:draftId`,
    clients: operator,
    operation: {
      operationId: 'readCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'One draft with its item or calendar and its last validation',
      parameters: ['DraftId'],
      responses: { '200': draftAnswer('The draft.') },
      problems: [404],
    },
    handler: async ({ deps, params, client, requestId }) =>
      withETag(
        await deps.catalogueAdmin.getDraft({ operator: client, requestId }, String(params.draftId)),
      ),
  }),
  route({
    method: 'put',
    path: `${DRAFTS}/:draftId`,
    clients: operator,
    right: 'catalogue:edit',
    action: 'catalogue.draft.update',
    body: DRAFT_BODY,
    operation: {
      operationId: 'updateCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Replace the content of a draft (its author, while it is a draft)',
      description:
        "With `If-Match` (the draft's `ETag` as read) the content is stored only while the draft " +
        'still has that ETag, checked in the same step as the write: of two saves made on one ' +
        'version exactly one is stored, the other is 412 `GW_DRAFT_PRECONDITION_FAILED`. ' +
        'Without it the last save wins.',
      parameters: ['DraftId', 'DraftIfMatch'],
      responses: { '200': draftAnswer('The draft as saved, with its new ETag.') },
      problems: [404, 409, 412],
    },
    handler: async ({ deps, params, body, client, requestId, header }) => {
      // Parsed before anything is read or audited: a malformed header is the request's fault.
      const ifMatch = parseIfMatch(header('if-match'));
      return withETag(
        await deps.catalogueAdmin.updateDraft(
          { operator: client, requestId },
          String(params.draftId),
          body,
          // `*`: any current draft, which is every draft the save can find (a missing one is 404).
          ifMatch && !ifMatch.any ? { ifMatch: ifMatch.tags } : undefined,
        ),
      );
    },
  }),
  route({
    method: 'post',
    path: `${DRAFTS}/:draftId/validate`,
    clients: operator,
    right: 'catalogue:edit',
    action: 'catalogue.draft.validate',
    operation: {
      operationId: 'validateCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Strict compile, every example, compatibility with the base version',
      parameters: ['DraftId'],
      responses: { '200': jsonResponse('The validation.', VALIDATION) },
      problems: [404],
    },
    handler: async ({ deps, params, client, requestId }) => ({
      status: 200,
      body: await deps.catalogueAdmin.validateDraft(
        { operator: client, requestId },
        String(params.draftId),
      ),
    }),
  }),
  route({
    method: 'post',
    path: `${DRAFTS}/:draftId/submit`,
    clients: operator,
    right: 'catalogue:edit',
    action: 'catalogue.draft.submit',
    operation: {
      operationId: 'submitCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Send a validated draft for review (its author; only ok drafts)',
      parameters: ['DraftId'],
      responses: { '200': draftAnswer('In review, with its new ETag.') },
      // 422: not validated ok since its last change (GW_DRAFT_NOT_VALID), or the same as the
      // version it changes (GW_DRAFT_UNCHANGED).
      problems: [404, 409, 422],
    },
    handler: async ({ deps, params, client, requestId }) =>
      withETag(
        await deps.catalogueAdmin.submitDraft(
          { operator: client, requestId },
          String(params.draftId),
        ),
      ),
  }),
  route({
    method: 'post',
    path: `${DRAFTS}/:draftId/approve`,
    clients: operator,
    right: 'catalogue:approve',
    action: 'catalogue.draft.approve',
    operation: {
      operationId: 'approveCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Publish a draft in review (another operator than its author)',
      parameters: ['DraftId'],
      responses: {
        '200': jsonResponse('Published.', {
          type: 'object',
          properties: {
            itemCode: { type: 'string' },
            year: { type: 'integer' },
            version: { type: 'integer' },
            revision: { type: 'integer' },
            publishedAt: { type: 'string', format: 'date-time' },
          },
        }),
      },
      // 422 GW_DRAFT_UNCHANGED: it says what is published now (a calendar year published since).
      problems: [404, 409, 422],
    },
    handler: async ({ deps, params, client, requestId }) => ({
      status: 200,
      body: await deps.catalogueAdmin.approveDraft(
        { operator: client, requestId },
        String(params.draftId),
      ),
    }),
  }),
  route({
    method: 'post',
    path: `${DRAFTS}/:draftId/reject`,
    clients: operator,
    right: 'catalogue:approve',
    action: 'catalogue.draft.reject',
    body: REJECT_BODY,
    operation: {
      operationId: 'rejectCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Send a draft in review back with a reason',
      parameters: ['DraftId'],
      responses: { '200': draftAnswer('Rejected, with its new ETag.') },
      problems: [404, 409],
    },
    handler: async ({ deps, params, body, client, requestId }) =>
      withETag(
        await deps.catalogueAdmin.rejectDraft(
          { operator: client, requestId },
          String(params.draftId),
          body.reason,
        ),
      ),
  }),
  route({
    method: 'post',
    path: '/v1/admin/catalogue/checks',
    clients: operator,
    right: 'catalogue:edit',
    body: DRAFT_BODY,
    operation: {
      operationId: 'checkCatalogueDraft',
      tags: ['catalogue admin'],
      summary: 'Validate a would-be draft without storing it (catalogue import --dry-run)',
      responses: { '200': jsonResponse('The validation.', VALIDATION) },
      problems: [409],
    },
    handler: async ({ deps, body, client, requestId }) => ({
      status: 200,
      body: await deps.catalogueAdmin.checkDraft(
        { operator: client, requestId },
        body as DraftInput,
      ),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/admin/catalogue/items/:code/versions',
    clients: operator,
    operation: {
      operationId: 'listItemVersions',
      tags: ['catalogue admin'],
      summary: 'Every published version of an item: latest, accepted until its sunset, retired',
      parameters: ['ItemCode'],
      responses: {
        '200': jsonResponse('Versions, oldest first.', {
          type: 'object',
          properties: {
            itemCode: { type: 'string' },
            versions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  version: { type: 'integer' },
                  status: { type: 'string', enum: ['latest', 'accepted', 'retired'] },
                  metadata: { type: 'object' },
                  publishedAt: { type: 'string' },
                  publishedBy: { type: 'string' },
                  sunsetAt: { type: 'string' },
                },
              },
            },
          },
        }),
      },
      problems: [404],
    },
    handler: async ({ deps, params, client, requestId }) => ({
      status: 200,
      body: {
        itemCode: String(params.code),
        versions: await deps.catalogueAdmin.listVersions(
          { operator: client, requestId },
          String(params.code),
        ),
      },
    }),
  }),
  route({
    method: 'get',
    path: '/v1/admin/catalogue/export',
    clients: operator,
    operation: {
      operationId: 'exportCatalogue',
      tags: ['catalogue admin'],
      summary: 'The published catalogue as the files under schemas/ and config/calendars/',
      responses: {
        '200': jsonResponse('Files.', {
          type: 'object',
          properties: {
            revision: { type: 'integer' },
            files: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, text: { type: 'string' } },
              },
            },
          },
        }),
      },
    },
    handler: async ({ deps, client, requestId }) => {
      // One revision's export is one object (catalogueExporter): written as JSON once, not 2 MB
      // of stringifying per operator asking.
      const exported = await deps.catalogueAdmin.exportCatalogue({ operator: client, requestId });
      let raw = EXPORT_JSON.get(exported);
      if (!raw) EXPORT_JSON.set(exported, (raw = Buffer.from(JSON.stringify(exported))));
      return { status: 200, raw, headers: { 'Content-Type': 'application/json; charset=utf-8' } };
    },
  }),
];
