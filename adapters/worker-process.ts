// The worker process's parts (gateway/README.md#architecture): the outbox relay, one delivery
// worker per adapter queue (which also runs that adapter's status queries), the silence watch that
// queues them (gateway/README.md#silence-reconciliation), portal callbacks, and the 督办 supervisor
// with the default ratings, on Redis connections that wait out a Redis restart: worker-role ones
// for BullMQ (it blocks on them) and a store-role one, batched, for the case store's own
// commands (gateway/shared/redis.ts). It follows the published catalogue as gateways do
// (gateway/README.md#live-reload) for the typed results, item names and working-day calendar it
// uses, so a version or calendar published while it runs is used without a restart.
// With GW_WORKER_METRICS_PORT it also serves /metrics, /healthz and /readyz
// (worker-operations.ts), started once everything else runs and closed last.
// adapters/worker.ts runs it alone (`npm run start:worker`); `npm start` runs it beside the
// gateway and the sandboxes.
import type { Config } from '../config/load-config.ts';
import { startCallbackWorker } from '../gateway/callbacks/callback-worker.ts';
import { createCaseSystem } from '../gateway/case-system.ts';
import { createStatusQueryRecorder } from '../gateway/cases/record-status-query.ts';
import { createLiveCatalogue, type LiveCatalogue } from '../gateway/catalogue/live-catalogue.ts';
import { connectCatalogue } from '../gateway/catalogue/published/connect-catalogue.ts';
import {
  workerCatalogueBuilder,
  type WorkerCatalogue,
} from '../gateway/catalogue/worker-catalogue.ts';
import { loadDivisionTables } from '../gateway/divisions/load-division-table.ts';
import { startSilenceWatch } from '../gateway/cases/silence-watch.ts';
import { relayOptions, startOutboxRelay } from '../gateway/queues/outbox-relay.ts';
import type { Logger } from '../gateway/shared/logger.ts';
import {
  createRedis,
  duplicateConnection,
  redisSettings,
  StartupError,
  waitForRedis,
} from '../gateway/shared/redis.ts';
import { redisKeys, routeQueueName } from '../gateway/shared/redis-keys.ts';
import { ClosableCluster } from '../gateway/shared/closable-cluster.ts';
import { ClosableRedis } from '../gateway/shared/closable-redis.ts';
import { recordDefaultRatings } from '../gateway/evaluations/default-ratings.ts';
import { recordDefaultReRatings } from '../gateway/rectifications/default-re-ratings.ts';
import { createWorkerMetrics, type WorkerMetrics } from '../gateway/metrics/worker-metrics.ts';
import { createLifecycle } from '../gateway/shared/lifecycle.ts';
import {
  pruneNotices,
  startPeriodic,
  superviseOnce,
  type SupervisorDeps,
} from '../gateway/supervision/supervision.ts';
import { loadSupervisionData } from '../gateway/supervision/supervision-data.ts';
import type { AdapterSettingsTable } from './kit/adapter-config.ts';
import { reportCertificateExpiry } from './kit/certificate-expiry.ts';
import { startAdapterWorker, type AdapterWorker } from './kit/job-runner.ts';
import { ADAPTER_IDS, createAdapter, type AdapterId } from './kit/registry.ts';
import { judgeWorkerFiles, type WorkerFiles } from './worker-start-judgments.ts';
import { startWorkerOperations, type WorkerOperations } from './worker-operations.ts';

export interface RunningWorkers {
  workers: Map<string, AdapterWorker>;
  /** The published catalogue it follows (status(): the revision used, and why it is behind). */
  catalogue: LiveCatalogue<WorkerCatalogue>;
  /** Its delivery and callback workers' metrics (gateway/metrics/worker-metrics.ts). */
  metrics: WorkerMetrics;
  /** Its operations listener; none unless GW_WORKER_METRICS_PORT is set. */
  operations: WorkerOperations | undefined;
  stop: () => Promise<void>;
}

export interface WorkerOptions {
  adapters?: readonly AdapterId[];
  /** Adapter settings; default config/adapters.json (GW_ADAPTERS_FILE). */
  adapterSettings?: AdapterSettingsTable;
  /** The environment NODE_EXTRA_CA_CERTS is read from; default process.env. */
  processEnv?: NodeJS.ProcessEnv;
  /** The clock of every status time; default the system clock. */
  now?: () => Date;
  /**
   * Aborted when the process is told to stop during its start (shared/process-entry.ts): whatever
   * step waits on Redis then (the wait for it, the catalogue's first load, the queues' check) gives
   * up at once, the connections closed, and the start rejects with the signal's reason or an error
   * caused by it (shared/start-abort.ts). None of those steps has a command timeout of its own:
   * a Redis gone just after first answering held a SIGTERM until the shutdown deadline (exit 1).
   */
  signal?: AbortSignal;
  /** The files judged already, by the entry point before it loaded this module. */
  judged?: WorkerFiles;
}

