// Starts and stops the reference portal (README.md#the-taxpayer-portal): `npm start` runs it beside
// the gateway, workers and sandboxes (scripts/local-system.ts), `npm run start:portal` alone
// (main.ts), and the browser tests in-process. It opens the portal's Redis first (its sessions and
// its record of cases) and refuses to start without it, and moves any login a previous version
// kept there in clear to its keyed digest (login-migration.ts) before it serves; it watches that
// Redis for coming back without its data (portal-data-loss.ts). Stopping also ends the live
// streams open pages hold and that watch, then closes the connection.
import type { Server } from 'node:http';
import {
  createRedis,
  redisTargetLabel,
  waitForRedis,
  type RedisClient,
} from '../../gateway/shared/redis.ts';
import { keyLoginsByDigest } from './login-migration.ts';
import { createPortalApp } from './portal-app.ts';
import type { PortalConfig } from './portal-config.ts';
import { startPortalDataLossWatch, type PortalDataLossWatch } from './portal-data-loss.ts';
import { portalKeys } from './portal-keys.ts';

/**
 * The request path's settings, as the gateway's (gateway/shared/redis.ts, role http): no offline
 * queue and a command timeout, so a page asked while Redis is gone gets its 503 within a second
 * rather than hanging; the connection keeps reconnecting on its own.
 */
const REDIS_SETTINGS = {
  redisCommandTimeoutMs: 1000,
  redisConnectTimeoutMs: 2000,
  redisReconnectMaxDelayMs: 1000,
};
const REDIS_START_TIMEOUT_MS = 10_000;

/** The portal's Redis connection once it answers, or an error naming where it was looked for. */
export async function connectPortalRedis(
  config: Pick<PortalConfig, 'redisUrl' | 'redisNatMap'>,
): Promise<RedisClient> {
  const redis = createRedis('http', {
    ...REDIS_SETTINGS,
    redisUrl: config.redisUrl,
    ...(config.redisNatMap ? { natMap: config.redisNatMap } : {}),
  });
  try {
    await waitForRedis(redis, REDIS_START_TIMEOUT_MS);
    return redis;
  } catch (error) {
    redis.disconnect();
    // Where it was looked for without the credentials (the URL may carry a password), and why:
    // a master name no Sentinel monitors is told apart from a Redis that did not answer.
    throw new Error(
      `the portal's Redis (PORTAL_REDIS_URL, ${redisTargetLabel(config.redisUrl)}) did not answer: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export interface PortalOptions {
  readonly config: PortalConfig;
  readonly warn?: (message: string) => void;
  /** The scripts and stylesheets served: portal/assets unless a test serves a copy. */
  readonly assetsDir?: string;
}

export interface RunningPortal {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPortal(options: PortalOptions): Promise<RunningPortal> {
  const { config } = options;
  let url = config.publicUrl ?? '';
  const redis = await connectPortalRedis(config);
  const keys = portalKeys(config.redisPrefix, config.loginKey);
  let dataLoss: PortalDataLossWatch | undefined;
  const server = await (async () => {
    const moved = await keyLoginsByDigest(redis, keys);
    if (moved > 0)
      options.warn?.(`portal store: ${moved} records keyed by login moved to the login's digest`);
    dataLoss = await startPortalDataLossWatch({
      redis,
      keys,
      intervalMs: config.dataLossCheckMs,
      warn: (message) => options.warn?.(message),
    });
    const { watch } = dataLoss;
    const app = createPortalApp({
      ...options,
      redis,
      publicUrl: () => url,
      readinessWarnings: () => watch.warnings(),
    });
    return new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, config.host, (error?: Error) =>
        error ? reject(error) : resolve(s),
      );
    });
  })().catch(async (error: unknown) => {
    await dataLoss?.stop();
    redis.disconnect();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Without a public URL (development, tests) the gateway calls back where the portal listens.
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  url ||= `http://${host}:${port}`;
  return {
    port,
    url: `http://${host}:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Server-sent event streams never end by themselves.
        server.closeAllConnections();
      });
      await dataLoss?.stop();
      redis.disconnect();
    },
  };
}
