// An operator's mistake found while a production process starts — a client secret missing, a data
// key of the wrong length, a port already taken, a Redis that does not answer, a REDIS_URL that is
// not a URL or names a database Redis refuses, an adapter's credential not set, a misspelt GW_
// variable — ends the start with exit 1 and one log line naming the setting, never a stack trace
// (README.md#production-mode). They were logged as the error whole, its stack of the gateway's
// frames among them, a taken port or an unreachable Redis named no setting at all, a database
// Redis refused left the gateway serving from database 0, and a misspelt variable was ignored,
// its setting left at the default.
// A misspelt GW_ENV is refused in every mode (it left a production deployment in development mode),
// a start refused for what needs no Redis (secrets, data keys, the supervision file) writes nothing
// to it (a fresh Redis was seeded with the catalogue first), and a worker whose metrics port is taken logs that line
// alone (a warning with the stack of "Connection is closed." came before it).
// The real entry points, gateway/main.ts and adapters/worker.ts, in child processes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/private-redis.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startNodeChild } from '../../support/node-child.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';
import { durableRedisForFile, startDurableRedis } from './durable-redis.ts';
import { productionClients } from './production-clients.ts';

const durableRedis = durableRedisForFile();

/** Starts an entry point in production with a valid clients file, `env` on top; its failure. */
async function failedStart(entry: string, env: Record<string, string>) {
  const { file, env: secrets } = productionClients();
  const { child, output, lines, exited } = startNodeChild(projectPath(entry), {
    REDIS_URL: durableRedis.url,
    GW_KEY_PREFIX: uniquePrefix('prod-mistake'),
    GW_ENV: 'production',
    GW_HOST: '127.0.0.1',
    GW_CLIENTS_FILE: file,
    GW_REDIS_STARTUP_TIMEOUT_MS: '1000',
    ...secrets,
    ...env,
  });
  // A start that is not refused is stopped once it serves, so the test fails rather than hangs.
  await waitFor(
    () => child.exitCode !== null || /"msg":"(gateway listening|workers started)"/.test(output()),
    { timeoutMs: 50_000, what: 'the start to be refused or to serve' },
  );
  if (child.exitCode === null) child.kill('SIGTERM');
  const { code } = await exited;
  const failed = lines().find((line) => String(line.msg).endsWith('failed to start'));
  return { code, output: output(), failed };
}

function expectNamedWithoutStack(
  started: Awaited<ReturnType<typeof failedStart>>,
  named: string | RegExp,
) {
  expect(started.code).toBe(1);
  expect(started.failed).toBeDefined();
  expect(String(started.failed?.reason)).toMatch(named);
  expect(started.output).not.toContain('"stack"');
  expect(started.output).not.toMatch(/\n\s+at /);
}

// Each test's child process is its own, on its own key prefix, port and (below) fresh Redis, and
// much of its time is spent waiting (a Redis that never answers, a fresh Redis's fsync, a node
// starting): one after the other the file took 30 s in CI. At once: five at a time in each of the
// two groups, which run side by side (adjacent concurrent suites).
describe.concurrent('a production start refused for an operator mistake', () => {
  it('a client secret variable that is empty: names the variable, no stack', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      PROD_PORTAL_SC_SECRET: '',
    });
    expectNamedWithoutStack(started, /portal-sc: .*\(PROD_PORTAL_SC_SECRET\)/);
  });

  it('a data key that is not 32 bytes: names GW_DATA_KEYS, no stack', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_DATA_KEYS: 'k1:c2hvcnQ=',
    });
    expectNamedWithoutStack(started, /GW_DATA_KEYS key k1: must be 32 bytes/);
  });

  it('a port already taken: names PORT and the address, no stack', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const started = await failedStart('gateway/main.ts', { PORT: String(port) });
      expectNamedWithoutStack(
        started,
        new RegExp(`^PORT .*127\\.0\\.0\\.1:${port} is already in use`),
      );
    } finally {
      taken.close();
    }
  });

  it('a Redis that does not answer: names REDIS_URL, no stack', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expectNamedWithoutStack(started, /^REDIS_URL: Redis not reachable within 1000 ms/);
  });

  it('a misspelt GW_ variable: names it and the setting it likely meant, before anything starts; a GW_ name far from every setting is not refused', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_REDIS_WAIT_REPLICA: '1',
      GW_TEAM_PORTAL_SECRET_FOR_SICHUAN: 'a team variable, or a secretEnv the clients file names',
      GW_CLI_GATEWAY: 'http://127.0.0.1:8080',
      GW_ADAPTER_YN_BASE_URL: 'https://ydbst.yn.example',
    });
    expect(started.code).toBe(1);
    expect(started.output).toContain(
      'GW_REDIS_WAIT_REPLICA: not a setting (did you mean GW_REDIS_WAIT_REPLICAS?)',
    );
    // Variables read by the CLI and the adapters are not settings, and not refused.
    expect(started.output).not.toMatch(
      /GW_CLI_GATEWAY|GW_ADAPTER_YN_BASE_URL|GW_TEAM_PORTAL_SECRET_FOR_SICHUAN/,
    );
    expect(started.output).not.toContain('gateway starting');
    expect(started.output).not.toMatch(/\n\s+at /);
  });

  it('a misspelt GW_ENV (GW_EVN=production, GW_ENV unset): refused in development mode, naming GW_EVN and GW_ENV, before anything starts', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_ENV: '',
      GW_EVN: 'production',
    });
    expect(started.code).toBe(1);
    expect(started.output).toContain('GW_EVN: not a setting (did you mean GW_ENV?)');
    expect(started.output).not.toContain('gateway starting');
  });

  it('GW_GATEWAY_PROCESS set by hand on a gateway no supervisor forked: refused, naming it, before anything starts', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_GATEWAY_PROCESS: '3',
    });
    expect(started.code).toBe(1);
    expect(started.output).toContain('GW_GATEWAY_PROCESS: set by the supervisor');
    expect(started.output).not.toContain('gateway starting');
  });

  it('a REDIS_URL that is not a URL: names REDIS_URL, no stack', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:notaport',
    });
    expectNamedWithoutStack(started, /^REDIS_URL: not a URL/);
  });

  it('a REDIS_URL database Redis refuses (/99 of 16): names REDIS_URL and the database, never serves from database 0', async () => {
    const started = await failedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      REDIS_URL: `${durableRedis.url}/99`,
    });
    expectNamedWithoutStack(started, /^REDIS_URL: Redis refused database 99/);
    expect(started.output).not.toContain('gateway listening');
  });

  it('a worker whose adapter credentials are not set: names each variable, no stack', async () => {
    const started = await failedStart('adapters/worker.ts', {});
    expectNamedWithoutStack(started, /GW_ADAPTER_YN_REG_CODE is not set/);
  });

  it('a worker whose GW_WORKER_METRICS_PORT is taken: one line naming the setting and the address, no warning with a stack while it closes its connections', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const started = await failedStart('adapters/worker.ts', {
        GW_ENV: 'test',
        GW_WORKER_METRICS_HOST: '127.0.0.1',
        GW_WORKER_METRICS_PORT: String(port),
      });
      expectNamedWithoutStack(
        started,
        new RegExp(`^GW_WORKER_METRICS_PORT .*127\\.0\\.0\\.1:${port} is already in use`),
      );
      expect(started.output).not.toContain('Connection is closed');
    } finally {
      taken.close();
    }
  });

  it('a worker on a Redis that does not answer: names REDIS_URL, no stack', async () => {
    const started = await failedStart('adapters/worker.ts', {
      GW_ENV: 'test',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expectNamedWithoutStack(started, /^REDIS_URL: Redis not reachable within 1000 ms/);
  });
});

