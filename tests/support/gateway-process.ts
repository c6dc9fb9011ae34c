// The real gateway entry point (gateway/main.ts) in a child process, on the test run's Redis under
// the key prefix given, for tests of commands that talk to a gateway over the network only (the
// operator CLI, a process killed mid-request). Ready when /readyz answers 200; stop() sends SIGTERM
// and waits for the exit, kill() SIGKILL.
import { freePort } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startNodeChild } from './node-child.ts';
import { testDataKeys, testRedisUrl, waitFor } from './redis.ts';

export interface GatewayProcess {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash: nothing of its shutdown runs. Resolves once it has exited. */
  kill: () => Promise<void>;
}

export async function startGatewayProcess(
  keyPrefix: string,
  env: Record<string, string> = {},
  { readyWithinMs = 20_000 } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const { child, output, exited } = startNodeChild(projectPath('gateway/main.ts'), {
    REDIS_URL: testRedisUrl(),
    GW_KEY_PREFIX: keyPrefix,
    GW_DATA_KEYS: testDataKeys(),
    GW_HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => child.exitCode === null && (await fetch(`${url}/readyz`)).status === 200,
      { timeoutMs: readyWithinMs, what: 'gateway process ready' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output()}`);
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
