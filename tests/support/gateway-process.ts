// The real gateway entry point (gateway/main.ts) in a child process, on the test run's Redis under
// the key prefix given, for tests of commands that talk to a gateway over the network only (the
// operator CLI). Ready when /readyz answers 200; stop() sends SIGTERM and waits for the exit.
import { spawn } from 'node:child_process';
import { freePort } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { testDataKeys, testRedisUrl, waitFor } from './redis.ts';

export interface GatewayProcess {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startGatewayProcess(
  keyPrefix: string,
  env: Record<string, string> = {},
  { readyWithinMs = 20_000 } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [projectPath('gateway/main.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      REDIS_URL: testRedisUrl(),
      GW_KEY_PREFIX: keyPrefix,
      GW_DATA_KEYS: testDataKeys(),
      GW_ENV: 'test',
      GW_HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => child.exitCode === null && (await fetch(`${url}/readyz`)).status === 200,
      { timeoutMs: readyWithinMs, what: 'gateway process ready' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
