// Entry point of the HTTP gateway process: `npm run start:gateway` (or via `npm start`, which also
// brings a private Redis). Loads config, starts the gateway (gateway/gateway-process.ts), and shuts
// down gracefully on SIGTERM/SIGINT.
import { startGateway } from './gateway-process.ts';
import { runProcess } from './shared/process-entry.ts';

await runProcess('gateway', async (config, logger) => {
  const gateway = await startGateway(config, logger);
  return { stop: async () => (await gateway.stop()) === 'clean' };
});
