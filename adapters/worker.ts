// Entry point of the worker process: `npm run start:worker` (or via `npm start`, which also runs
// the gateway and the sandboxes). Loads config, starts the workers (adapters/worker-process.ts),
// and stops them gracefully on SIGTERM/SIGINT.
import { runProcess } from '../gateway/shared/process-entry.ts';
import { startWorkers } from './worker-process.ts';

await runProcess('worker', async (config, logger) => {
  const running = await startWorkers(config, logger);
  return {
    stop: async () => {
      await running.stop();
      return true;
    },
  };
});
