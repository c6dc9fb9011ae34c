// The health rows of the route table, unsigned (gateway/README.md#operations-endpoints): GET
// /healthz, the process is up; GET /readyz, this instance should receive traffic — Redis answers a
// PING in time, the catalogue is current and the process is not draining — plus, still 200, the
// warnings operators should act on (a working-day calendar missing for a year the deadlines need);
// readiness.ts decides, as it does for a worker's /readyz.
import { routesFor } from '../http/api-route.ts';
import { headerRef, jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import { readiness, type ReadinessDeps } from './readiness.ts';

/** The same deps as a worker's /readyz (readiness.ts). */
export type HealthDeps = ReadinessDeps;

const route = routesFor<HealthDeps>();

export const HEALTH_ROUTES = [
  route({
    method: 'get',
    path: '/healthz',
    clients: 'public',
    operation: {
      operationId: 'healthz',
      tags: ['operations'],
      summary: 'The process is up',
      responses: { '200': jsonResponse('Up.', schemaRef('Health')) },
    },
    handler: () => ({ status: 200, body: { status: 'ok' } }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    clients: 'public',
    operation: {
      operationId: 'readyz',
      tags: ['operations'],
      summary:
        'Redis reachable, catalogue current and not draining; warnings (still 200) for operators',
      responses: {
        '200': jsonResponse('Ready.', schemaRef('Health')),
        '503': {
          description: 'Not ready (draining or Redis down).',
          headers: { 'Retry-After': headerRef('RetryAfter') },
          content: { 'application/json': { schema: schemaRef('Health') } },
        },
      },
    },
    handler: ({ deps }) => readiness(deps),
  }),
];
