// The whole system in one process group, for `npm start`, the demo and end-to-end tests: the
// gateway, the adapter workers, and the seven province sandboxes, with each adapter pointed at its
// sandbox and each sandbox posting its events back to the gateway as province-<adapter>.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/load-config.ts';
import { loadAdapterSettings, withBaseUrls } from '../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS, createSandbox, type AdapterId } from '../adapters/kit/registry.ts';
import type { Sandbox } from '../adapters/kit/sandbox-kit.ts';
import { startWorkers, type RunningWorkers } from '../adapters/worker-process.ts';
import { startGateway, type RunningGateway } from '../gateway/gateway-process.ts';
import type { Logger } from '../gateway/shared/logger.ts';
import { projectPath } from '../gateway/shared/project-root.ts';

export interface LocalSystem {
  gateway: RunningGateway;
  workers: RunningWorkers;
  sandboxes: Map<AdapterId, Sandbox>;
  /** Where each sandbox listens (a worker started elsewhere is pointed at it). */
  sandboxUrls: Readonly<Record<AdapterId, string>>;
  gatewayUrl: string;
  stop: () => Promise<void>;
}

export interface LocalSystemOptions {
  /** Delay between a sandbox's scripted events; default 300 ms. */
  progressionDelayMs?: number;
  /** Sandboxes that post no events (a test reports them itself); default none. */
  quietSandboxes?: readonly AdapterId[];
  /** Adapters whose workers run in this process; default all (a test may run one elsewhere). */
  workerAdapters?: readonly AdapterId[];
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
  const gateway = await startGateway(config, logger);
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  const settings = loadAdapterSettings({ env: config.env, file: config.adaptersFile });
  const sandboxes = new Map<AdapterId, Sandbox>();
  const urls: Partial<Record<AdapterId, string>> = {};
  for (const id of ADAPTER_IDS) {
    const sandbox = createSandbox(id, {
      settings: settings[id],
      progression: {
        gatewayUrl,
        secret: devSecret(`province-${id}`),
        delaysMs: options.progressionDelayMs ?? 300,
        enabled: !options.quietSandboxes?.includes(id),
      },
    });
    urls[id] = (await sandbox.start(0, '127.0.0.1')).url;
    sandboxes.set(id, sandbox);
  }
  const workers = await startWorkers(config, logger, {
    adapters: options.workerAdapters,
    adapterSettings: withBaseUrls(settings, urls),
  });
  logger.info({ sandboxes: urls }, 'province sandboxes listening');
  return {
    gateway,
    workers,
    sandboxes,
    sandboxUrls: urls as Record<AdapterId, string>,
    gatewayUrl,
    stop: async () => {
      await gateway.stop();
      await workers.stop();
      await Promise.all([...sandboxes.values()].map((s) => s.stop()));
    },
  };
}