describe.concurrent('a start refused for what needs no Redis writes nothing to it', () => {
  /** A fresh durable Redis, `entry` started on it with `env` and refused; then its keys. */
  async function keysAfterRefusedStart(entry: string, env: Record<string, string>) {
    const fresh = await startDurableRedis();
    try {
      const started = await failedStart(entry, { REDIS_URL: fresh.url, ...env });
      const redis = plainRedis(fresh.url);
      try {
        return { started, keys: await redis.keys('*') };
      } finally {
        redis.disconnect();
      }
    } finally {
      await fresh.stop();
    }
  }

  it('a gateway with a data key that is not 32 bytes: refused naming GW_DATA_KEYS, the fresh Redis holds no key (no catalogue seeded)', async () => {
    const { started, keys } = await keysAfterRefusedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_DATA_KEYS: 'k1:c2hvcnQ=',
    });
    expectNamedWithoutStack(started, /GW_DATA_KEYS key k1: must be 32 bytes/);
    expect(keys).toEqual([]);
  });

  it('a gateway whose client secret variable is empty: refused naming it, the fresh Redis holds no key', async () => {
    const { started, keys } = await keysAfterRefusedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      PROD_PORTAL_SC_SECRET: '',
    });
    expectNamedWithoutStack(started, /portal-sc: .*\(PROD_PORTAL_SC_SECRET\)/);
    expect(keys).toEqual([]);
  });

  /** A supervision file (GW_SUPERVISION_FILE) with deadlines for a province not in the alliance. */
  function wrongSupervisionFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'swgw-supervision-')), 'supervision.json');
    const shipped = JSON.parse(readFileSync(projectPath('config/supervision.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...shipped, provinces: { 99: { visitDays: 2 } } }));
    return file;
  }

  it('a gateway whose supervision file is wrong: refused naming the file without a stack, the fresh Redis holds no key', async () => {
    const file = wrongSupervisionFile();
    const { started, keys } = await keysAfterRefusedStart('gateway/main.ts', {
      PORT: String(await freePort()),
      GW_SUPERVISION_FILE: file,
    });
    expectNamedWithoutStack(started, `${file}: provinces 99 are not alliance members`);
    expect(keys).toEqual([]);
  });

  it('a worker whose supervision file is wrong: refused naming the file without a stack, the fresh Redis holds no key', async () => {
    const file = wrongSupervisionFile();
    const { started, keys } = await keysAfterRefusedStart('adapters/worker.ts', {
      GW_ENV: 'test',
      GW_SUPERVISION_FILE: file,
    });
    expectNamedWithoutStack(started, `${file}: provinces 99 are not alliance members`);
    expect(keys).toEqual([]);
  });

  it('a worker with a data key that is not 32 bytes: refused naming GW_DATA_KEYS without a stack, the fresh Redis holds no key', async () => {
    const { started, keys } = await keysAfterRefusedStart('adapters/worker.ts', {
      GW_ENV: 'test',
      GW_DATA_KEYS: 'k1:c2hvcnQ=',
    });
    expectNamedWithoutStack(started, /GW_DATA_KEYS key k1: must be 32 bytes/);
    expect(keys).toEqual([]);
  });
});
