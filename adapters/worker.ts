// Entry point of the worker process: `npm run start:worker` (or via `npm start`, which also runs
// the gateway and the sandboxes). Loads config, starts the workers (adapters/worker-process.ts),
// and stops them gracefully on SIGTERM/SIGINT. Node's module compile cache is turned on first
// (gateway/shared/compile-cache.ts): every other module is imported after that line.
import { enableModuleCompileCache } from '../gateway/shared/compile-cache.ts';

enableModuleCompileCache();
const { runProcess } = await import('../gateway/shared/process-entry.ts');
const { startWorkers } = await import('./worker-process.ts');

await runProcess('worker', async (config, logger, signal) => {
  const running = await startWorkers(config, logger, { signal });
  return {
    stop: async () => {
      await running.stop();
      return true;
    },
  };
});
