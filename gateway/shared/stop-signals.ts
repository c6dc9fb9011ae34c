// How every long-running entry point (the gateway and its processes' primary, the worker, the
// portal, `npm start`) hears that it should stop: SIGINT, SIGTERM or SIGHUP, once.
//
// SIGHUP is a closed terminal (a window shut, an ssh session dropped): the kernel sends it to the
// foreground process group. Node's default for it ends the process at once — under nohup too,
// since Node resets an inherited "ignore" at start — which left `npm start`'s private
// redis-server (in a group of its own) running over its data folder, and drained nothing.
//
// Why not simply the first signal, the second ending the process at once: one stop often arrives
// twice within milliseconds. A terminal's Ctrl-C goes to the whole foreground process group, and
// npm (which runs `npm start` and the other start scripts, `exec`-ing into node so that a
// supervisor's SIGTERM to npm reaches us rather than orphaning us) passes SIGINT and SIGTERM on to
// its child too; the gateway's cluster primary sends its processes SIGTERM as they get the
// terminal's SIGINT. Taken as an operator insisting, that echo cut every such stop short: no
// drain, and `npm start` left its private redis-server running. So a repeat within ECHO_MS of the
// first signal is the same stop and is ignored; after it the listeners are gone, and a signal
// takes the default action (the process ends at once), as an operator pressing Ctrl-C again means.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long a repeated signal counts as the first one passed on (npm's forward, the primary's). */
export const ECHO_MS = 2000;

/**
 * Calls `stop` on the first SIGINT, SIGTERM or SIGHUP. Returns a function that stops listening (a
 * process that stopped on its own).
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, echoMs = ECHO_MS): () => void {
  let stopping = false;
  const listener = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(forget, echoMs).unref();
    stop(signal);
  };
  function forget() {
    for (const signal of SIGNALS) process.off(signal, listener);
  }
  for (const signal of SIGNALS) process.on(signal, listener);
  return forget;
}

/** The first SIGINT, SIGTERM or SIGHUP, as a promise (entry points that wait for it). */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => onStopSignal(resolve));
}
