// The whole system in one process group, for `npm start`, the demo and end-to-end tests: the
// gateway, the adapter workers, and the seven province sandboxes, with each adapter pointed at its
// sandbox and each sandbox posting its events back to the gateway as province-<adapter>. With a data
// folder the sandboxes keep their journals there, so a restarted system's provinces remember their
// cases and resume the events they still owe (adapters/README.md#sandbox-persistence). When asked,
// it runs the reference taxpayer portal too, as a client of that gateway
// (README.md#the-taxpayer-portal).
import { readFileSync } from 'node:fs';
import type { Config } from '../config/load-config.ts';
import {
  loadAdapterSettings,
  sandboxUrlsForPlaceholders,
  withBaseUrls,
} from '../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS, createSandbox, type AdapterId } from '../adapters/kit/registry.ts';
import type { Sandbox } from '../adapters/kit/sandbox-kit.ts';
import { startWorkers, type RunningWorkers } from '../adapters/worker-process.ts';
import { startGateway, type RunningGateway } from '../gateway/gateway-process.ts';
import type { Logger } from '../gateway/shared/logger.ts';
import { projectPath } from '../gateway/shared/project-root.ts';
import { loadPortalConfig } from '../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../portal/server/portal-process.ts';

export interface LocalSystem {
  /** The running gateway (a new one after restartGateway). */
  readonly gateway: RunningGateway;
  workers: RunningWorkers;
  sandboxes: Map<AdapterId, Sandbox>;
  /** Where each sandbox listens (a worker started elsewhere is pointed at it). */
  sandboxUrls: Readonly<Record<AdapterId, string>>;
  /**
   * Adapters given a real address instead of the placeholder (`GW_ADAPTER_YN_BASE_URL`: a
   * province developer's own endpoint), which deliver there and not to their sandbox.
   */
  platformUrls: Readonly<Partial<Record<AdapterId, string>>>;
  gatewayUrl: string;
  /** Stops the gateway and starts it again on the same port (the sandboxes post there). */
  restartGateway: () => Promise<RunningGateway>;
  /**
   * Stops a sandbox and starts a new one on the same port with the same options: with a data
   * folder it resumes from its journal, as a restarted provincial platform would.
   */
  restartSandbox: (id: AdapterId) => Promise<Sandbox>;
  /** The taxpayer portal, when the options asked for it. */
  portal?: RunningPortal;
  stop: () => Promise<void>;
}

export interface LocalSystemOptions {
  /** Delay between a sandbox's scripted events; default 300 ms. */
  progressionDelayMs?: number;
  /** Sandboxes that post no events (a test reports them itself); default none. */
  quietSandboxes?: readonly AdapterId[];
  /** Adapters whose workers run in this process; default all (a test may run one elsewhere). */
  workerAdapters?: readonly AdapterId[];
  /** Where the sandboxes keep their journals; default none (they forget on restart). */
  sandboxDataDir?: string;
  /** How the sandboxes retry their event posts; default 500 ms doubling to 60 s, for 15 min. */
  eventRetry?: { baseMs?: number; maxMs?: number; forMs?: number };
  /**
   * Runs the taxpayer portal with these PORTAL_* settings (portal/server/portal-config.ts),
   * pointed at this gateway and keeping its sessions and cases in the gateway's Redis under
   * `<keyPrefix>-portal` (through GW_REDIS_NAT_MAP's map as PORTAL_REDIS_NAT_MAP), unless
   * PORTAL_GATEWAY_URL, PORTAL_REDIS_URL or PORTAL_REDIS_PREFIX say otherwise; default no portal.
   * Its data keys are its own, never the gateway's: PORTAL_DATA_KEYS if given, else the
   * development key file .data/portal-data-keys; its login key likewise (PORTAL_LOGIN_KEY,
   * .data/portal-login-key).
   */
  portalEnv?: NodeJS.ProcessEnv;
}

function devSecret(clientId: string): string {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const secret = clients.find((c) => c.id === clientId)?.secret;
  if (!secret) throw new Error(`no development client ${clientId}`);
  return secret;
}

