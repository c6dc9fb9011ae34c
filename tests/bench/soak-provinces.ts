// Child process of the soak (soak.ts): the seven province sandboxes and the adapter workers, as
// `npm start` runs them (scripts/local-system.ts) but apart from the gateway, so the gateway's RSS
// is its own. The sandboxes post their events back to SOAK_GATEWAY_URL one millisecond apart; the
// limits that model the provinces' real capacity (xz's 5 requests/s front door, each adapter's
// rate limit) are lifted, since the soak measures what the gateway keeps, not the provinces' pace.
import { loadConfig } from '../../config/load-config.ts';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS, createSandbox, type AdapterId } from '../../adapters/kit/registry.ts';
import type { Sandbox } from '../../adapters/kit/sandbox-kit.ts';
import { createXzSandbox, type XzSandboxSettings } from '../../adapters/xz/xz-sandbox.ts';
import { startWorkers } from '../../adapters/worker-process.ts';
import { createLogger, loggerSettings } from '../../gateway/shared/logger.ts';
import { devSecretOf } from './soak-cases.ts';
import { runChild, serveParent } from './ipc.ts';

await runChild(async () => {
  const config = loadConfig();
  const logger = createLogger(loggerSettings(config));
  const gatewayUrl = process.env.SOAK_GATEWAY_URL ?? '';
  const settings = loadAdapterSettings({ env: config.env, file: config.adaptersFile });
  const sandboxes: Sandbox[] = [];
  const urls: Partial<Record<AdapterId, string>> = {};
  for (const id of ADAPTER_IDS) {
    const options = {
      settings: settings[id],
      progression: {
        gatewayUrl,
        secret: devSecretOf(`province-${id}`),
        delaysMs: 1,
        enabled: true,
      },
    };
    const sandbox =
      id === 'xz'
        ? // The registry hands each sandbox its own dialect's settings the same way.
          createXzSandbox({
            ...options,
            settings: settings.xz as unknown as XzSandboxSettings,
            capacityPerSecond: 100_000,
          })
        : createSandbox(id, options);
    urls[id] = (await sandbox.start(0, '127.0.0.1')).url;
    sandboxes.push(sandbox);
  }
  const lifted = Object.fromEntries(
    ADAPTER_IDS.map((id) => [id, { ...settings[id], ratePerSecond: 100_000, concurrency: 16 }]),
  ) as typeof settings;
  const workers = await startWorkers(config, logger, {
    adapterSettings: withBaseUrls(lifted, urls),
  });
  serveParent(
    { sandboxes: urls },
    {
      stop: async () => {
        await workers.stop();
        await Promise.all(sandboxes.map((s) => s.stop()));
      },
    },
  );
});
