// Composition root: loads and checks every piece of configuration and data once, at start, and
// wires the use cases (gateway/README.md#construct-dont-patch: nothing global, everything passed
// down).
import { Router, type Express } from 'express';
import { readFileSync } from 'node:fs';
import { buildApp } from './app.ts';
import { createMetrics, metricsRoutes, type GatewayMetrics } from './metrics/metrics.ts';
import { buildOpenApi, type OpenApiDocument } from './openapi/build-openapi.ts';
import { docsRoutes } from './openapi/docs-routes.ts';
import type { Lifecycle } from './shared/lifecycle.ts';
import { projectPath } from './shared/project-root.ts';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { adminRoutes } from './admin/admin-routes.ts';
import { authenticate } from './auth/authenticate.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/client-registry.ts';
import { rateLimit } from './auth/rate-limit.ts';
import { loadCalendar, type WorkingCalendar } from './calendar/working-days.ts';
import type { CallbackQueue } from './callbacks/callback-queue.ts';
import { createCaseSystem } from './case-system.ts';
import { caseRoutes } from './cases/case-routes.ts';
import { newCaseId } from './cases/case-id.ts';
import type { CaseStore } from './cases/case-store.ts';
import type { CatalogueItem } from './catalogue/catalogue-item.ts';
import { catalogueRoutes } from './catalogue/catalogue-routes.ts';
import { createSchemaRegistry, type SchemaRegistry } from './catalogue/schema-registry.ts';
import { divisionRoutes } from './divisions/division-routes.ts';
import type { DivisionTable } from './divisions/division-table.ts';
import { loadDivisionTable } from './divisions/load-division-table.ts';
import type { CaseQueues } from './queues/case-queues.ts';
import { loadAlliance, type Alliance } from './routing/alliance.ts';
import type { RoutingContext } from './routing/route-decision.ts';
import { loadRouteTable } from './routing/route-table.ts';
import { routingRoutes } from './routing/routing-routes.ts';
import type { Logger } from './shared/logger.ts';
import { redisKeys } from './shared/redis-keys.ts';
import type { SupervisionSchedule } from './supervision/supervision-schedule.ts';

export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  clients: ClientRegistry;
  divisions: DivisionTable;
  routing: RoutingContext;
  registry: SchemaRegistry;
  calendar: WorkingCalendar;
  openapi: OpenApiDocument;
  store: CaseStore;
  queues: CaseQueues;
  callbacks: CallbackQueue;
  schedule: SupervisionSchedule;
  /** Closes the queue handles (not the Redis connection). */
  closeQueues: () => Promise<void>;
  metrics: GatewayMetrics;
  /** The clock of every status time (tests may pass their own). */
  now: () => Date;
}

export interface StaticData {
  clients: ClientRegistry;
  divisions: DivisionTable;
  routing: RoutingContext;
  registry: SchemaRegistry;
  calendar: WorkingCalendar;
  openapi: OpenApiDocument;
}

/** Everything that does not need Redis: config files, division table, catalogue (compiled). */
export function loadStaticData(
  config: Config,
  logger: Logger,
  options: { items?: readonly CatalogueItem[]; alliance?: Alliance } = {},
): StaticData {
  const clients = loadClientRegistry({ env: config.env, clientsFile: config.clientsFile });
  const divisions = loadDivisionTable();
  const alliance = options.alliance ?? loadAlliance();
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
    openapi: buildOpenApi({ registry, version: packageVersion() }),
  };
}

export function createServices(
  config: Config,
  logger: Logger,
  redis: Redis,
  data: StaticData = loadStaticData(config, logger),
  now: () => Date = () => new Date(),
): Services {
  const cases = createCaseSystem({ redis, config, log: logger, now });
  return {
    config,
    logger,
    redis,
    ...data,
    store: cases.store,
    queues: cases.queues,
    callbacks: cases.callbacks,
    schedule: cases.schedule,
    closeQueues: cases.close,
    metrics: createMetrics(),
    now,
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The whole HTTP gateway for these services: main.ts and the tests build it the same way. */
export function gatewayApp(services: Services, lifecycle: Lifecycle): Express {
  const { config } = services;
  const publicRouters: Router[] = [];
  if (config.metricsEnabled)
    publicRouters.push(metricsRoutes(services.metrics, { observe: false }));
  if (config.docsEnabled) publicRouters.push(docsRoutes({ document: services.openapi }));
  return buildApp({
    logger: services.logger,
    redis: services.redis,
    lifecycle,
    bodyLimitBytes: config.bodyLimitBytes,
    readinessTimeoutMs: config.redisCommandTimeoutMs,
    trustProxy: config.trustProxy,
    retryAfterSeconds: config.retryAfterSeconds,
    observe: services.metrics.observeRequests,
    publicRouters,
    routers: [apiRouter(services)],
  });
}

/** The authenticated /v1 API: signature check and rate limit first, then the feature routers. */
export function apiRouter(services: Services): Router {
  const { config, redis } = services;
  const keys = redisKeys(config.keyPrefix);
  const router = Router();
  router.use(
    '/v1',
    authenticate(services.clients, redis, {
      clockSkewSeconds: config.clockSkewSeconds,
      nonceTtlSeconds: config.nonceTtlSeconds,
      keys,
    }),
    rateLimit(redis, { keys, defaultPerSecond: config.rateLimitPerSecond }),
  );
  router.use(
    caseRoutes({
      registry: services.registry,
      routing: services.routing,
      store: services.store,
      queues: services.queues,
      calendar: services.calendar,
      newId: newCaseId,
      production: config.env === 'production',
      now: services.now,
      onSubmitted: (itemCode, adapters) => {
        for (const adapter of adapters) services.metrics.caseSubmitted(itemCode, adapter);
      },
    }),
  );
  router.use(adminRoutes({ store: services.store, queues: services.queues }));
  router.use(catalogueRoutes(services.registry));
  router.use(routingRoutes(services.registry, services.routing));
  router.use(divisionRoutes(services.divisions));
  return router;
}
