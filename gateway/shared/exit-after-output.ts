// Ends the process once what it printed has left it. process.stdout and process.stderr write to a
// pipe or socket (a test's child, `npm run cli -- … | grep`, npm's own pipe) without blocking, and
// process.exit() drops what they still hold: a CLI listing 253 drafts printed 197 lines to its
// test, and 48 of 800 piped runs of such a child lost lines on this 2-core machine. An empty write
// is called back after every write before it, so waiting on one per stream waits for them all.
// Bounded: a reader that never reads must not keep the process from ending.

/** How long the exit waits for a reader that is behind (a stuck one loses the rest, as before). */
const DRAIN_BOUND_MS = 2000;

function written(stream: NodeJS.WriteStream): Promise<void> {
  // A stream already ended or broken (EPIPE: the reader went away) calls back with its error.
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}

export async function exitAfterOutput(code: number): Promise<never> {
  const bound = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_BOUND_MS).unref());
  await Promise.race([Promise.all([written(process.stdout), written(process.stderr)]), bound]);
  process.exit(code);
}
