// The HTTP gateway process's parts: checks Redis, builds the services, listens, runs the outbox
// reconciler, and shuts down gracefully. gateway/main.ts runs it (`npm run start:gateway`);
// `npm start` and the tests start it in their own process.
import type { Server } from 'node:http';
import type { Config } from '../config/load-config.ts';
import { startReconciler } from './cases/reconciler.ts';
import { createHttpServer, listen } from './http/http-server.ts';
import { createServices, gatewayApp, loadStaticData } from './services.ts';
import { createCatalogueCompiler } from './catalogue/catalogue-compiler.ts';
import { createLiveCatalogue } from './catalogue/live-catalogue.ts';
import { registryBuilder } from './catalogue/schema-registry.ts';
import { connectCatalogue } from './catalogue/published/connect-catalogue.ts';
import { loadDivisionTables } from './divisions/load-division-table.ts';
import { createLifecycle } from './shared/lifecycle.ts';
import type { Logger } from './shared/logger.ts';
import { rateLimitedLog } from './shared/rate-limited-log.ts';
import {
  createRedis,
  judgeRedis,
  readRedisFacts,
  redisDurability,
  redisSettings,
  StartupError,
  waitForRedis,
} from './shared/redis.ts';
import { unlessAborted } from './shared/start-abort.ts';
import { createShutdown, type ShutdownOutcome } from './shared/shutdown.ts';
import { startPeriodic } from './supervision/supervision.ts';
import { judgeOperatorFiles, type OperatorFiles } from './start-judgments.ts';

export interface RunningGateway {
  server: Server;
  port: number;
  stop: () => Promise<ShutdownOutcome>;
}

/**
 * `signal`: aborted when the process is told to stop during its start (shared/process-entry.ts):
 * whatever step waits on Redis then (the wait for it, its checks, the catalogue's first load, the
 * queues' check) gives up at once, the connections closed, and the start rejects with the signal's
 * reason or an error caused by it (shared/start-abort.ts). The catalogue's reads are held to the
 * start-up timeout and the queues' connection waits for Redis to come back, both past the shutdown
 * deadline: a SIGTERM while Redis stopped answering there ended in exit 1, "did not stop cleanly".
 */
export async function startGateway(
  config: Config,
  logger: Logger,
  signal?: AbortSignal,
  /** The clients and data keys, when the entry point judged them already (start-judgments.ts). */
  judged: OperatorFiles = judgeOperatorFiles(config),
): Promise<RunningGateway> {
  // What the operator gave that needs no Redis is judged before connecting: the clients file and
  // its secrets, the data keys (start-judgments.ts, judged by the default parameter unless the
  // entry point judged them before loading this module), the routing files and the supervision
  // file (loadStaticData). A start refused for one writes nothing to Redis; they were judged after
  // the catalogue's load, which seeds a fresh Redis first.
  const { clients } = judged;
  // The catalogue follows Redis once it is connected (below); what is built on it reads it at use.
  const tables = loadDivisionTables();
  const compiler = createCatalogueCompiler({ divisions: tables });
  const catalogue = createLiveCatalogue({ builder: registryBuilder(compiler), logger });
  const data = loadStaticData(config, logger, { tables, catalogue, clients });
  const redis = createRedis('http', redisSettings(config));
  try {
    await waitForRedis(redis, config.redisStartupTimeoutMs, signal);
    const durability = redisDurability(config);
    const facts = await unlessAborted(readRedisFacts(redis), signal, () => redis.disconnect());
    const verdict = judgeRedis(facts, durability);
    if (verdict.problems.length > 0) throw new StartupError(verdict.problems.join('; '));
    for (const warning of verdict.warnings) logger.warn({ durability }, warning);
  } catch (error) {
    redis.disconnect();
    if (signal?.aborted && error === signal.reason) throw error;
    // Named by its setting: the operator's line says which Redis did not answer.
    throw error instanceof StartupError
      ? error
      : new StartupError(`REDIS_URL: ${(error as Error).message}`, { cause: error });
  }

  // The catalogue in Redis (the seed files on the first start), compiled before listening.
  try {
    await connectCatalogue(catalogue, redis, config, signal);
  } catch (error) {
    await catalogue.close();
    redis.disconnect();
    throw new StartupError(`catalogue: ${(error as Error).message}`, { cause: error });
  }
  const services = createServices(config, logger, redis, data);
  // A queue handle whose server check failed fails every later use: no start with one.
  try {
    await services.queuesReady(signal);
  } catch (error) {
    await services.closeQueues();
    await catalogue.close();
    redis.disconnect();
    throw new StartupError(`queues: ${(error as Error).message}`, { cause: error });
  }
  // Redis coming back without its data is found within a reconcile interval
  // (shared/redis-data-loss.ts). A mark not adopted now (Redis gone again) is adopted by the
  // first check: no start fails for it.
  await services.dataLoss.start().catch(() => undefined);
  const dataLoss = startPeriodic(
    'redis-data-loss',
    () => services.dataLoss.check(),
    config.reconcileIntervalMs,
    logger,
  );
  const reconciler = startReconciler(
    services,
    { intervalMs: config.reconcileIntervalMs, ageMs: config.reconcileAgeMs },
    logger,
  );
  // A calendar year published while no gateway ran, or whose recount a stopped gateway left
  // unfinished, is recounted now; one published later within a reconcile interval of its reload
  // (gateway/README.md#calendar-recount). Each gateway looks; one runs each year.
  const recounts = startPeriodic(
    'calendar-recount',
    () => services.calendarRecount.runPending(),
    config.reconcileIntervalMs,
    logger,
  );
  // An operator action whose process stopped before its outcome was in the audit chain is
  // recorded there as interrupted (audit/action-intents.ts). Each gateway looks; one records each.
  const interrupted = startPeriodic(
    'interrupted-operator-actions',
    async () => {
      const recorded = await services.audit.intents.recordInterrupted();
      if (recorded > 0)
        logger.warn(
          { recorded },
          'operator actions whose gateway stopped before they ended recorded in the audit chain',
        );
    },
    config.reconcileIntervalMs,
    logger,
  );
  const lifecycle = createLifecycle();
  const app = gatewayApp(services, lifecycle);
  // Timeouts, keep-alive and problem+json for what the HTTP parser refuses (http/http-server.ts).
  const server = createHttpServer(app, config, rateLimitedLog(logger));
  const port = await listen(server, config.port, config.host);
  logger.info({ port, host: config.host }, 'gateway listening');

  const stop = createShutdown({
    server,
    lifecycle,
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    closers: [
      { name: 'reconciler', close: () => reconciler.stop() },
      { name: 'calendar-recount', close: () => recounts.stop() },
      { name: 'redis-data-loss', close: () => dataLoss.stop() },
      { name: 'interrupted-operator-actions', close: () => interrupted.stop() },
      { name: 'catalogue', close: () => catalogue.close() },
      { name: 'queues', close: () => services.closeQueues() },
      { name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) },
    ],
  });
  return { server, port, stop };
}
