// The catalogue rows of the route table (gateway/README.md#read-endpoints): the whole list with
// filters (the catalogue is small: no paging) and one item with its schema and examples.
import type { FromSchema } from 'json-schema-to-ts';
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import { GatewayError } from '../shared/errors.ts';
import { DEPARTMENTS, MODES, type CatalogueItem } from './catalogue-item.ts';
import type { SchemaRegistry } from './schema-registry.ts';

const ITEMS_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    department: { type: 'string', enum: DEPARTMENTS, description: 'Department code.' },
    mode: { type: 'string', enum: MODES, description: 'Only items offering this mode.' },
    q: { type: 'string', maxLength: 100, description: 'Substring of the name or code.' },
  },
} as const;

const ITEMS_QUERY: RequestContract<FromSchema<typeof ITEMS_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'CatalogueItemsQuery',
  schema: ITEMS_QUERY_SCHEMA,
};

function summary(item: CatalogueItem) {
  return {
    code: item.code,
    name: item.name,
    department: item.department,
    subject: item.subject,
    modes: item.modes,
    level: item.level,
    promisedDays: item.promisedDays,
    scope: item.scope,
    version: item.version,
    enabledProvinces: item.enabledProvinces,
    ...(item.disabledNotice !== undefined ? { disabledNotice: item.disabledNotice } : {}),
  };
}

const route = routesFor<{ registry: SchemaRegistry }>();

export const CATALOGUE_ROUTES = [
  route({
    method: 'get',
    path: '/v1/catalogue/items',
    clients: ['portal', 'province', 'operator'],
    query: ITEMS_QUERY,
    operation: {
      operationId: 'listCatalogueItems',
      tags: ['catalogue'],
      summary: 'Every matching item in one response (no paging)',
      responses: { '200': jsonResponse('Matching items.', schemaRef('CatalogueItemList')) },
    },
    handler: ({ deps, query }) => {
      const { department, mode } = query;
      const q = query.q?.toLowerCase();
      const items = deps.registry
        .items()
        .filter((i) => !department || i.department === department)
        .filter((i) => !mode || (i.modes as readonly string[]).includes(mode))
        .filter((i) => !q || i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q))
        .map(summary);
      return { status: 200, body: { revision: deps.registry.revision, items } };
    },
  }),
  route({
    method: 'get',
    path: '/v1/catalogue/items/:code',
    clients: ['portal', 'province', 'operator'],
    operation: {
      operationId: 'readCatalogueItem',
      tags: ['catalogue'],
      summary:
        'Item metadata, payload schema (with its result schema), shared definitions, examples',
      parameters: ['ItemCode'],
      responses: {
        '200': jsonResponse('The latest published version.', schemaRef('CatalogueItemDetail')),
      },
      problems: [404],
    },
    handler: ({ deps, params }) => {
      const code = String(params.code);
      const item = deps.registry.item(code);
      if (!item)
        throw new GatewayError('GW_ITEM_NOT_FOUND', { detail: `No item ${code.slice(0, 20)}` });
      const examples = deps.registry.examplesFor(code);
      return {
        status: 200,
        body: {
          ...summary(item),
          schema: deps.registry.schemaFor(code),
          definitions: deps.registry.definitionsFor(code),
          examples: { valid: examples?.valid ?? [], invalid: examples?.invalid ?? [] },
        },
      };
    },
  }),
];
