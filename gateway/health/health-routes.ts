// The health rows of the route table, unsigned (gateway/README.md#operations-endpoints): GET
// /healthz, the process is up; GET /readyz, this instance should receive traffic — Redis answers a
// PING in time and the process is not draining.
import type { Redis } from 'ioredis';
import { routesFor } from '../http/api-route.ts';
import { headerRef, jsonResponse, schemaRef } from '../openapi/shared-components.ts';
import type { Lifecycle } from '../shared/lifecycle.ts';

export interface HealthDeps {
  redis: Redis;
  lifecycle: Lifecycle;
  pingTimeoutMs: number;
}

async function pingWithin(redis: Redis, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
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
      summary: 'Redis reachable and not draining',
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
      return redisUp
        ? { status: 200, body: { status: 'ready', checks } }
        : { status: 503, headers: { 'Retry-After': '1' }, body: { status: 'unavailable', checks } };
    },
  }),
];
