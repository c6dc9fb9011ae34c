// The common shape of a process entry point (gateway, worker): load and validate config (a bad
// config prints every problem and exits 1), create the root logger, start, and stop gracefully on
// SIGTERM/SIGINT within the shutdown deadline.
import { ConfigError, loadConfig, type Config } from '../../config/load-config.ts';
import { createLogger, type Logger } from './logger.ts';

export interface Stoppable {
  /** Resolves true when everything closed cleanly. */
  stop: () => Promise<boolean>;
}

export async function runProcess(
  name: string,
  start: (config: Config, logger: Logger) => Promise<Stoppable>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, env: config.env });
  let running: Stoppable;
  try {
    running = await start(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, `${name} stopping`);
    const deadline = new Promise<boolean>((resolve) => {
      setTimeout(() => resolve(false), config.shutdownTimeoutMs + 1000).unref();
    });
    void Promise.race([running.stop(), deadline]).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
