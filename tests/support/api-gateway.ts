// The real gateway — services, auth, routes, Redis — on an ephemeral port with a unique key prefix,
// plus signing clients for the development clients in config/clients.dev.json.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { loadConfig, type Config } from '../../config/load-config.ts';
import type { Alliance } from '../../gateway/routing/alliance.ts';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { SignatureMethod } from '../../gateway/client/signing.ts';
import { createHttpServer, listen } from '../../gateway/http/http-server.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { rateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import { createRedis, redisSettings, waitForRedis } from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { relayOptions, startOutboxRelay } from '../../gateway/queues/outbox-relay.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { connectCatalogue } from '../../gateway/catalogue/published/connect-catalogue.ts';
import {
  createServices,
  fileCatalogue,
  gatewayApp,
  loadStaticData,
  type Services,
  type StaticData,
} from '../../gateway/services.ts';
import type { LiveCatalogue } from '../../gateway/catalogue/live-catalogue.ts';
import {
  loadDivisionTables,
  type DivisionTables,
} from '../../gateway/divisions/load-division-table.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import { testDataKeys, testRedisUrl, uniquePrefix } from './redis.ts';
import { memoryLogger } from './test-gateway.ts';

let compiled: { tables: DivisionTables; catalogue: LiveCatalogue } | undefined;

function compileShared(logger: Logger): { tables: DivisionTables; catalogue: LiveCatalogue } {
  const tables = loadDivisionTables();
  return { tables, catalogue: fileCatalogue(logger, { tables }) };
}

interface DevClient {
  id: string;
  secret: string;
}
const DEV_CLIENTS = JSON.parse(
  readFileSync(projectPath('config/clients.dev.json'), 'utf8'),
) as DevClient[];

export function devSecret(id: string): string {
  const client = DEV_CLIENTS.find((c) => c.id === id);
  if (!client) throw new Error(`no dev client ${id}`);
  return client.secret;
}

export interface ApiGateway {
  url: string;
  server: Server;
  services: Services;
  /** The compiled data it was built with, for another gateway to reuse. */
  data: StaticData;
  config: Config;
  client: (id: string, method?: SignatureMethod) => GatewayClient;
  logLines: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

export async function startApiGateway(
  env: Record<string, string> = {},
  options: {
    redisUrl?: string;
    alliance?: Alliance;
    now?: () => Date;
    /** Compiled data to reuse (another test gateway's services), so a file compiles once. */
    data?: StaticData;
    /**
     * Follow the published catalogue in Redis (seeded from the files when empty), as a gateway
     * process does; its own compiled catalogue, since publishes change it.
     */
    liveCatalogue?: boolean;
    /**
     * Run the outbox relay beside it, as a worker process would (default), so submitted cases
     * reach their queues; false leaves the outbox to the test.
     */
    relay?: boolean;
  } = {},
): Promise<ApiGateway> {
  const config = loadConfig({
    REDIS_URL: options.redisUrl ?? testRedisUrl(),
    GW_KEY_PREFIX: uniquePrefix('api'),
    GW_ENV: 'test',
    GW_DATA_KEYS: testDataKeys(),
    ...env,
  });
  const { logger, lines } = memoryLogger();
  // The compiled catalogue and the division tables are shared by every gateway of the process
  // (the files of a vitest worker: vitest.config.ts); a custom alliance, a catalogue clock (the day
  // the identifier and date keywords call today) or a live catalogue gets its own. The rest (the
  // clients, the calendars' supervision data) is read for this gateway's own config.
  const own = options.alliance || options.now || options.liveCatalogue;
  const data =
    options.data ??
    loadStaticData(config, logger, {
      alliance: options.alliance,
      now: options.now,
      ...(own ? {} : (compiled ??= compileShared(logger))),
    });
  const redis = createRedis('http', {
    redisUrl: config.redisUrl!,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    redisConnectTimeoutMs: config.redisConnectTimeoutMs,
    redisReconnectMaxDelayMs: 200,
  });
  await waitForRedis(redis, 5000);
  if (options.liveCatalogue) await connectCatalogue(data.catalogue, redis, config);
  const services = createServices(config, logger, redis, data, options.now);
  const app = gatewayApp(services, createLifecycle());
  const relay =
    options.relay === false
      ? undefined
      : startOutboxRelay(
          { ...services, keys: redisKeys(config.keyPrefix, config.redisShards), log: logger },
          createRedis('worker', redisSettings(config)),
          relayOptions(config),
        );
  // The server main.ts listens with: timeouts, keep-alive and protocol-error answers.
  const server = createHttpServer(app, config, rateLimitedLog(logger));
  const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  return {
    url,
    server,
    services,
    data,
    config,
    client: (id, method) =>
      new GatewayClient(url, { clientId: id, secret: devSecret(id), signatureMethod: method }),
    logLines: lines,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay?.stop();
      await services.closeQueues();
      if (options.liveCatalogue) await data.catalogue.close();
      redis.disconnect();
    },
  };
}

/** The valid example envelope of an item (schemas/items/<code>.examples.json). */
export function validExample(code: string, index = 0): Record<string, unknown> {
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items', `${code}.examples.json`), 'utf8'),
  ) as { valid: Record<string, unknown>[] };
  const example = examples.valid[index];
  if (!example) throw new Error(`no valid example ${index} for ${code}`);
  return structuredClone(example);
}

/**
 * The SW-005 example moved, whole, to another handling county: project, 经营地 tax authority,
 * agreement and lines follow, so its cross-field rules hold and only the region differs.
 */
export function sw005In(county: string, taxAuthorityCode: string): Record<string, unknown> {
  const body = validExample('SW-005');
  body.handlingRegion = county;
  const payload = body.payload as {
    project: { region: string };
    taxAuthorityCode: string;
    agreementTaxAuthorityCode: string;
    lines: { taxAuthorityCode: string }[];
  };
  payload.project.region = county;
  payload.taxAuthorityCode = taxAuthorityCode;
  payload.agreementTaxAuthorityCode = taxAuthorityCode;
  for (const line of payload.lines) line.taxAuthorityCode = taxAuthorityCode;
  return body;
}
