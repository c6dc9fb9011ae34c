// The worker process (gateway/README.md#architecture): one delivery worker per adapter queue plus
// the joint-case queue, on worker-role Redis connections (BullMQ blocks on them and waits out a
// Redis restart). `npm run start:worker` runs it alone; `npm start` runs it beside the gateway and
// the sandboxes.
import { Worker } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import { loadClientRegistry } from '../gateway/auth/client-registry.ts';
import { CallbackQueue, callbackNotifier } from '../gateway/callbacks/callback-queue.ts';
import { startCallbackWorker } from '../gateway/callbacks/callback-worker.ts';
import { CaseStore } from '../gateway/cases/case-store.ts';
import { advanceParent } from '../gateway/cases/joint-parent.ts';
import { loadCatalogue } from '../gateway/catalogue/catalogue-loader.ts';
import { JOINT_QUEUE, type DeliveryJob } from '../gateway/queues/case-queues.ts';
import type { Logger } from '../gateway/shared/logger.ts';
import { runProcess } from '../gateway/shared/process-entry.ts';
import { createRedis, waitForRedis } from '../gateway/shared/redis.ts';
import { startSupervisor } from '../gateway/supervision/supervision.ts';
import { redisSettings } from '../gateway/main.ts';
import {
  ADAPTER_IDS,
  loadAdapterSettings,
  type AdapterId,
  type AdapterSettingsTable,
} from './kit/adapter-config.ts';
import { startAdapterWorker, type AdapterWorker } from './kit/job-runner.ts';
import { createAdapter } from './kit/registry.ts';

export interface RunningWorkers {
  workers: Map<string, AdapterWorker>;
  stop: () => Promise<void>;
}

export interface WorkerOptions {
  adapters?: readonly AdapterId[];
  /** Adapter settings; default config/adapters.json (GW_ADAPTERS_FILE). */
  adapterSettings?: AdapterSettingsTable;
}

export async function startWorkers(
  config: Config,
  logger: Logger,
  options: WorkerOptions = {},
): Promise<RunningWorkers> {
  const connection = createRedis('worker', redisSettings(config));
  await waitForRedis(connection, config.redisStartupTimeoutMs);
  const store = new CaseStore(connection, config.keyPrefix, config.idempotencyTtlSeconds);
  const callbackQueue = new CallbackQueue(connection, config.keyPrefix);
  store.onTransition = callbackNotifier(callbackQueue, logger);
  const callbackWorker = startCallbackWorker({
    connection,
    keyPrefix: config.keyPrefix,
    clients: loadClientRegistry({ env: config.env, clientsFile: config.clientsFile }),
    log: logger,
  });
  const settings =
    options.adapterSettings ?? loadAdapterSettings({ env: config.env, file: config.adaptersFile });
  const names = new Map(loadCatalogue().map((i) => [`${i.code}@${i.version}`, i.name]));
  const bullPrefix = `${config.keyPrefix}:bull`;
  const workers = new Map<string, AdapterWorker>();
  for (const id of options.adapters ?? ADAPTER_IDS) {
    const s = settings[id];
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
        },
        {
          connection,
          bullPrefix,
          store,
          itemName: (code, version) => names.get(`${code}@${version}`) ?? code,
          log: logger,
        },
      ),
    );
  }
  // A joint parent's job runs once every child is delivered: the parent then advances.
  const joint = new Worker<DeliveryJob>(
    JOINT_QUEUE,
    async (job) => advanceParent(store, job.data.caseId),
    { connection, prefix: bullPrefix, concurrency: 4 },
  );
  joint.on('error', (error) => logger.warn({ err: error }, 'joint worker error'));
  const supervisor = startSupervisor(store, logger, config.supervisionIntervalMs);
  logger.info({ adapters: [...workers.keys()] }, 'workers started');
  return {
    workers,
    stop: async () => {
      await Promise.all([...workers.values()].map((w) => w.close()));
      await supervisor.stop();
      await joint.close();
      await callbackWorker.close();
      await callbackQueue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

if (import.meta.main) {
  await runProcess('worker', async (config, logger) => {
    const running = await startWorkers(config, logger);
    return {
      stop: async () => {
        await running.stop();
        return true;
      },
    };
  });
}
