// Composition root: loads and checks every piece of configuration and data once, at start, and
// wires the use cases to the route table (gateway/README.md#construct-dont-patch: nothing global,
// everything passed down).
import type { Express, Router } from 'express';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { API_ROUTES, servedRoutes, type ApiDeps } from './api-routes.ts';
import { buildApp } from './app.ts';
import { isPublic, routeRouter } from './http/mount-routes.ts';
import { inFlightBound } from './http/in-flight-bound.ts';
import { gatewayRouter } from './http/router.ts';
import { createMetrics, type GatewayMetrics } from './metrics/metrics.ts';
import { buildOpenApi, type OpenApiDocument } from './openapi/build-openapi.ts';
import { docsPages } from './openapi/docs-routes.ts';
import type { Lifecycle } from './shared/lifecycle.ts';
import { projectPath } from './shared/project-root.ts';
import type { RedisClient } from './shared/redis.ts';
import type { Config } from '../config/load-config.ts';
import { createAuditLog, type AuditLog } from './audit/audit-log.ts';
import { AuditCheckpoints } from './audit/audit-checkpoint.ts';
import { createAuditVerifier, type AuditVerifier } from './audit/audit-verification.ts';
import { loadDataKeys } from './personal-data/data-keys.ts';
import { createCatalogueAdmin, type CatalogueAdmin } from './catalogue/admin/catalogue-admin.ts';
import { createCatalogueStore } from './catalogue/published/catalogue-store.ts';
import { ulid } from 'ulid';
import { authenticate } from './auth/authenticate.ts';
import { consoleDeps, consoleRouter, consoleShedPage } from './console/console-router.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/client-registry.ts';
import { rateLimit } from './auth/rate-limit.ts';
import { secretUseLedger, type SecretUseLedger } from './auth/secret-use.ts';
import { rateLimitedLog } from './shared/rate-limited-log.ts';
import type { CalendarWarning } from './calendar/calendar-warnings.ts';
import type { CalendarSource } from './calendar/working-days.ts';
import type { CallbackQueue } from './callbacks/callback-queue.ts';
import { createCaseSystem } from './case-system.ts';
import { newCaseId } from './cases/case-id.ts';
import type { CaseStore } from './cases/case-store.ts';
import type { SubmissionSchedule } from './cases/submit-case.ts';
import type { CatalogueItem } from './catalogue/catalogue-item.ts';
import { createCatalogueCompiler } from './catalogue/catalogue-compiler.ts';
import { sourcesFromFiles } from './catalogue/item-source.ts';
import { createLiveCatalogue, type LiveCatalogue } from './catalogue/live-catalogue.ts';
import { loadCatalogue } from './catalogue/catalogue-loader.ts';
import {
  compileRegistry,
  registryBuilder,
  type SchemaRegistry,
} from './catalogue/schema-registry.ts';
import type { DivisionTable } from './divisions/division-table.ts';
import { loadDivisionTables, type DivisionTables } from './divisions/load-division-table.ts';
import type { CaseQueues } from './queues/case-queues.ts';
import { loadAlliance, type Alliance } from './routing/alliance.ts';
import type { RoutingContext } from './routing/route-decision.ts';
import { loadRouteTable } from './routing/route-table.ts';
import type { Logger } from './shared/logger.ts';
import { redisKeys } from './shared/redis-keys.ts';
import { createReplicaBarrier, type Replicated } from './shared/replica-barrier.ts';
import type { EvaluationStore } from './evaluations/evaluation-store.ts';
import { evaluationsPart } from './evaluations/evaluation-view.ts';
import { registerDeliveryMetrics } from './metrics/delivery-metrics.ts';
import { deliveryBacklogReader, type DeliveryBacklog } from './queues/delivery-backlog.ts';
import {
  registerCalendarRecountMetrics,
  registerSupervisionMetrics,
} from './metrics/supervision-metrics.ts';
import { createCalendarRecount, type CalendarRecount } from './supervision/calendar-recount.ts';
import { registerReconcilerMetrics, type ReconcilerMetrics } from './metrics/reconciler-metrics.ts';
import { untoldMovesReader } from './cases/untold-moves.ts';
import type { RectificationStore } from './rectifications/rectification-store.ts';
import type { RectificationOpener } from './evaluations/rectification-opener.ts';
import type { SupervisedKind } from './supervision/supervised-subject.ts';
import type { SupervisionBoard } from './supervision/supervision-board.ts';
import { loadSupervisionData } from './supervision/supervision-data.ts';
import type { SupervisionPolicy } from './supervision/supervision-policy.ts';
import { readinessWarnings } from './supervision/readiness-warnings.ts';
import { redisDataLossWatch, type RedisDataLossWatch } from './shared/redis-data-loss.ts';

