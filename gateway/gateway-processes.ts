// Many gateway processes on one port (README.md#scaling-the-gateway): with GW_GATEWAY_PROCESSES
// above 1, `npm run start:gateway` becomes a small supervisor (node:cluster primary) that forks
// that many gateway processes. Each runs the whole gateway (gateway-process.ts) on its own Redis
// connections; they share the listening port, the primary handing new connections to them in turn.
// The gateway keeps no state in memory that another process would need — nonces, rate limits,
// idempotency and cases are in Redis — so any process can answer any request.
//
// The supervisor: a process that dies after it listened is replaced (logged); one that fails to
// start stops everything with exit 1, since its siblings would fail the same way (bad Redis, bad
// configuration) and restarting would only loop. On SIGTERM/SIGINT it passes SIGTERM to every
// process, each drains as a single gateway does (shared/shutdown.ts), and it exits once all have
// — 0 when every one stopped cleanly.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Config } from '../config/load-config.ts';
import type { Logger } from './shared/logger.ts';
import { onStopSignal } from './shared/stop-signals.ts';

/** How many gateway processes the configuration asks for (0 = one per core). */
export function gatewayProcessCount(config: Pick<Config, 'gatewayProcesses'>): number {
  return config.gatewayProcesses === 0 ? availableParallelism() : config.gatewayProcesses;
}

/** The environment variable that tells a forked process its number (1…N), for its log lines. */
export const GATEWAY_PROCESS_ENV = 'GW_GATEWAY_PROCESS';

export function superviseGatewayProcesses(config: Config, logger: Logger): void {
  const count = gatewayProcessCount(config);
  const listening = new Set<number>();
  const numbers = new Map<Worker, number>();
  let stopping = false;
  /** A process failed to start, or stopped uncleanly: the supervisor exits 1. */
  let failed = false;

  const fork = (n: number) => {
    const worker = cluster.fork({ [GATEWAY_PROCESS_ENV]: String(n) });
    numbers.set(worker, n);
    return worker;
  };

  cluster.on('listening', (worker, address) => {
    const n = numbers.get(worker);
    if (n === undefined) return;
    listening.add(n);
    if (listening.size === count && !stopping) {
      const pids = [...numbers.keys()].map((w) => w.process.pid);
      logger.info({ processes: count, port: address.port, pids }, 'gateway processes listening');
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const n = numbers.get(worker);
    numbers.delete(worker);
    if (n === undefined) return;
    if (stopping) {
      if (code !== 0) failed = true;
    } else if (!listening.has(n)) {
      logger.fatal({ process: n, code, signal }, 'gateway process failed to start: stopping all');
      failed = true;
      stopAll();
    } else {
      // Died while serving (a crash, an OOM kill): the others carry on, a new one takes its place.
      logger.warn({ process: n, code, signal }, 'gateway process died: starting another');
      listening.delete(n);
      fork(n);
      return;
    }
    if (numbers.size === 0) process.exit(failed ? 1 : 0);
  });

  const stopAll = () => {
    stopping = true;
    for (const worker of numbers.keys()) worker.process.kill('SIGTERM');
  };

  onStopSignal((signal) => {
    if (stopping) return;
    logger.info({ signal, processes: numbers.size }, 'gateway processes stopping');
    stopAll();
    // A process that ignores SIGTERM is cut off just after its own shutdown deadline.
    setTimeout(() => {
      for (const worker of numbers.keys()) worker.process.kill('SIGKILL');
    }, config.shutdownTimeoutMs + 2000).unref();
  });

  logger.info({ processes: count }, 'starting gateway processes');
  for (let n = 1; n <= count; n++) fork(n);
}
