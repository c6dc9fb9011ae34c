// Child process for tests/unit/shared/log-destination.test.ts and process-entry.test.ts (started
// by tests/support/log-child-run.ts): a process entry (runProcess, as the gateway and the worker
// run) whose start logs and then ends or stops in the way argv[2] names, so the parent can count on
// stdout which lines survived it and see how it stopped. LOG_CHILD_LINES lines of msg 'line' (each
// with its number i, the process's pid and a secret, which must come out masked), then:
//   end         start returns and nothing keeps the process alive: it ends by itself (code 0)
//   fail-start  start throws: runProcess logs it fatal and calls process.exit(1)
//   throw       start returns, then an uncaught exception ends the process (code 1)
//   sigkill     the process SIGKILLs itself: no exit hook runs
//   serve       start returns and a timer keeps the process up, as a server's socket would;
//               'ready' goes to the parent (IPC) once runProcess listens for SIGTERM, which stops it
//   slow-start  start sends 'starting' to the parent and returns once the parent sends 'finish';
//               its stop logs 'stopped'
//   aborted-start start sends 'starting' to the parent and waits until runProcess aborts its
//               signal (a SIGTERM), then rejects with the signal's reason, as a wait for Redis does
//   fails-after-abort as aborted-start, but once its signal is aborted it rejects with a failure of
//               its own (a step that finished and found the catalogue bad), not with the reason
//   unclean-stop as serve, but its stop reports that something did not close cleanly
//   hung-stop   as serve, but its stop never ends (GW_SHUTDOWN_TIMEOUT_MS bounds it)
import { runProcess } from '../../gateway/shared/process-entry.ts';

const scenario = process.argv[2];
const lines = Number(process.env.LOG_CHILD_LINES ?? 0);

await runProcess('log-child', async (_config, logger, signal) => {
  for (let i = 0; i < lines; i++)
    logger.info({ i, pid: process.pid, secret: 'not-to-be-logged' }, 'line');
  switch (scenario) {
    case 'fail-start':
      throw new Error('cannot start');
    case 'throw':
      setImmediate(() => {
        throw new Error('unexpected');
      });
      break;
    case 'sigkill':
      process.kill(process.pid, 'SIGKILL');
      break;
    case 'serve': {
      const serving = setInterval(() => undefined, 60_000);
      // Once start has returned (runProcess listens for signals from before it).
      setImmediate(() => process.send?.('ready'));
      return { stop: async () => (clearInterval(serving), true) };
    }
    case 'slow-start': {
      process.send?.('starting');
      await new Promise<void>((resolve) => process.once('message', () => resolve()));
      const serving = setInterval(() => undefined, 60_000);
      return {
        stop: async () => {
          clearInterval(serving);
          logger.info('stopped');
          return true;
        },
      };
    }
    case 'aborted-start': {
      // Held open until the abort: nothing else keeps the child alive meanwhile.
      const waiting = setInterval(() => undefined, 60_000);
      process.send?.('starting');
      await new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      ).finally(() => clearInterval(waiting));
      break;
    }
    case 'fails-after-abort': {
      const waiting = setInterval(() => undefined, 60_000);
      process.send?.('starting');
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => resolve(), { once: true }),
      ).finally(() => clearInterval(waiting));
      throw new Error('catalogue: revision 3 does not compile');
    }
    case 'unclean-stop':
    case 'hung-stop': {
      setInterval(() => undefined, 60_000);
      setImmediate(() => process.send?.('ready'));
      return {
        stop: () =>
          scenario === 'hung-stop' ? new Promise<boolean>(() => undefined) : Promise.resolve(false),
      };
    }
  }
  return { stop: async () => true };
});
