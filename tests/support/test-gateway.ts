// A real gateway app on a real Redis, listening on an ephemeral port, for integration tests.
import type { RequestHandler, Router } from 'express';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { buildApp } from '../../gateway/app.ts';
import { createHttpServer, listen } from '../../gateway/http/http-server.ts';
import { rateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import { HEALTH_ROUTES } from '../../gateway/health/health-routes.ts';
import { routeRouter } from '../../gateway/http/mount-routes.ts';
import { createLifecycle, type Lifecycle } from '../../gateway/shared/lifecycle.ts';
import { createLogger, type Logger } from '../../gateway/shared/logger.ts';
import { createRedis, type RedisClient } from '../../gateway/shared/redis.ts';
import { testRedisUrl } from './redis.ts';

export interface TestGateway {
  url: string;
  server: Server;
  redis: RedisClient;
  lifecycle: Lifecycle;
  logger: Logger;
  logLines: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

export function memoryLogger(level: 'debug' | 'info' = 'debug'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ level, env: 'test' }, stream);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}

export interface TestGatewayOptions {
  redisUrl?: string;
  /** Unsigned routers mounted after the health routes, before the body parser. */
  publicRouters?: Router[];
  routers?: Router[];
  bodyLimitBytes?: number;
  observe?: RequestHandler;
}

/** buildApp with the health rows of the route table and whatever routers a test adds. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const redis = createRedis('http', {
    redisUrl: options.redisUrl ?? testRedisUrl(),
    redisCommandTimeoutMs: 500,
    redisConnectTimeoutMs: 1000,
    redisReconnectMaxDelayMs: 200,
  });
  const lifecycle = createLifecycle();
  const { logger, lines } = memoryLogger();
  const health = routeRouter(HEALTH_ROUTES, { redis, lifecycle, pingTimeoutMs: 500 });
  const app = buildApp({
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 256 * 1024,
    observe: options.observe,
    publicRouters: [health, ...(options.publicRouters ?? [])],
    routers: options.routers,
  });
  const server = createHttpServer(
    app,
    { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 },
    rateLimitedLog(logger),
  );
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    redis,
    lifecycle,
    logger,
    logLines: lines,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}