export interface Services {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  clients: ClientRegistry;
  divisions: DivisionTable;
  routing: RoutingContext;
  /** The catalogue served now (catalogue.current, read at each use: publishes replace it). */
  readonly registry: SchemaRegistry;
  catalogue: LiveCatalogue;
  calendar: CalendarSource;
  policy: SupervisionPolicy;
  provinces: readonly string[];
  /** Built from the catalogue served now. */
  readonly openapi: OpenApiDocument;
  store: CaseStore;
  queues: CaseQueues;
  callbacks: CallbackQueue;
  board: SupervisionBoard;
  evaluations: EvaluationStore;
  rectifications: RectificationStore;
  opener: RectificationOpener;
  /** The operators' audit chain: every operator action and refused attempt. */
  audit: AuditLog;
  /** The chain verified from its checkpoint (the console's page) or whole (audit-verification.ts). */
  auditVerifier: AuditVerifier;
  /** Drafts, four-eyes publishing and versions of the catalogue (the console calls it too). */
  catalogueAdmin: CatalogueAdmin;
  /** What the 督办 engine supervises (the worker runs it; tests may run a pass). */
  supervised: readonly SupervisedKind[];
  /** A routed case's 督办 schedule, written by its submission. */
  schedule: SubmissionSchedule;
  /** Due times counted again once a year's calendar is published (the gateway process runs it). */
  calendarRecount: CalendarRecount;
  /**
   * With GW_REDIS_WAIT_REPLICAS: the wait of every write the gateway acknowledges for its replicas
   * (shared/replica-barrier.ts); absent without it. The use cases behind the routes and the
   * console call it after their writes, operator actions through the audit log (auditedAction).
   */
  replicated?: Replicated;
  /**
   * Every route's queue and the callbacks' have checked the server (CaseSystem#ready); `signal`:
   * a start that stops gives up the check.
   */
  queuesReady: (signal?: AbortSignal) => Promise<void>;
  /** Closes the queue handles and the connections made for them and the replica wait (not the Redis connection). */
  closeQueues: () => Promise<void>;
  metrics: GatewayMetrics;
  /**
   * When each secret of a rotating client was last accepted, by any gateway: written as this one
   * accepts them, read by the clients' listing (auth/secret-use.ts).
   */
  secretUse: SecretUseLedger;
  /**
   * What this gateway's reconciler did, on the registry of `metrics`, with the moves waiting in
   * the outboxes read at each scrape (metrics/reconciler-metrics.ts).
   */
  reconcilerMetrics: ReconcilerMetrics;
  /**
   * The delivery backlog now (queues/delivery-backlog.ts): outbox, adapter queues, dead letters,
   * for every shard and adapter. /metrics and the console's overview read it.
   */
  backlog: () => Promise<DeliveryBacklog>;
  /** What /readyz reports as warnings (a missing working-day calendar). */
  readinessWarnings: () => Promise<CalendarWarning[]>;
  /** Whether Redis lost its data while gateways ran: /readyz's `redis-data-lost` warning. */
  dataLoss: RedisDataLossWatch;
  /** The clock of every status time (tests may pass their own). */
  now: () => Date;
}

