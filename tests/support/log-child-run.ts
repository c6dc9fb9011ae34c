// Runs tests/support/log-child.ts (a process entry through runProcess) in a child process and
// reads back what it wrote: for the log destination's tests and runProcess's own.
import { spawn } from 'node:child_process';
import { projectPath } from '../../gateway/shared/project-root.ts';

export interface LogChild {
  /** stdout so far, one parsed JSON object per complete line. */
  lines: () => Record<string, unknown>[];
  /** The msg of each line so far, in order. */
  messages: () => unknown[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the signal that killed it, null when it exited by itself. */
  signal: Promise<NodeJS.Signals | null>;
  /** Resolves at the child's first message (IPC). */
  ready: Promise<void>;
  /** Sends the child a message (IPC). */
  send: (message: string) => void;
  kill: (signal: NodeJS.Signals) => void;
  running: () => boolean;
}

export const LOG_CHILD = projectPath('tests/support/log-child.ts');

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    GW_ENV: 'test',
    LOG_LEVEL: 'info',
    ...env,
  };
}

export function startLogChild(scenario: string, env: Record<string, string>): LogChild {
  const child = spawn(process.execPath, [LOG_CHILD, scenario], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  // 'close', not 'exit': the last lines may still be in the pipe when the process has exited.
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, signal) => resolve([code, signal])),
  );
  const ready = new Promise<void>((resolve) => child.on('message', () => resolve()));
  const lines = () =>
    stdout
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    lines,
    messages: () => lines().map((line) => line.msg),
    exited: ended.then(([code]) => code),
    signal: ended.then(([, signal]) => signal),
    ready,
    send: (message) => child.send(message),
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}
