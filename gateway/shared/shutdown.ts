// Graceful shutdown (issue 2): readyz turns 503, the server stops accepting, in-flight requests
// finish, then queues, workers and Redis close in the order given — all inside one deadline, after
// which remaining connections are cut so the process never hangs on a stuck client.
import type { Server } from 'node:http';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './logger.ts';

export interface Closer {
  name: string;
  close: () => Promise<unknown>;
}

export interface ShutdownDeps {
  server?: Server;
  lifecycle: Lifecycle;
  closers: Closer[];
  timeoutMs: number;
  logger: Logger;
}

export type ShutdownOutcome = 'clean' | 'forced';

export function createShutdown(deps: ShutdownDeps): () => Promise<ShutdownOutcome> {
  let running: Promise<ShutdownOutcome> | undefined;
  return () => {
    running ??= run(deps);
    return running;
  };
}

async function run({ server, lifecycle, closers, timeoutMs, logger }: ShutdownDeps) {
  lifecycle.startDraining();
  logger.info({ timeoutMs }, 'shutdown: draining');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => resolve('forced'), timeoutMs);
    timer.unref();
  });
  const orderly = (async (): Promise<ShutdownOutcome> => {
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets hold close() open until they time out: close each one as soon as its
      // in-flight request has been answered.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 25);
      await closed;
      clearInterval(sweeper);
    }
    for (const closer of closers) {
      try {
        await closer.close();
      } catch (error) {
        logger.warn({ err: error, closer: closer.name }, 'shutdown: close failed');
      }
    }
    return 'clean';
  })();
  const outcome = await Promise.race([orderly, deadline]);
  clearTimeout(timer);
  if (outcome === 'forced') {
    server?.closeAllConnections();
    logger.warn('shutdown: deadline reached, connections cut');
  } else logger.info('shutdown: complete');
  return outcome;
}
