// The commands a person types, run the way they type them (through npm), when what they need is not
// there: a gateway that is not running (for the demo and the operator CLI), a gateway whose Redis
// is down, a Redis that is not running (`npm start` given a REDIS_URL), a CLI secret unset in
// production. Each must exit non-zero with one line on stderr saying what is wrong and what to
// do — no stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';

interface Outcome {
  code: number | null;
  stderr: string;
}

/** `npm run <args>` in the project, with the environment given (REDIS_URL etc. removed). */
function npmRun(args: string[], env: Record<string, string>): Promise<Outcome> {
  const base = { ...process.env };
  for (const name of [
    'REDIS_URL',
    'GW_URL',
    'GW_KEY_PREFIX',
    'GW_CONFIG_FILE',
    'GW_ENV',
    'GW_CLI_GATEWAY',
    'GW_CLI_OPERATOR',
    'GW_CLI_SECRET',
  ])
    delete base[name];
  const child = spawn('npm', ['run', ...args], {
    cwd: projectPath(),
    env: { ...base, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

/** A TCP port nothing listens on: bound by us for a moment, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectOneClearLine(outcome: Outcome, says: RegExp): void {
  expect(outcome.code).not.toBe(0);
  const lines = outcome.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(says);
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

let redis: PrivateRedis | undefined;
let gw: ApiGateway | undefined;
afterAll(async () => {
  await gw?.close();
  await redis?.stop();
});

describe('npm run demo', () => {
  it('without a gateway: names the URL it tried and says to start the system', async () => {
    const port = await closedPort();
    const outcome = await npmRun(['demo'], { GW_URL: `http://127.0.0.1:${port}` });
    expectOneClearLine(
      outcome,
      new RegExp(
        `^cannot reach the gateway at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start the system with \`npm start\``,
      ),
    );
  });

  it('with a gateway whose Redis is down: says the gateway answers 503 because of its Redis', async () => {
    redis = await startPrivateRedis({
      dir: mkdtempSync(join(tmpdir(), 'swgw-cmd-')),
      persistent: false,
    });
    gw = await startApiGateway({}, { redisUrl: redis.url });
    await redis.stop();
    await waitFor(async () => (await fetch(`${gw!.url}/readyz`)).status === 503, {
      what: 'readyz 503',
    });
    const outcome = await npmRun(['demo'], { GW_URL: gw.url });
    expectOneClearLine(
      outcome,
      /^the gateway at http:\/\/127\.0\.0\.1:\d+ is up but answers 503 GW_UNAVAILABLE: its Redis is not reachable/,
    );
  });
});

describe('npm start', () => {
  it('with a REDIS_URL nothing answers: names where it points, never its password, and says to start it or unset REDIS_URL', async () => {
    const port = await closedPort();
    const outcome = await npmRun(['start'], {
      REDIS_URL: `redis://swgw:not-for-the-terminal@127.0.0.1:${port}`,
      GW_REDIS_STARTUP_TIMEOUT_MS: '1000',
    });
    expectOneClearLine(
      outcome,
      new RegExp(
        `^cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(.*\\): start that Redis, or unset REDIS_URL`,
      ),
    );
    expect(outcome.stderr).not.toContain('not-for-the-terminal');
  });
});

describe('npm run cli', () => {
  it('without a gateway: names the URL it tried and says to start the system or point --gateway elsewhere', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const outcome = await npmRun(['cli', '--', 'dead-letters', 'list'], { GW_CLI_GATEWAY: url });
    expectOneClearLine(
      outcome,
      new RegExp(
        `^cannot reach the gateway at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start the system with \`npm start\`.*--gateway \\(GW_CLI_GATEWAY\\)`,
      ),
    );
    expect(outcome.code).toBe(1);
  });

  it('in production without a secret: says to set GW_CLI_SECRET', async () => {
    const outcome = await npmRun(['cli', '--', 'audit', 'verify'], {
      GW_ENV: 'production',
      GW_CLI_GATEWAY: 'http://127.0.0.1:9',
      GW_CLI_OPERATOR: 'operator-ops',
    });
    expectOneClearLine(outcome, /^no secret for operator-ops: pass --secret or set GW_CLI_SECRET$/);
  });
});
