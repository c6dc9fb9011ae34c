// The routing row of the route table (gateway/README.md#read-endpoints): GET /v1/routes/resolve, the decision the submit path would
// take with every rule applied — the same pure resolveRoute, so the two can never disagree.
import type { FromSchema } from 'json-schema-to-ts';
import { chinaDate } from '../calendar/working-days.ts';
import { MODES } from '../catalogue/catalogue-item.ts';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import { routesFor } from '../http/api-route.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import { resolveRoute } from './resolve-route.ts';
import type { RoutingContext } from './route-decision.ts';

// Regions take 6–12 digits, as in the envelope: a 12-digit statistical code or a retired code is
// then refused by the routing rules, which say precisely why (the decision's reasons).
const REGION = { type: 'string', pattern: '^[0-9]{6,12}$' } as const;

const RESOLVE_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    itemCode: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$', description: 'Item code.' },
    mode: { type: 'string', enum: MODES, description: 'Mode.' },
    receivingRegion: { ...REGION, description: 'Receiving division (收件地).' },
    handlingRegion: { ...REGION, description: 'Handling division (办理地); not for joint.' },
  },
  required: ['itemCode', 'mode', 'receivingRegion'],
} as const;

const RESOLVE_QUERY: RequestContract<FromSchema<typeof RESOLVE_QUERY_SCHEMA>> = {
  in: 'query',
  component: 'RouteResolveQuery',
  schema: RESOLVE_QUERY_SCHEMA,
};

export interface RoutingRouteDeps {
  registry: SchemaRegistry;
  routing: RoutingContext;
  now: () => Date;
}

const route = routesFor<RoutingRouteDeps>();

export const ROUTING_ROUTES = [
  route({
    method: 'get',
    path: '/v1/routes/resolve',
    clients: ['portal', 'province', 'operator'],
    query: RESOLVE_QUERY,
    operation: {
      operationId: 'resolveRoute',
      tags: ['routing'],
      summary: 'The routing decision the submit path would take, with every rule applied',
      responses: {
        '200': jsonResponse('Routed or refused, with reasons.', schemaRef('RouteResolution')),
      },
      problems: [422],
    },
    handler: ({ deps, client, query }) => ({
      status: 200,
      body: resolveRoute(
        {
          item: deps.registry.item(query.itemCode),
          mode: query.mode,
          receivingRegion: query.receivingRegion,
          handlingRegion: query.handlingRegion,
          portalProvince: client.kind === 'portal' ? client.province : undefined,
          date: chinaDate(deps.now()),
        },
        deps.routing,
      ),
    }),
  }),
];
