// The common shape of a process entry point (gateway, worker): load and validate config (a bad
// config prints every problem and exits 1), create the root logger, start, and stop gracefully on
// SIGTERM, SIGINT or SIGHUP within the shutdown deadline: exit 0 once everything closed cleanly,
// else 1 with "<name> did not stop cleanly" (README.md#operations, Shutdown). A signal during start
// aborts the start's AbortSignal: a start that gives up on it (waiting for a Redis that is down, or
// one that stopped answering) ends with exit 0 and "<name> stopped before it started"; a start
// that fails for a reason of its own, even after the signal (a catalogue that does not compile, a
// Redis that refuses it), is a failed start: "<name> failed to start", exit 1
// (shared/start-abort.ts).
import { writeSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../../config/load-config.ts';
import { createLogger, loggerSettings, type Logger } from './logger.ts';
import { causedByAbort } from './start-abort.ts';
import { operatorStartFailure } from './start-failure.ts';
import { onStopSignal } from './stop-signals.ts';

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
      // Written whole before the exit: console.error to a pipe may still hold it when
      // process.exit() runs, and the problems are all the operator gets (exit-after-output.ts).
      writeSync(2, `${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export async function runProcess(
  name: string,
  /**
   * `signal` is aborted by SIGTERM/SIGINT during start: every wait that can last (on Redis) gives
   * up on it, closes what the start opened so far and rejects with the signal's reason, or with an
   * error caused by it (`cause`); shared/start-abort.ts. Any other rejection is a failed start.
   */
  start: (config: Config, logger: Logger, signal: AbortSignal) => Promise<Stoppable>,
  /** Fields every log line of the process carries (a gateway process's number). */
  bindings: Record<string, unknown> = {},
  /** The configuration, when the entry point has already loaded it (gateway/main.ts). */
  config: Config = loadConfigOrExit(),
): Promise<void> {
  const root = createLogger(loggerSettings(config));
  const logger = Object.keys(bindings).length > 0 ? root.child(bindings) : root;
  // The signals are handled from before start: a SIGTERM while it ran (waiting for Redis, say)
  // took the default action, ending the process unstopped, killed by the signal. A stop asked for
  // then aborts the start's signal; a start that does not give up on it (nothing of it waits long)
  // finishes, and what it started is stopped, within the same deadline.
  const started = Promise.withResolvers<Stoppable>();
  const aborting = new AbortController();
  let starting = true;
  // A second signal soon after is the same stop passed on (npm, the cluster primary); a later one
  // takes the default action: it ends the process at once (shared/stop-signals.ts).
  onStopSignal((signal) => {
    logger.info({ signal }, `${name} stopping`);
    // Only a start still running is told: what it started is stopped below.
    if (starting) aborting.abort(new Error(`${signal} during start`));
    const deadline = new Promise<boolean>((resolve) => {
      setTimeout(() => resolve(false), config.shutdownTimeoutMs + 1000).unref();
    });
    const stopped = started.promise.then(async (running) => {
      try {
        return await running.stop();
      } catch (error) {
        logger.error({ err: error }, `${name} stop failed`);
        return false;
      }
    });
    void Promise.race([stopped, deadline]).then((clean) => {
      if (!clean) logger.error({ signal }, `${name} did not stop cleanly`);
      process.exit(clean ? 0 : 1);
    });
  });
  // From here a signal stops it: a supervisor (or a test) told of the start can stop it safely.
  logger.info(`${name} starting`);
  try {
    const running = await start(config, logger, aborting.signal);
    starting = false;
    started.resolve(running);
  } catch (error) {
    // Nothing runs to be stopped. A start that gave up because it was asked to stop (a pod stopped
    // before it got ready: Redis unreachable) is stopped, not failed. One that failed for its own
    // reason is failed, signal or not: a bad catalogue or a refused Redis that happened to coincide
    // with a stop was reported as a clean stop (exit 0), its cause only in the log line's reason.
    if (aborting.signal.aborted && causedByAbort(error, aborting.signal)) {
      const reason = error === aborting.signal.reason ? undefined : (error as Error).message;
      logger.info(reason ? { reason } : {}, `${name} stopped before it started`);
      process.exit(0);
    }
    // The operator's mistake (a setting, a file, a Redis or port) as its message alone; a bug whole.
    const mistake = operatorStartFailure(error, config);
    logger.fatal(mistake ?? { err: error }, `${name} failed to start`);
    process.exit(1);
  }
}