export interface StaticData {
  clients: ClientRegistry;
  divisions: DivisionTable;
  /** Both division tables (member and national), as drafts are validated with them. */
  tables: DivisionTables;
  routing: RoutingContext;
  /** The catalogue: compiled from the files, or following the catalogue in Redis once connected. */
  catalogue: LiveCatalogue;
  /** The working-day calendar in force (the catalogue's calendars). */
  calendar: CalendarSource;
  /** 督办 and 好差评 deadlines per province. */
  policy: SupervisionPolicy;
  /** The alliance's provinces. */
  provinces: readonly string[];
}

export interface StaticDataOptions {
  items?: readonly CatalogueItem[];
  alliance?: Alliance;
  now?: () => Date;
  /** Division tables already loaded (the gateway process loads them to compile the catalogue). */
  tables?: DivisionTables;
  /**
   * A catalogue that follows Redis (gateway-process.ts connects it once these files are judged);
   * default: the files, compiled.
   */
  catalogue?: LiveCatalogue;
  /** Clients already loaded (gateway-process.ts reads them before Redis); default: the file. */
  clients?: ClientRegistry;
}

/** The catalogue compiled from the files (revision 0); connect() later follows Redis. */
export function fileCatalogue(
  logger: Logger,
  options: { tables: DivisionTables; items?: readonly CatalogueItem[]; now?: () => Date },
): LiveCatalogue {
  const started = performance.now();
  const compiler = createCatalogueCompiler({ divisions: options.tables, now: options.now });
  const sources = sourcesFromFiles(projectPath('schemas'), options.items ?? loadCatalogue());
  const registry = compileRegistry(compiler, sources, started);
  logger.info(
    { compileMs: Math.round(registry.compileMs), ...registry.counts },
    'catalogue compiled',
  );
  return createLiveCatalogue({
    builder: registryBuilder(compiler),
    logger,
    initial: { sources, built: registry },
  });
}

/** Everything that does not need Redis: config files, division table, catalogue (compiled). */
export function loadStaticData(
  config: Config,
  logger: Logger,
  options: StaticDataOptions = {},
): StaticData {
  const clients =
    options.clients ?? loadClientRegistry({ env: config.env, clientsFile: config.clientsFile });
  // Routing uses the members' table; payload fields that name a place, the national one.
  const tables = options.tables ?? loadDivisionTables();
  const divisions = tables.member;
  const alliance = options.alliance ?? loadAlliance();
  const routes = loadRouteTable({ alliance, divisions });
  const catalogue =
    options.catalogue ?? fileCatalogue(logger, { tables, items: options.items, now: options.now });
  return {
    clients,
    divisions,
    tables,
    routing: { divisions, alliance, routes },
    catalogue,
    // The calendars are published with the catalogue (a calendar draft reaches every gateway).
    ...loadSupervisionData(config, () => catalogue.calendar(), alliance),
  };
}

/** The OpenAPI document of the catalogue served now, built once per revision. */
function openApiOf(catalogue: LiveCatalogue): () => OpenApiDocument {
  let built: { registry: SchemaRegistry; document: OpenApiDocument } | undefined;
  return () => {
    const registry = catalogue.current;
    if (built?.registry !== registry)
      built = {
        registry,
        document: buildOpenApi({ routes: API_ROUTES, registry, version: packageVersion() }),
      };
    return built.document;
  };
}