export async function startLocalSystem(
  config: Config,
  logger: Logger,
  options: LocalSystemOptions = {},
): Promise<LocalSystem> {
  // The portal's settings are read before anything starts: a wrong one fails the start at once,
  // with nothing to stop. Its gateway URL is filled in once the gateway listens.
  const portalSettings = options.portalEnv && {
    PORTAL_REDIS_URL: config.redisUrl,
    // The gateway's Redis behind address translation is the portal's too, unless it has its own.
    ...(config.redisNatMap && options.portalEnv.PORTAL_REDIS_URL === undefined
      ? { PORTAL_REDIS_NAT_MAP: config.redisNatMap }
      : {}),
    // Its own keys beside the gateway's: a test run's systems, each with its own gateway
    // prefix, never share a portal's sessions or case lists.
    PORTAL_REDIS_PREFIX: `${config.keyPrefix}-portal`,
    ...options.portalEnv,
  };
  if (portalSettings)
    loadPortalConfig({ PORTAL_GATEWAY_URL: 'http://127.0.0.1:0', ...portalSettings });
  // What has started, stopped again in reverse should a later part fail to start (a port taken):
  // the caller then sees that one error, not the started parts' complaints as their Redis goes.
  const started: (() => Promise<unknown>)[] = [];
  try {
    return await startParts();
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  async function startParts(): Promise<LocalSystem> {
    let gateway = await startGateway(config, logger);
    started.push(() => gateway.stop());
    const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
    const settings = loadAdapterSettings({ env: config.env, file: config.adaptersFile });
    const sandboxes = new Map<AdapterId, Sandbox>();
    const urls: Partial<Record<AdapterId, string>> = {};
    const newSandbox = (id: AdapterId) =>
      createSandbox(id, {
        settings: settings[id],
        progression: {
          gatewayUrl,
          secret: devSecret(`province-${id}`),
          delaysMs: options.progressionDelayMs ?? 300,
          enabled: !options.quietSandboxes?.includes(id),
          retryBaseMs: options.eventRetry?.baseMs,
          retryMaxMs: options.eventRetry?.maxMs,
          retryForMs: options.eventRetry?.forMs,
        },
        ...(options.sandboxDataDir ? { dataDir: options.sandboxDataDir } : {}),
      });
    for (const id of ADAPTER_IDS) {
      const sandbox = newSandbox(id);
      urls[id] = (await sandbox.start(0, '127.0.0.1')).url;
      sandboxes.set(id, sandbox);
      started.push(() => sandbox.stop());
    }
    const sandboxed = sandboxUrlsForPlaceholders(settings, urls);
    const platformUrls = Object.fromEntries(
      ADAPTER_IDS.filter((id) => !sandboxed[id]).map((id) => [id, settings[id].baseUrl]),
    );
    const workers = await startWorkers(config, logger, {
      adapters: options.workerAdapters,
      adapterSettings: withBaseUrls(settings, sandboxed),
    });
    started.push(() => workers.stop());
    logger.info({ sandboxes: urls }, 'province sandboxes listening');
    const portal = portalSettings
      ? await startPortal({
          config: loadPortalConfig({ PORTAL_GATEWAY_URL: gatewayUrl, ...portalSettings }),
          warn: (message) => logger.warn(message),
        })
      : undefined;
    if (portal) logger.info({ url: portal.url }, 'taxpayer portal listening');
    return {
      get gateway() {
        return gateway;
      },
      workers,
      sandboxes,
      sandboxUrls: urls as Record<AdapterId, string>,
      platformUrls,
      gatewayUrl,
      restartGateway: async () => {
        const { port } = gateway;
        await gateway.stop();
        gateway = await startGateway({ ...config, port }, logger);
        return gateway;
      },
      restartSandbox: async (id) => {
        await sandboxes.get(id)?.stop();
        const sandbox = newSandbox(id);
        await sandbox.start(Number(new URL(urls[id] ?? '').port), '127.0.0.1');
        sandboxes.set(id, sandbox);
        return sandbox;
      },
      ...(portal ? { portal } : {}),
      stop: async () => {
        await portal?.stop();
        await gateway.stop();
        await workers.stop();
        await Promise.all([...sandboxes.values()].map((s) => s.stop()));
      },
    };
  }
}
