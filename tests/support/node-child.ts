// A project entry point (gateway/main.ts, adapters/worker.ts) in a child process on this process's
// Node, with the small environment a test or bench gives it and whatever it printed kept: the
// entry's own log lines are JSON, read back by lines(). Free of vitest, so the benches use it too.
import { spawn, type ChildProcess } from 'node:child_process';

export interface NodeChild {
  child: ChildProcess;
  /** stdout and stderr so far, as one text. */
  output: () => string;
  /** The JSON lines of output() so far, parsed (pino's log lines). */
  lines: () => Record<string, unknown>[];
  /**
   * Resolves when it has exited and its output is all read: its code, or the signal that ended
   * it. Node's 'exit' can come while the last lines are still in the pipe ('close' waits for
   * them), and a test reads output() as soon as this resolves.
   */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface NodeChildOptions {
  /** Node's own flags, before the script (--cpu-prof). */
  nodeFlags?: string[];
  cwd?: string;
  /** In a process group of its own, as a terminal's foreground job is: a Ctrl-C reaches it whole. */
  detached?: boolean;
}

/**
 * Starts `script` with PATH, HOME, GW_ENV=test and LOG_LEVEL=info, then `env` over them (a
 * process's configuration is its environment, so nothing of the test runner's leaks in).
 */
export function startNodeChild(
  script: string,
  env: Record<string, string>,
  { nodeFlags = [], cwd, detached = false }: NodeChildOptions = {},
): NodeChild {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    ...(cwd ? { cwd } : {}),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      GW_ENV: 'test',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    lines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
  };
}
