// The callbacks worker of a test gateway (gateway/callbacks/callback-worker.ts), as a worker
// process runs it beside the gateway: its own worker-role connection to the gateway's Redis, the
// gateway's keys and clients, development address rules. close() stops the worker, then its
// connection.
import { startCallbackWorker } from '../../gateway/callbacks/callback-worker.ts';
import { createWorkerMetrics } from '../../gateway/metrics/worker-metrics.ts';
import { loadDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { createSealer } from '../../gateway/personal-data/sealed-data.ts';
import { createRedis } from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import type { ApiGateway } from './api-gateway.ts';

export interface TestCallbackWorker {
  close: () => Promise<void>;
}

export function startGatewayCallbackWorker(gw: ApiGateway): TestCallbackWorker {
  const connection = createRedis('worker', {
    redisUrl: gw.config.redisUrl!,
    redisCommandTimeoutMs: 1000,
    redisConnectTimeoutMs: 1000,
    redisReconnectMaxDelayMs: 200,
  });
  const worker = startCallbackWorker({
    connection,
    keys: redisKeys(gw.config.keyPrefix),
    clients: gw.services.clients,
    // The gateway's data keys, as a worker process beside it has them.
    sealer: createSealer(loadDataKeys(gw.config)),
    log: gw.services.logger,
    production: false,
    metrics: createWorkerMetrics(),
  });
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
