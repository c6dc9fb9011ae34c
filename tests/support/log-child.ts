// Child process for tests/unit/shared/log-destination.test.ts: a process entry (runProcess, as
// the gateway and the worker run) whose start logs and then ends in the way argv[2] names, so the
// parent can count on stdout which lines survived it. LOG_CHILD_LINES lines of msg 'line' (each
// with its number i, the process's pid and a secret, which must come out masked), then:
//   end         start returns and nothing keeps the process alive: it ends by itself (code 0)
//   fail-start  start throws: runProcess logs it fatal and calls process.exit(1)
//   throw       start returns, then an uncaught exception ends the process (code 1)
//   sigkill     the process SIGKILLs itself: no exit hook runs
//   serve       start returns and a timer keeps the process up, as a server's socket would;
//               'ready' goes to the parent (IPC) once runProcess listens for SIGTERM, which stops it
import { runProcess } from '../../gateway/shared/process-entry.ts';

const scenario = process.argv[2];
const lines = Number(process.env.LOG_CHILD_LINES ?? 0);

await runProcess('log-child', async (_config, logger) => {
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
      // runProcess adds its signal listeners when start has resolved, before an immediate runs.
      setImmediate(() => process.send?.('ready'));
      return { stop: async () => (clearInterval(serving), true) };
    }
  }
  return { stop: async () => true };
});