export function createServices(
  config: Config,
  logger: Logger,
  redis: RedisClient,
  data: StaticData = loadStaticData(config, logger),
  now: () => Date = () => new Date(),
): Services {
  const cases = createCaseSystem({
    redis,
    config,
    supervision: data,
    log: logger,
    now,
    // Read at each use: a publish replaces the registry.
    results: {
      resultFor: (code, version) => data.catalogue.current.resultFor(code, version),
      get ruleContext() {
        return data.catalogue.current.ruleContext;
      },
    },
  });
  // Every route's queue from the start, not at its first replay (CaseQueues#open).
  const adapters = data.routing.routes.adapters();
  cases.queues.open(adapters);
  const metrics = createMetrics();
  const warnings = readinessWarnings({ board: cases.board, calendar: data.calendar, now });
  registerSupervisionMetrics(metrics.registry, { board: cases.board, warnings });
  const backlog = deliveryBacklogReader({
    redis,
    keys: redisKeys(config.keyPrefix, config.redisShards),
    queues: cases.queues,
    adapters,
  });
  registerDeliveryMetrics(metrics.registry, backlog);
  const reconcilerMetrics = registerReconcilerMetrics(
    metrics.registry,
    untoldMovesReader({
      store: cases.store,
      rectifications: cases.rectifications,
      provinces: data.provinces,
    }),
  );
  const openapi = openApiOf(data.catalogue);
  const keys = redisKeys(config.keyPrefix);
  const barrier =
    config.redisWaitReplicas > 0
      ? createReplicaBarrier(
          redis,
          redisKeys(config.keyPrefix, config.redisShards),
          {
            replicas: config.redisWaitReplicas,
            timeoutMs: config.redisWaitTimeoutMs,
            retryAfterSeconds: config.retryAfterSeconds,
            onBehind: () => metrics.replicasBehind(),
          },
          logger,
        )
      : undefined;
  const replicated = barrier?.reached;
  const audit = createAuditLog({ redis, keys, now, ...(replicated ? { replicated } : {}) });
  const auditVerifier = createAuditVerifier({
    audit,
    checkpoints: new AuditCheckpoints({ redis, keys: keys.audit, dataKeys: loadDataKeys(config) }),
    now,
  });
  return {
    config,
    logger,
    redis,
    ...data,
    get registry() {
      return data.catalogue.current;
    },
    get openapi() {
      return openapi();
    },
    store: cases.store,
    queues: cases.queues,
    callbacks: cases.callbacks,
    board: cases.board,
    evaluations: cases.evaluations,
    rectifications: cases.rectifications,
    opener: cases.opener,
    audit,
    auditVerifier,
    catalogueAdmin: createCatalogueAdmin({
      redis,
      store: createCatalogueStore(redis, keys.catalogue),
      audit,
      catalogue: data.catalogue,
      divisions: data.tables,
      now,
      sunsetDays: config.catalogueSunsetDays,
      newId: ulid,
      idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    }),
    ...(replicated ? { replicated } : {}),
    supervised: cases.supervised,
    schedule: cases.schedule,
    calendarRecount: createCalendarRecount({
      redis,
      keys: keys.catalogue,
      board: cases.board,
      kinds: cases.supervised,
      calendar: data.calendar,
      servedRevision: () => data.catalogue.status().revision,
      audit,
      log: logger,
      now,
      settleMs: 2 * config.cataloguePollMs,
      onRecounted: registerCalendarRecountMetrics(metrics.registry),
    }),
    queuesReady: (signal) => cases.ready(adapters, signal),
    closeQueues: async () => {
      await cases.close();
      await barrier?.close();
    },
    metrics,
    secretUse: secretUseLedger({
      redis,
      keys,
      log: rateLimitedLog(logger),
      now: () => now().getTime(),
    }),
    reconcilerMetrics,
    backlog,
    readinessWarnings: warnings,
    dataLoss: redisDataLossWatch({
      redis,
      keys,
      logger,
      lost: 'cases, delivery jobs, sessions and the audit chain stored before are gone (README.md#redis-durability)',
      now,
    }),
    now,
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** What the route table's handlers are given: the services, plus this process's lifecycle. */
function apiDeps(services: Services, lifecycle: Lifecycle): ApiDeps {
  const { config } = services;
  // Read at start when served, so a missing swagger-ui-dist stops the start, not a page view;
  // the OpenAPI bytes again after each publish (docsPages memoises per document).
  let docs = config.docsEnabled ? docsPages(services.openapi) : undefined;
  return {
    redis: services.redis,
    lifecycle,
    pingTimeoutMs: config.redisCommandTimeoutMs,
    catalogueStatus: () => services.catalogue.status(),
    get registry() {
      return services.registry;
    },
    routing: services.routing,
    divisions: services.divisions,
    store: services.store,
    queues: services.queues,
    calendar: services.calendar,
    schedule: services.schedule,
    policy: services.policy,
    provinces: services.provinces,
    board: services.board,
    callbacks: services.callbacks,
    evaluations: services.evaluations,
    rectifications: services.rectifications,
    opener: services.opener,
    audit: services.audit,
    auditVerifier: services.auditVerifier,
    catalogueAdmin: services.catalogueAdmin,
    calendarRecount: services.calendarRecount,
    caseViewParts: [evaluationsPart(services.evaluations)],
    readinessWarnings: async () => [
      ...(await services.readinessWarnings()),
      ...(await services.dataLoss.warnings()),
    ],
    metrics: services.metrics,
    clients: services.clients,
    secretUse: services.secretUse,
    rateLimitPerSecond: config.rateLimitPerSecond,
    get docs() {
      if (!docs) throw new Error('the docs routes are switched off (GW_DOCS_ENABLED=false)');
      if (docs.document !== services.openapi) docs = docsPages(services.openapi);
      return docs;
    },
    newId: newCaseId,
    ...(services.replicated ? { replicated: services.replicated } : {}),
    production: config.env === 'production',
    now: services.now,
    onSubmitted: (itemCode, adapters) => {
      for (const adapter of adapters) services.metrics.caseSubmitted(itemCode, adapter);
    },
  };
}

/** The whole HTTP gateway for these services: main.ts and the tests build it the same way. */
export function gatewayApp(services: Services, lifecycle: Lifecycle): Express {
  const { config } = services;
  const routes = servedRoutes(config);
  const deps = apiDeps(services, lifecycle);
  return buildApp({
    logger: services.logger,
    bodyLimitBytes: config.bodyLimitBytes,
    bodyTimeoutMs: config.bodyTimeoutMs,
    trustProxy: config.trustProxy,
    retryAfterSeconds: config.retryAfterSeconds,
    observe: services.metrics.observeRequests,
    shed: inFlightBound({
      limit: config.maxInFlight,
      retryAfterSeconds: config.retryAfterSeconds,
      onShed: () => services.metrics.requestShed(),
      onCount: (count) => services.metrics.requestsInFlight(count),
    }).handler,
    publicRouters: [
      routeRouter(routes.filter(isPublic), deps),
      consoleRouter(consoleDeps(services)),
    ],
    routers: [
      signedRouter(
        services,
        routeRouter(
          routes.filter((r) => !isPublic(r)),
          deps,
          { audit: services.audit },
        ),
      ),
    ],
    errorPages: [consoleShedPage(config.retryAfterSeconds, services.logger)],
  });
}

/** The signed /v1 API: signature check and rate limit first, then the table's signed rows. */
function signedRouter(services: Services, routes: Router): Router {
  const { config, redis } = services;
  const keys = redisKeys(config.keyPrefix, config.redisShards);
  const router = gatewayRouter();
  router.use(
    '/v1',
    authenticate(services.clients, redis, {
      clockSkewSeconds: config.clockSkewSeconds,
      nonceTtlSeconds: config.nonceTtlSeconds,
      keys,
      secretMatched: (client, secret) => {
        services.metrics.secretMatched(client, secret);
        services.secretUse.accepted(client, secret);
      },
    }),
    rateLimit(redis, { keys, defaultPerSecond: config.rateLimitPerSecond }),
  );
  router.use(routes);
  return router;
}
