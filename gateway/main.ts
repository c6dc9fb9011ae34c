// Entry point of the HTTP gateway process: `npm run start:gateway` (or via `npm start`, which also
// brings a private Redis). Loads config, checks Redis, listens, and shuts down gracefully on
// SIGTERM/SIGINT.
import type { Server } from 'node:http';
import type { Config } from '../config/load-config.ts';
import { startReconciler } from './cases/reconciler.ts';
import { createServices, gatewayApp } from './services.ts';
import { createLifecycle } from './shared/lifecycle.ts';
import type { Logger } from './shared/logger.ts';
import { runProcess } from './shared/process-entry.ts';
import {
  createRedis,
  readRedisFacts,
  redisFactsProblems,
  waitForRedis,
  type RedisSettings,
} from './shared/redis.ts';
import { createShutdown, type ShutdownOutcome } from './shared/shutdown.ts';

export interface RunningGateway {
  server: Server;
  port: number;
  stop: () => Promise<ShutdownOutcome>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

export function redisSettings(config: Config): RedisSettings {
  if (!config.redisUrl) throw new StartupError('REDIS_URL is not set');
  return {
    redisUrl: config.redisUrl,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    redisConnectTimeoutMs: config.redisConnectTimeoutMs,
    redisReconnectMaxDelayMs: config.redisReconnectMaxDelayMs,
  };
}

export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const redis = createRedis('http', redisSettings(config));
  try {
    await waitForRedis(redis, config.redisStartupTimeoutMs);
    const problems = redisFactsProblems(await readRedisFacts(redis));
    if (problems.length > 0) throw new StartupError(problems.join('; '));
  } catch (error) {
    redis.disconnect();
    throw error instanceof StartupError ? error : new StartupError((error as Error).message);
  }

  const services = createServices(config, logger, redis);
  const reconciler = startReconciler(
    services,
    { intervalMs: config.reconcileIntervalMs, ageMs: config.reconcileAgeMs },
    logger,
  );
  const lifecycle = createLifecycle();
  const app = gatewayApp(services, lifecycle);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, host: config.host }, 'gateway listening');

  const stop = createShutdown({
    server,
    lifecycle,
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    closers: [
      { name: 'reconciler', close: () => reconciler.stop() },
      { name: 'queues', close: () => services.queues.close() },
      { name: 'callbacks', close: () => services.callbacks.close() },
      { name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) },
    ],
  });
  return { server, port, stop };
}

if (import.meta.main) {
  await runProcess('gateway', async (config, logger) => {
    const gateway = await startGateway(config, logger);
    return { stop: async () => (await gateway.stop()) === 'clean' };
  });
}