export async function startWorkers(
  config: Config,
  logger: Logger,
  options: WorkerOptions = {},
): Promise<RunningWorkers> {
  const { signal } = options;
  // Read first (worker-start-judgments.ts): a bad adapters, CA, clients file or data key fails the
  // start with its problems before anything connects; a start refused for one writes nothing to
  // Redis, where the catalogue's first load seeds a fresh one. The supervision file too, below.
  const { settings, clients } = options.judged ?? judgeWorkerFiles(config, options);
  const now = options.now ?? (() => new Date());
  // The published catalogue, as the gateways serve it (the seed files when Redis holds none yet):
  // results a status query brings are checked as posted ones are, and masked in callbacks as
  // GET /v1/cases/{id} masks them (schemas/README.md#result-schemas). It follows Redis once
  // connected (below); the calendar is read from it at each use.
  const catalogue = createLiveCatalogue({
    builder: workerCatalogueBuilder({ divisions: loadDivisionTables(), now }),
    logger,
  });
  const supervision = loadSupervisionData(config, () => catalogue.calendar());
  const connection = createRedis('worker', redisSettings(config));
  try {
    // A stop asked for meanwhile (options.signal) ends the wait at once.
    await waitForRedis(connection, config.redisStartupTimeoutMs, signal);
  } catch (error) {
    connection.disconnect();
    // Named by its setting, as the gateway's (gateway-process.ts); a stop's abort passes as it is.
    if (signal?.aborted && error === signal.reason) throw error;
    throw new StartupError(`REDIS_URL: ${(error as Error).message}`, { cause: error });
  }
  const keys = redisKeys(config.keyPrefix, config.redisShards);
  // Our own commands on a connection of their own, batched (shared/batched-redis.ts, role
  // 'store'): a delivery's read and its recorded move share socket writes with those of the
  // jobs beside it (in the dispatch bench ≈ 5 % less worker CPU and ≈ 18 % less Redis CPU per
  // delivery). The catalogue's reads go there too.
  const storeConnection = createRedis('store', redisSettings(config));
  try {
    await connectCatalogue(catalogue, storeConnection, config, signal);
  } catch (error) {
    await catalogue.close();
    storeConnection.disconnect();
    connection.disconnect();
    throw new StartupError(`catalogue: ${(error as Error).message}`, { cause: error });
  }
  // Each read at its use: a reload replaces what the catalogue built and its calendar.
  const results: WorkerCatalogue = {
    resultFor: (code, version) => catalogue.current.resultFor(code, version),
    itemName: (code, version) => catalogue.current.itemName(code, version),
    get ruleContext() {
      return catalogue.current.ruleContext;
    },
  };
  const cases = createCaseSystem({
    redis: storeConnection,
    config,
    supervision,
    log: logger,
    now,
    results,
  });
  const { store } = cases;
  // The relay puts any adapter's cases on its queue, and a queue handle whose server check failed
  // would fail every batch after it: nothing starts but on handles that passed.
  try {
    await cases.ready(ADAPTER_IDS, signal);
  } catch (error) {
    await cases.close();
    await catalogue.close();
    storeConnection.disconnect();
    connection.disconnect();
    throw new StartupError(`queues: ${(error as Error).message}`, { cause: error });
  }
  const serving = config.workerMetricsPort !== undefined;
  // Process metrics as a gateway's, when something can scrape them.
  const metrics = createWorkerMetrics({ defaultMetrics: serving && config.metricsEnabled });
  const callbackWorker = startCallbackWorker({
    connection,
    keys,
    clients,
    sealer: cases.sealer,
    log: logger,
    production: config.env === 'production',
    metrics,
  });
  const statusQueries = createStatusQueryRecorder({
    store,
    calendar: supervision.calendar,
    registry: results,
  });
  const workers = new Map<string, AdapterWorker>();
  const startedAt = now();
  for (const id of options.adapters ?? ADAPTER_IDS) {
    const s = settings[id];
    // Its certificates' expiry, on /metrics and, within 30 days, in a line of this start.
    reportCertificateExpiry(id, s.tls?.expiries ?? [], { metrics, log: logger, now: startedAt });
    workers.set(
      id,
      startAdapterWorker(
        id,
        createAdapter(id, s),
        {
          concurrency: s.concurrency,
          ratePerSecond: s.ratePerSecond,
          lockDurationMs: config.workerLockDurationMs,
          stalledIntervalMs: config.workerStalledIntervalMs,
          breaker: {
            threshold: config.breakerThreshold,
            coolDownMs: config.breakerCoolDownMs,
            maxCoolDownMs: config.breakerCoolDownMs * 10,
          },
          // The adapter's own retry settings, else the global defaults.
          retry: {
            attempts: s.attempts ?? config.deliveryAttempts,
            backoffMs: s.backoffMs ?? config.deliveryBackoffMs,
          },
        },
        {
          connection,
          bullPrefix: keys.queuePrefix(routeQueueName(id)),
          breakerKey: keys.breaker(id),
          store,
          statusQueries,
          itemName: (code, version) => results.itemName(code, version) ?? code,
          log: logger,
          metrics,
        },
      ),
    );
  }
  // Submissions' outbox entries become jobs here (gateway/README.md#outbox-relay).
  const relay = startOutboxRelay(
    { store, queues: cases.queues, callbacks: cases.callbacks, keys, log: logger },
    duplicateConnection(connection),
    relayOptions(config),
  );
  const silenceWatch = startSilenceWatch(
    { store, queues: cases.queues, log: logger },
    { adapters: [...workers.keys()], silenceMs: config.provinceSilenceMs },
  );
  const supervisor: SupervisorDeps = {
    board: cases.board,
    kinds: cases.supervised,
    policy: supervision.policy,
    calendar: supervision.calendar,
    log: logger,
    now,
  };
  const { provinces } = supervision;
  // 督办, the default ratings and re-ratings (gateway/README.md#supervision-engine): every worker
  // runs them; the board, the evaluation step and the rectification step keep each effect single.
  const supervising = startPeriodic(
    'supervision',
    async () => {
      await superviseOnce(supervisor);
      await recordDefaultRatings({
        store,
        evaluations: cases.evaluations,
        provinces,
        log: logger,
        now,
      });
      await recordDefaultReRatings({
        rectifications: cases.rectifications,
        policy: supervision.policy,
        provinces,
        log: logger,
        now,
      });
      await pruneNotices(supervisor, provinces, config.caseRetentionDays);
    },
    config.supervisionIntervalMs,
    logger,
  );
  const lifecycle = createLifecycle();
  let operations: WorkerOperations | undefined;
  const stop = async () => {
    // /readyz answers 503 while the rest stops; the listener closes last.
    lifecycle.startDraining();
    // Everything stops taking work at once (BullMQ's workers fetch no more jobs); what is in
    // flight finishes...
    const stopping = Promise.all([
      relay.stop(),
      silenceWatch.stop(),
      ...[...workers.values()].map((w) => w.close()),
      supervising.stop(),
      callbackWorker.close(),
    ]);
    // ...unless it waits for a Redis that is gone: then it would wait past the shutdown deadline
    // (exit 1). A connection not ready now, or that loses Redis from now on, ends instead, and
    // what waits on it fails (closable-redis.ts, closable-cluster.ts; README.md#operations,
    // Shutdown).
    for (const redis of [connection, storeConnection]) {
      if (redis instanceof ClosableRedis || redis instanceof ClosableCluster) {
        redis.stopWaitingForRedis();
      }
    }
    await stopping;
    await cases.close();
    await catalogue.close();
    await storeConnection.quit().catch(() => storeConnection.disconnect());
    await connection.quit().catch(() => connection.disconnect());
    await operations?.close();
  };
  if (config.workerMetricsPort !== undefined) {
    try {
      operations = await startWorkerOperations(config.workerMetricsPort, config.workerMetricsHost, {
        redis: storeConnection,
        lifecycle,
        pingTimeoutMs: config.redisCommandTimeoutMs,
        catalogueStatus: () => catalogue.status(),
        registry: config.metricsEnabled ? metrics.registry : undefined,
        log: logger,
      });
    } catch (error) {
      await stop();
      // As it is: a port taken or forbidden is named by its setting, GW_WORKER_METRICS_PORT
      // (shared/start-failure.ts); anything else is a bug, its stack kept.
      throw error;
    }
  }
  logger.info({ adapters: [...workers.keys()] }, 'workers started');
  return { workers, catalogue, metrics, operations, stop };
}
