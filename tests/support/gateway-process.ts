// The real gateway entry point (gateway/main.ts) in a child process, on the test run's Redis under
// the key prefix given, for tests of commands that talk to a gateway over the network only (the
// operator CLI, a process killed mid-request). Ready when /readyz answers 200 from a socket the child
// holds (a port found free but taken by another test's process before the gateway bound it answers
// for that process, not this one: the child then exits on EADDRINUSE and another port is tried);
// stop() sends SIGTERM and waits for the exit, kill() SIGKILL.
import { freePort } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { holdsListeningPort } from './listening-socket.ts';
import { startNodeChild } from './node-child.ts';
import { testDataKeys, testRedisUrl, waitFor } from './redis.ts';

export interface GatewayProcess {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash: nothing of its shutdown runs. Resolves once it has exited. */
  kill: () => Promise<void>;
}

/** How many ports are tried, each found free then taken by another process before the gateway bound it. */
const PORT_TRIES = 5;

export async function startGatewayProcess(
  keyPrefix: string,
  env: Record<string, string> = {},
  // A bound, not a measure: a start once took 27 s on a loaded 2-core machine.
  { readyWithinMs = 60_000 } = {},
): Promise<GatewayProcess> {
  for (let attempt = 1; ; attempt++) {
    // A port the caller gave is the child's (and the url's) too: only a found one is tried again.
    const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
    const { child, output, exited } = startNodeChild(projectPath('gateway/main.ts'), {
      REDIS_URL: testRedisUrl(),
      GW_KEY_PREFIX: keyPrefix,
      GW_DATA_KEYS: testDataKeys(),
      GW_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
    });
    const url = `http://127.0.0.1:${port}`;
    // A process that exited is not waited on to the bound: its output says why at once.
    const ready = await waitFor(
      async () =>
        child.exitCode !== null
          ? 'exited'
          : (await fetch(`${url}/readyz`)).status === 200 &&
            (await holdsListeningPort(child.pid!, port)),
      { timeoutMs: readyWithinMs, what: 'gateway process ready' },
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${output()}`);
    });
    if (ready === 'exited') {
      await exited;
      // The port found free was taken before the gateway bound it (test files run side by side).
      if (output().includes('EADDRINUSE') && env.PORT === undefined && attempt < PORT_TRIES)
        continue;
      throw new Error(`gateway process exited before it was ready:\n${output()}`);
    }
    return {
      url,
      output,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      },
      kill: async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  }
}
