// Where a process's log lines go: stdout, written in batches (gateway/README.md#logs). pino's own
// default writes each line with its own write(2) through the libuv threadpool; on this project's
// VMs a syscall is dear (≈ 11 µs for a 250-byte line to a pipe), and the gateway wrote two lines
// per submission, the worker one per delivered job. Here lines collect in a sonic-boom buffer and
// go out in one synchronous write once it holds BATCH_BYTES (never more than PIPE_BUF), or when
// the first line still waiting has waited flushMs — so a quiet process's line is late by at most
// that — and whatever is left is written synchronously when the process exits: normally, through
// process.exit() (a fatal start, the end of a SIGTERM shutdown) or after an uncaught exception.
// Only a SIGKILL (or the OOM killer) loses lines: those of the last flushMs at most. flushMs 0
// writes every line at once.
import { pino } from 'pino';

/**
 * The largest write a pipe takes whole (POSIX PIPE_BUF, 4096 on Linux): never split, never
 * interleaved with another writer's. Gateway processes of one node:cluster share one stdout pipe,
 * so a batch is made of whole lines and no longer than this (sonic-boom's maxWrite); only a
 * single line longer than it goes out alone and may interleave, as it could before batching.
 */
const PIPE_BUF = 4096;

/**
 * Bytes buffered before a write: about 14 lines of 250 bytes, leaving room below PIPE_BUF for the
 * line that crosses it. Measured (a child logging two lines per event-loop turn into a pipe), the
 * CPU per line the write costs: ≈ 5 µs with pino's default, ≈ 0.5 µs with 4 KiB batches, more
 * again with 8 and 15 KiB ones, where sonic-boom's Buffer.byteLength of the growing last chunk on
 * every line outweighs the writes saved.
 */
const BATCH_BYTES = PIPE_BUF - 512;

/**
 * The buffered destinations made so far, one per flush period. stdout is one per process, and so
 * is its exit hook: a process (a test run) that makes many loggers shares one buffer, which keeps
 * their lines in order and adds one 'exit' listener, not one per logger.
 */
const batched = new Map<number, pino.DestinationStream>();

/**
 * stdout gone for good — a closed terminal (EIO: `npm start`'s window shut, an ssh session
 * dropped), a reader that went away (EPIPE) — must not end the process: it still has to drain and
 * stop, and `npm start` to stop its private Redis. pino mutes its destination on EPIPE only and
 * re-emits anything else, and pino-pretty's worker thread (a terminal's logs) simply exits, after
 * which the next line's 'the worker has exited': with no listener either threw and killed the
 * process mid-stop. A write error now mutes the destination whatever its code (nothing can be
 * written there any more); process.stdout and stderr (console lines) get a listener for the same
 * errors, once per process.
 */
let stdioGuarded = false;
export function muteOnFailure(stream: pino.DestinationStream & NodeJS.EventEmitter): void {
  stream.on('error', () => {
    const muted = stream as unknown as Record<string, unknown>;
    for (const method of ['write', 'flush', 'flushSync', 'end']) muted[method] = () => undefined;
  });
  if (stdioGuarded) return;
  stdioGuarded = true;
  const broken = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
  };
  process.stdout.on('error', broken);
  process.stderr.on('error', broken);
}

/** stdout for log lines: batched with a flush period of flushMs; 0 writes every line at once. */
export function stdoutDestination(flushMs: number): pino.DestinationStream {
  // Synchronous, one write per line, nothing held back: what an operator asks for with 0.
  if (flushMs <= 0) {
    const unbatched = pino.destination({ dest: 1, sync: true });
    muteOnFailure(unbatched);
    return unbatched;
  }
  let destination = batched.get(flushMs);
  if (!destination) batched.set(flushMs, (destination = batchedStdout(flushMs)));
  return destination;
}

function batchedStdout(flushMs: number): pino.DestinationStream {
  // sync: the batch is written by the thread that logs. sync: false hands each write to the
  // threadpool and its completion back to the loop, which measured dearer per line (≈ 2–6 against
  // 0.2–0.8 µs). pino registers an exit flush for asynchronous destinations only: this one is
  // registered below.
  const stdout = pino.destination({
    dest: 1,
    sync: true,
    minLength: BATCH_BYTES,
    maxWrite: PIPE_BUF,
  });
  muteOnFailure(stdout);
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    stdout.flush();
  };
  // 'exit' is emitted on a normal end, by process.exit() and after an uncaught exception; it runs
  // synchronous code only, which flushSync is. After EPIPE pino has made flushSync a no-op.
  process.on('exit', () => stdout.flushSync());
  return {
    write(line: string) {
      stdout.write(line);
      // Armed by the first line after a flush rather than sonic-boom's periodicFlush interval,
      // which would wake an idle process and write zero bytes every period. Unreferenced: a
      // pending flush does not keep a finished process alive; the exit hook writes the rest.
      timer ??= setTimeout(flush, flushMs).unref();
    },
  };
}
