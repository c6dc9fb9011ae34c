// The health rows of the route table, unsigned (gateway/README.md#operations-endpoints): GET
// /healthz, the process is up; GET /readyz, this instance should receive traffic — Redis answers a
// PING in time and the process is not draining — plus, still 200, the warnings operators should act
// on (a working-day calendar missing for a year the deadlines need).
import { pingWithin, type RedisClient } from '../shared/redis.ts';
import { routesFor } from '../http/api-route.ts';
import { headerRef, jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import type { Lifecycle } from '../shared/lifecycle.ts';
import type { CatalogueStatus } from '../catalogue/live-catalogue.ts';

export interface HealthDeps {
  redis: RedisClient;
  lifecycle: Lifecycle;
  pingTimeoutMs: number;
  /** Conditions that do not stop traffic but need an operator; none when absent. */
  readinessWarnings?: () => Promise<readonly object[]>;
  /** Whether the catalogue served is current (live-catalogue.ts); absent: not checked. */
  catalogueStatus?: () => CatalogueStatus;
}

/** The warnings, or none when they cannot be read in time: readiness is about Redis and draining. */
async function warningsWithin(deps: HealthDeps): Promise<readonly object[]> {
  if (!deps.readinessWarnings) return [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<readonly object[]>((resolve) => {
    timer = setTimeout(() => resolve([]), deps.pingTimeoutMs);
  });
  try {
    return await Promise.race([deps.readinessWarnings(), timeout]);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

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
    handler: async ({ deps }) => {
      if (deps.lifecycle.draining) {
        return { status: 503, body: { status: 'draining', checks: { redis: 'skipped' } } };
      }
      const redisUp = await pingWithin(deps.redis, deps.pingTimeoutMs);
      const checks = { redis: redisUp ? 'up' : 'down' };
      if (!redisUp) {
        return {
          status: 503,
          headers: { 'Retry-After': '1' },
          body: { status: 'unavailable', checks },
        };
      }
      // A gateway that cannot bring its catalogue current would validate against an old one:
      // out of rotation until a reload succeeds (gateway/README.md#live-reload).
      const catalogue = deps.catalogueStatus?.();
      if (catalogue && !catalogue.current) {
        return {
          status: 503,
          headers: { 'Retry-After': '1' },
          body: {
            status: 'unavailable',
            checks: { ...checks, catalogue: 'behind' },
            catalogue,
          },
        };
      }
      const warnings = await warningsWithin(deps);
      return {
        status: 200,
        body: {
          status: 'ready',
          checks: catalogue ? { ...checks, catalogue: 'current' } : checks,
          ...(catalogue ? { catalogue: { revision: catalogue.revision } } : {}),
          ...(warnings.length > 0 ? { warnings } : {}),
        },
      };
    },
  }),
];
