// Readiness, one answer for every process that serves /readyz (gateway/README.md#operations-endpoints):
// the gateway's route (health-routes.ts) and a worker's operations listener
// (adapters/worker-operations.ts). Ready: not draining, Redis answers a PING in time and, when the
// process follows the published catalogue, its last reload succeeded — a gateway behind would
// validate against an old catalogue, a worker would check results and name items by one
// (gateway/README.md#live-reload). Else 503 with the reason in the body. Warnings (a working-day
// calendar missing for a year the deadlines need) keep it 200.
import type { CatalogueStatus } from '../catalogue/live-catalogue.ts';
import type { Lifecycle } from '../shared/lifecycle.ts';
import { pingWithin, type RedisClient } from '../shared/redis.ts';

export interface ReadinessDeps {
  redis: RedisClient;
  lifecycle: Lifecycle;
  pingTimeoutMs: number;
  /** Conditions that do not stop traffic but need an operator; none when absent. */
  readinessWarnings?: () => Promise<readonly object[]>;
  /** Whether the catalogue followed is current (live-catalogue.ts); absent: not checked. */
  catalogueStatus?: () => CatalogueStatus;
}

export interface ReadinessAnswer {
  status: number;
  headers?: Record<string, string>;
  body: object;
}

/** The warnings, or none when they cannot be read in time: readiness is about Redis and draining. */
async function warningsWithin(deps: ReadinessDeps): Promise<readonly object[]> {
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

export async function readiness(deps: ReadinessDeps): Promise<ReadinessAnswer> {
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
  // Out of rotation until a reload succeeds (the poll retries it every GW_CATALOGUE_POLL_MS).
  const catalogue = deps.catalogueStatus?.();
  if (catalogue && !catalogue.current) {
    return {
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { status: 'unavailable', checks: { ...checks, catalogue: 'behind' }, catalogue },
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
}
