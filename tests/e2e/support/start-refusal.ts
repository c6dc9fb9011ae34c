// What a start refused in-process logs as its one line (shared/process-entry.ts): the reason of
// its operator failure (shared/start-failure.ts); undefined when it started (it is stopped again)
// or failed for a reason of its own.
import { startWorkers } from '../../../adapters/worker-process.ts';
import type { Config } from '../../../config/load-config.ts';
import { startGateway } from '../../../gateway/gateway-process.ts';
import { createLogger } from '../../../gateway/shared/logger.ts';
import { operatorStartFailure } from '../../../gateway/shared/start-failure.ts';

export async function startRefusal(
  start: 'gateway' | 'workers',
  config: Config,
): Promise<string | undefined> {
  const logger = createLogger({ level: 'silent', env: config.env });
  const started = start === 'gateway' ? startGateway(config, logger) : startWorkers(config, logger);
  const error: unknown = await started.then(
    async (running) => {
      await running.stop();
      return undefined;
    },
    (refused: unknown) => refused,
  );
  return operatorStartFailure(error, config)?.reason;
}
