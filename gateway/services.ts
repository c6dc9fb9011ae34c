// Composition root: loads and checks every piece of configuration and data once, at start, and
// wires the use cases (STYLE.md rule 6: nothing global, everything passed down).
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { ulid } from 'ulid';
import type { Config } from '../config/load-config.ts';
import { authenticate } from './auth/authenticate.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/client-registry.ts';
import { rateLimit } from './auth/rate-limit.ts';
import { loadCalendar, type WorkingCalendar } from './calendar/working-days.ts';
import { caseRoutes } from './cases/case-routes.ts';
import { CaseStore } from './cases/case-store.ts';
import type { CatalogueItem } from './catalogue/catalogue-item.ts';
import { catalogueRoutes } from './catalogue/catalogue-routes.ts';
import { createSchemaRegistry, type SchemaRegistry } from './catalogue/schema-registry.ts';
import { divisionRoutes } from './divisions/division-routes.ts';
import type { DivisionTable } from './divisions/division-table.ts';
import { loadDivisionTable } from './divisions/load-division-table.ts';
import { CaseQueues } from './queues/case-queues.ts';
import { loadAlliance } from './routing/alliance.ts';
import type { RoutingContext } from './routing/route-decision.ts';
import { loadRouteTable } from './routing/route-table.ts';
import { routingRoutes } from './routing/routing-routes.ts';
import type { Logger } from './shared/logger.ts';

export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  clients: ClientRegistry;
  divisions: DivisionTable;
  routing: RoutingContext;
  registry: SchemaRegistry;
  calendar: WorkingCalendar;
  store: CaseStore;
  queues: CaseQueues;
}

export interface StaticData {
  clients: ClientRegistry;
  divisions: DivisionTable;
  routing: RoutingContext;
  registry: SchemaRegistry;
  calendar: WorkingCalendar;
}

/** Everything that does not need Redis: config files, division table, catalogue (compiled). */
export function loadStaticData(
  config: Config,
  logger: Logger,
  options: { items?: readonly CatalogueItem[] } = {},
): StaticData {
  const clients = loadClientRegistry({ env: config.env, clientsFile: config.clientsFile });
  const divisions = loadDivisionTable();
  const alliance = loadAlliance();
  const routes = loadRouteTable({ alliance, divisions });
  const registry = createSchemaRegistry({
    divisionExists: (code) => divisions.has(code),
    items: options.items,
  });
  logger.info(
    { compileMs: Math.round(registry.compileMs), ...registry.counts },
    'catalogue compiled',
  );
  return {
    clients,
    divisions,
    routing: { divisions, alliance, routes },
    registry,
    calendar: loadCalendar(),
  };
}

export function createServices(
  config: Config,
  logger: Logger,
  redis: Redis,
  data: StaticData = loadStaticData(config, logger),
): Services {
  return {
    config,
    logger,
    redis,
    ...data,
    store: new CaseStore(redis, config.keyPrefix, config.idempotencyTtlSeconds),
    queues: new CaseQueues(redis, {
      keyPrefix: config.keyPrefix,
      attempts: config.deliveryAttempts,
      backoffMs: config.deliveryBackoffMs,
    }),
  };
}

/** The authenticated /v1 API: signature check and rate limit first, then the feature routers. */
export function apiRouter(services: Services): Router {
  const { config, redis } = services;
  const router = Router();
  router.use(
    '/v1',
    authenticate(services.clients, redis, {
      clockSkewSeconds: config.clockSkewSeconds,
      nonceTtlSeconds: config.nonceTtlSeconds,
      keyPrefix: config.keyPrefix,
    }),
    rateLimit(redis, { keyPrefix: config.keyPrefix, defaultPerSecond: config.rateLimitPerSecond }),
  );
  router.use(
    caseRoutes({
      registry: services.registry,
      routing: services.routing,
      store: services.store,
      queues: services.queues,
      calendar: services.calendar,
      newId: ulid,
      now: () => new Date(),
      log: services.logger,
    }),
  );
  router.use(catalogueRoutes(services.registry));
  router.use(routingRoutes(services.registry, services.routing));
  router.use(divisionRoutes(services.divisions));
  return router;
}
