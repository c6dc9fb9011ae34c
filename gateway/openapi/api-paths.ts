// The routes of gateway/README.md#api-contract as OpenAPI path items. /v1 operations inherit the
// document-level signed security requirement; the operational endpoints
// (gateway/README.md#operations-endpoints) opt out with `security: []`.
import { DEPARTMENTS, MODES } from '../catalogue/catalogue-item.ts';
import { EVENT_TYPES } from './api-schemas.ts';
import { UNSIGNED } from './security.ts';
import { headerRef, jsonResponse, problems, schemaRef } from './shared-components.ts';

const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });

function query(name: string, schema: unknown, description: string, required = false) {
  return { name, in: 'query', required, description, schema };
}

// Every signed call can fail authentication, be rate limited, or find Redis down.
const SIGNED_FAILURES = [401, 429, 503] as const;

export interface PathOptions {
  /** Named request examples for POST /v1/cases: one valid envelope per catalogue item. */
  submitExamples: Record<string, { summary: string; value: unknown }>;
}

function casePaths(options: PathOptions): Record<string, unknown> {
  const stateChange = {
    type: 'object',
    properties: { caseId: {}, status: schemaRef('CaseStatus') },
  };
  return {
    '/v1/cases': {
      post: {
        operationId: 'submitCase',
        tags: ['cases'],
        summary: 'Submit a case (portal clients)',
        description:
          'Validation order: envelope schema → identifier checks → item payload schema ' +
          '(`components.schemas["item.<itemCode>.v<itemVersion>"]`) → routing rules. All problems ' +
          'of one stage are reported together. The 202 is sent only after the case record and ' +
          'its job are stored.',
        parameters: [param('IdempotencyKey')],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('envelope'),
              examples: options.submitExamples,
            },
          },
        },
        responses: {
          '202': {
            description: 'Accepted: stored and queued for the province.',
            headers: {
              Location: headerRef('Location'),
              'Idempotent-Replayed': headerRef('IdempotentReplayed'),
            },
            content: { 'application/json': { schema: schemaRef('CaseAccepted') } },
          },
          ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    '/v1/cases/{caseId}': {
      parameters: [param('CaseId')],
      get: {
        operationId: 'readCase',
        tags: ['cases'],
        summary: 'Read a case (404 to clients that may not see it, never 403)',
        responses: {
          '200': jsonResponse('The case, personal fields masked.', schemaRef('CaseView')),
          ...problems(404, ...SIGNED_FAILURES),
        },
      },
    },
    '/v1/cases/{caseId}/events': {
      parameters: [param('CaseId')],
      post: {
        operationId: 'postCaseEvent',
        tags: ['cases'],
        summary: 'Report a province event (province clients on the route)',
        description: `Event types: ${EVENT_TYPES.join(', ')}. The same event twice is accepted once.`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaRef('CaseEvent') } },
        },
        responses: {
          '200': jsonResponse('Recorded (or already recorded).', stateChange),
          ...problems(400, 403, 404, 409, 413, 415, 422, ...SIGNED_FAILURES),
        },
      },
    },
  };
}

function readPaths(): Record<string, unknown> {
  const region = { type: 'string', pattern: '^[0-9]{6}$' };
  return {
    '/v1/catalogue/items': {
      get: {
        operationId: 'listCatalogueItems',
        tags: ['catalogue'],
        summary: 'Every matching item in one response (no paging)',
        parameters: [
          query('department', { type: 'string', enum: DEPARTMENTS }, 'Department code.'),
          query('mode', { type: 'string', enum: MODES }, 'Only items offering this mode.'),
          query('q', { type: 'string', maxLength: 100 }, 'Substring of the name or code.'),
        ],
        responses: {
          '200': jsonResponse('Matching items.', schemaRef('CatalogueItemList')),
          ...problems(400, ...SIGNED_FAILURES),
        },
      },
    },
    '/v1/catalogue/items/{code}': {
      parameters: [param('ItemCode')],
      get: {
        operationId: 'readCatalogueItem',
        tags: ['catalogue'],
        summary: 'Item metadata, payload schema and examples',
        responses: {
          '200': jsonResponse('The latest published version.', schemaRef('CatalogueItemDetail')),
          ...problems(404, ...SIGNED_FAILURES),
        },
      },
    },
    '/v1/routes/resolve': {
      get: {
        operationId: 'resolveRoute',
        tags: ['routing'],
        summary: 'The routing decision the submit path would take, with every rule applied',
        parameters: [
          query('itemCode', { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' }, 'Item.', true),
          query('mode', { type: 'string', enum: MODES }, 'Mode.', true),
          query('receivingRegion', region, 'Receiving division (收件地).', true),
          query('handlingRegion', region, 'Handling division (办理地).'),
        ],
        responses: {
          '200': jsonResponse('Routed or refused, with reasons.', schemaRef('RouteResolution')),
          ...problems(400, 422, ...SIGNED_FAILURES),
        },
      },
    },
    '/v1/divisions/{code}': {
      parameters: [param('DivisionCode')],
      get: {
        operationId: 'readDivision',
        tags: ['routing'],
        summary: 'A current division',
        responses: {
          '200': jsonResponse('The division.', schemaRef('Division')),
          ...problems(404, ...SIGNED_FAILURES),
        },
      },
    },
  };
}

function adminPaths(): Record<string, unknown> {
  return {
    '/v1/admin/dead-letters': {
      get: {
        operationId: 'listDeadLetters',
        tags: ['admin'],
        summary: 'Cases whose delivery failed (operators)',
        responses: {
          '200': jsonResponse('Dead letters.', schemaRef('DeadLetterList')),
          ...problems(403, ...SIGNED_FAILURES),
        },
      },
    },
    '/v1/admin/dead-letters/{caseId}/replay': {
      parameters: [param('CaseId')],
      post: {
        operationId: 'replayDeadLetter',
        tags: ['admin'],
        summary: 'Queue a failed delivery again (operators)',
        responses: {
          '202': jsonResponse('Queued again.', {
            type: 'object',
            properties: { caseId: {}, status: schemaRef('CaseStatus') },
          }),
          ...problems(403, 404, 409, ...SIGNED_FAILURES),
        },
      },
    },
  };
}

function operationsPaths(): Record<string, unknown> {
  const ops = (operationId: string, summary: string, responses: unknown) => ({
    get: { operationId, tags: ['operations'], summary, security: UNSIGNED, responses },
  });
  return {
    '/healthz': ops('healthz', 'The process is up', {
      '200': jsonResponse('Up.', schemaRef('Health')),
    }),
    '/readyz': ops('readyz', 'Redis reachable and not draining', {
      '200': jsonResponse('Ready.', schemaRef('Health')),
      '503': {
        description: 'Not ready (draining or Redis down).',
        headers: { 'Retry-After': headerRef('RetryAfter') },
        content: { 'application/json': { schema: schemaRef('Health') } },
      },
    }),
    '/metrics': ops('metrics', 'Prometheus metrics (protection is a deployment setting)', {
      '200': {
        description: 'Prometheus text exposition format 0.0.4.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    }),
  };
}

export function apiPaths(options: PathOptions): Record<string, unknown> {
  return { ...casePaths(options), ...readPaths(), ...adminPaths(), ...operationsPaths() };
}
