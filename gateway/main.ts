// Entry point of the HTTP gateway process: `npm run start:gateway` (or via `npm start`, which also
// brings a private Redis). Loads config, starts the gateway (gateway/gateway-process.ts), and shuts
// down gracefully on SIGTERM/SIGINT. With GW_GATEWAY_PROCESSES above 1 it supervises that many
// gateway processes sharing the port instead (gateway/gateway-processes.ts).
import cluster from 'node:cluster';
import { startGateway } from './gateway-process.ts';
import {
  GATEWAY_PROCESS_ENV,
  gatewayProcessCount,
  superviseGatewayProcesses,
} from './gateway-processes.ts';
import { createLogger, loggerSettings } from './shared/logger.ts';
import { loadConfigOrExit, runProcess } from './shared/process-entry.ts';

const config = loadConfigOrExit();
if (cluster.isPrimary && gatewayProcessCount(config) > 1) {
  superviseGatewayProcesses(config, createLogger(loggerSettings(config)));
} else {
  const n = process.env[GATEWAY_PROCESS_ENV];
  await runProcess(
    'gateway',
    async (config, logger) => {
      const gateway = await startGateway(config, logger);
      return { stop: async () => (await gateway.stop()) === 'clean' };
    },
    n ? { gatewayProcess: Number(n) } : {},
  );
}
