// Parent ↔ child plumbing for the bench: every server and worker under test runs in its own Node
// process (forked, IPC channel), so the load generator never shares an event loop with it. A child
// says { type: 'ready', ...facts } once it listens; the parent asks questions by id ('memory',
// 'stats') and finally sends 'stop', after which the child closes what it opened and exits 0
// (so a --cpu-prof profile is written).
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export type Facts = Record<string, unknown>;

interface Question {
  type: 'ask';
  id: number;
  what: string;
}
interface Answer {
  type: 'answer';
  id: number;
  data: Facts;
}
interface Ready {
  type: 'ready';
  facts: Facts;
}
interface Failed {
  type: 'failed';
  message: string;
}
type ChildMessage = Answer | Ready | Failed;

// ---- child side ----------------------------------------------------------------------------

export interface ChildHandlers {
  /**
   * Answers 'memory', 'cpu' (process.memoryUsage(), cpuUsage()), 'profile-start' and
   * 'profile-stop' by default; add more by name.
   */
  answers?: Record<string, () => Facts | Promise<Facts>>;
  stop: () => Promise<void>;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * A CPU profile of a stretch the parent chooses ('profile-start' … 'profile-stop'), written to
 * BENCH_PROFILE_FILE: unlike node --cpu-prof, without the start-up and the seeding around it.
 */
function windowProfiler(): Record<string, () => Promise<Facts>> {
  const session = new Session();
  return {
    'profile-start': async () => {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return {};
    },
    'profile-stop': async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      const file = process.env.BENCH_PROFILE_FILE ?? 'window.cpuprofile';
      writeFileSync(file, JSON.stringify(profile));
      return { file };
    },
  };
}

/** Call once the child is ready: reports facts, then serves questions until told to stop. */
export function serveParent(facts: Facts, handlers: ChildHandlers): void {
  const answers: Record<string, () => Facts | Promise<Facts>> = {
    memory: () => ({ ...process.memoryUsage() }),
    cpu: () => ({ ...process.cpuUsage() }),
    ...windowProfiler(),
    ...handlers.answers,
  };
  process.on('message', (raw: unknown) => {
    const message = raw as Question | { type: 'stop' };
    if (message.type === 'stop') {
      void handlers.stop().finally(() => {
        process.disconnect?.();
        process.exit(0);
      });
      return;
    }
    const answer = answers[message.what];
    void Promise.resolve(answer ? answer() : { error: `no answer for ${message.what}` }).then(
      (data) => send({ type: 'answer', id: message.id, data }),
    );
  });
  // The parent died without saying stop: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', facts });
}

/**
 * The baseline servers' way to serve (express apps, or any http listener): listens on a free
 * loopback port, reports it to the parent as `port`, and on stop closes the server — its open
 * connections first — before the child's own `stop` (its queue and Redis, if any).
 */
export async function serveApp(
  app: RequestListener,
  handlers: { answers?: ChildHandlers['answers']; stop?: () => Promise<void> } = {},
): Promise<void> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  serveParent(
    { port },
    {
      ...(handlers.answers ? { answers: handlers.answers } : {}),
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await handlers.stop?.();
      },
    },
  );
}

/** Wraps a child's main: any start-up error goes to the parent, then the child exits 1. */
export async function runChild(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    send({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
}

// ---- parent side ---------------------------------------------------------------------------

export interface RunningChild {
  name: string;
  process: ChildProcess;
  facts: Facts;
  ask: (what: string) => Promise<Facts>;
  stop: () => Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  execArgv?: string[];
  readyTimeoutMs?: number;
}

/** Forks tests/bench/<script> with the same Node binary and waits for its 'ready'. */
export async function spawnChild(
  name: string,
  script: string,
  options: SpawnOptions = {},
): Promise<RunningChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // stdout is discarded: the gateway and the worker log at info as in production (pino JSON to
  // fd 1), and writing it to /dev/null keeps that cost without flooding the bench's own output.
  const child = fork(path, [], {
    execPath: process.execPath,
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, (data: Facts) => void>();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const facts = await new Promise<Facts>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: not ready within ${options.readyTimeoutMs ?? 60_000} ms`)),
      options.readyTimeoutMs ?? 60_000,
    );
    child.on('message', (raw: unknown) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.facts);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start:\n${message.message}`));
      } else if (message.type === 'answer') {
        pending.get(message.id)?.(message.data);
        pending.delete(message.id);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready`));
    });
  });
  return {
    name,
    process: child,
    facts,
    ask: (what) =>
      new Promise<Facts>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ type: 'ask', id, what } satisfies Question);
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
