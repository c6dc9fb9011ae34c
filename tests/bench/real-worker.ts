// Child process: the real worker process of adapters/worker.ts (startWorkers), running only the
// sc-chengdu delivery worker (plus the idle joint-case worker it always starts), with the real
// sc-chengdu adapter pointed at the bench's minimal backend. Concurrency as the bench says; the
// rate limit raised to the schema's maximum (10 000/s) so the bench measures the code, not the
// configured 50/s throttle. Logs at info to stdout, which the bench discards, through the
// production destination (batched as LOG_FLUSH_MS says).
import { loadConfig } from '../../config/load-config.ts';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { startWorkers } from '../../adapters/worker-process.ts';
import { createLogger, loggerSettings } from '../../gateway/shared/logger.ts';
import { BENCH_ADAPTER } from './bench-case.ts';
import { runChild, serveParent } from './ipc.ts';

await runChild(async () => {
  const config = loadConfig();
  const logger = createLogger(loggerSettings(config));
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const table = withBaseUrls(loadAdapterSettings({ env: config.env }), {
    [BENCH_ADAPTER]: process.env.BENCH_BACKEND_URL ?? '',
  });
  const adapterSettings = {
    ...table,
    [BENCH_ADAPTER]: { ...table[BENCH_ADAPTER], concurrency, ratePerSecond: 10_000 },
  };
  const running = await startWorkers(config, logger, {
    adapters: [BENCH_ADAPTER],
    adapterSettings,
  });
  serveParent({ concurrency }, { stop: () => running.stop() });
});
