// Entry point of the worker process: `npm run start:worker` (or via `npm start`, which also runs
// the gateway and the sandboxes). Loads config, starts the workers (adapters/worker-process.ts),
// and stops them gracefully on SIGTERM/SIGINT. Node's module compile cache is turned on first
// (gateway/shared/compile-cache.ts): every other module is imported after that line.
import { enableModuleCompileCache } from '../gateway/shared/compile-cache.ts';

enableModuleCompileCache();
const { runProcess } = await import('../gateway/shared/process-entry.ts');
const { judgeWorkerFiles } = await import('./worker-start-judgments.ts');

await runProcess('worker', async (config, logger, signal) => {
  // The operator's files first, the worker's code only once they pass: a start refused for one
  // exits without loading it (worker-start-judgments.ts).
  const judged = judgeWorkerFiles(config);
  const { startWorkers } = await import('./worker-process.ts');
  const running = await startWorkers(config, logger, { signal, judged });
  return {
    stop: async () => {
      await running.stop();
      return true;
    },
  };
});
