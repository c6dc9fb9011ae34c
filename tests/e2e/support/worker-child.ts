// A delivery worker in a process of its own, for the worker-crash test: startWorkers for one
// adapter (E2E_ADAPTER) pointed at E2E_SANDBOX_URL, every other setting from the environment
// (loadConfig). Prints "ready" once its workers listen; the test then kills it with SIGKILL.
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { isAdapterId } from '../../../adapters/kit/registry.ts';
import { startWorkers } from '../../../adapters/worker-process.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { createLogger, loggerSettings } from '../../../gateway/shared/logger.ts';

const adapter = process.env.E2E_ADAPTER;
const url = process.env.E2E_SANDBOX_URL;
if (!isAdapterId(adapter) || !url) {
  console.error('E2E_ADAPTER (an adapter id) and E2E_SANDBOX_URL are required');
  process.exit(2);
}
const config = loadConfig(process.env);
const logger = createLogger(loggerSettings(config));
const settings = loadAdapterSettings({ env: config.env, file: config.adaptersFile });
await startWorkers(config, logger, {
  adapters: [adapter],
  adapterSettings: withBaseUrls(settings, { [adapter]: url }),
});
process.stdout.write('ready\n');
