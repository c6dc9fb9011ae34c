// Entry point of the HTTP gateway process: `npm run start:gateway` (or via `npm start`, which also
// brings a private Redis). Loads config, starts the gateway (gateway/gateway-process.ts), and shuts
// down gracefully on SIGTERM/SIGINT. With GW_GATEWAY_PROCESSES above 1 it supervises that many
// gateway processes sharing the port instead (gateway/gateway-processes.ts), and loads nothing of
// the gateway itself. A start judges the operator's clients and data keys before it loads the
// gateway's code (start-judgments.ts). Node's module compile cache is turned on first (shared/compile-cache.ts):
// every other module is imported after that line, which a static import would not be.
import { enableModuleCompileCache } from './shared/compile-cache.ts';

enableModuleCompileCache();
const { default: cluster } = await import('node:cluster');
const { loadConfigOrExit, runProcess } = await import('./shared/process-entry.ts');
const supervisor = await import('./gateway-processes.ts');

const config = loadConfigOrExit();
if (cluster.isPrimary && supervisor.gatewayProcessCount(config) > 1) {
  const { createLogger, loggerSettings } = await import('./shared/logger.ts');
  supervisor.superviseGatewayProcesses(config, createLogger(loggerSettings(config)));
} else {
  const { judgeOperatorFiles } = await import('./start-judgments.ts');
  const n = process.env[supervisor.GATEWAY_PROCESS_ENV];
  await runProcess(
    'gateway',
    async (config, logger, signal) => {
      // The clients and data keys first, the gateway's code only once they pass: a start refused
      // for one exits without loading it (start-judgments.ts).
      const judged = judgeOperatorFiles(config);
      const { startGateway } = await import('./gateway-process.ts');
      const gateway = await startGateway(config, logger, signal, judged);
      return { stop: async () => (await gateway.stop()) === 'clean' };
    },
    n ? { gatewayProcess: Number(n) } : {},
    config,
  );
}
