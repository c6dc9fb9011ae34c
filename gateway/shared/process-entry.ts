// The common shape of a process entry point (gateway, worker): load and validate config (a bad
// config prints every problem and exits 1), create the root logger, start, and stop gracefully on
// SIGTERM/SIGINT within the shutdown deadline.
import { ConfigError, loadConfig, type Config } from '../../config/load-config.ts';
import { createLogger, loggerSettings, type Logger } from './logger.ts';

export interface Stoppable {
  /** Resolves true when everything closed cleanly. */
  stop: () => Promise<boolean>;
}

/** The process's configuration; a bad one prints every problem and exits 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export async function runProcess(
  name: string,
  start: (config: Config, logger: Logger) => Promise<Stoppable>,
  /** Fields every log line of the process carries (a gateway process's number). */
  bindings: Record<string, unknown> = {},
  /** The configuration, when the entry point has already loaded it (gateway/main.ts). */
  config: Config = loadConfigOrExit(),
): Promise<void> {
  const root = createLogger(loggerSettings(config));
  const logger = Object.keys(bindings).length > 0 ? root.child(bindings) : root;
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
