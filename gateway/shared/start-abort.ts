// A process told to stop during its start (SIGTERM/SIGINT, shared/process-entry.ts) aborts the
// start's AbortSignal. Every step of a start that waits on Redis gives up on it, so a stop asked for
// at any point of a start ends it at once, not at the shutdown deadline (exit 1) nor at the start-up
// timeout: a worker whose Redis went away just after first answering held a SIGTERM in its catalogue
// read, which has no command timeout, until the deadline (README.md#operations, Shutdown).
// runProcess then tells a start that gave up on the signal (exit 0, "stopped before it started")
// from one that failed for a reason of its own while being stopped (exit 1, "failed to start").

/**
 * `step`, unless `signal` is aborted before it settles: then `giveUp` closes what the step waits on
 * (its connections), and the promise rejects with the signal's reason — not with what closing made
 * the step fail with ("Connection is closed."), which is the abort's doing and is dropped. A step
 * that settled before the abort keeps its outcome: a failure that came first is the start's.
 */
export function unlessAborted<T>(
  step: Promise<T>,
  signal: AbortSignal | undefined,
  giveUp: () => void,
): Promise<T> {
  if (!signal) return step;
  if (signal.aborted) {
    step.catch(() => undefined);
    giveUp();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      step.catch(() => undefined);
      giveUp();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/**
 * Whether a start's failure is its abort: the signal's reason itself, an AbortError (what an API
 * given the signal rejects with: node's events.once, timers/promises), or an error caused by either
 * (`cause`, as a step's StartupError wraps what it caught). Anything else is a failure of its own,
 * even one that arrives after the signal.
 */
export function causedByAbort(error: unknown, signal: AbortSignal): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e !== undefined && e !== null && !seen.has(e);) {
    seen.add(e);
    if (e === signal.reason) return true;
    if (e instanceof Error && e.name === 'AbortError') return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
