// Defect 10 of issue 12, the start: GW_ENV=production refuses the development clients file and
// development secrets, and starts with a clients file whose secrets come from the environment
// (README.md#production-mode); defect 9: it refuses to start without the keys that encrypt
// personal data at rest (gateway/README.md#encryption-at-rest); and it refuses a Redis that could
// lose a case it answered 202 for (README.md#redis-durability). The real entry point,
// gateway/main.ts, in a child process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/private-redis.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { holdsListeningPort } from '../../support/listening-socket.ts';
import { startNodeChild } from '../../support/node-child.ts';
import { testRedisUrl, uniquePrefix, waitFor } from '../../support/redis.ts';
import { durableRedisForFile } from './durable-redis.ts';
import { productionClients } from './production-clients.ts';

const main = projectPath('gateway/main.ts');

const durableRedis = durableRedisForFile();

function startGateway(env: Record<string, string>) {
  const { child, output, exited } = startNodeChild(main, {
    REDIS_URL: durableRedis.url,
    GW_KEY_PREFIX: uniquePrefix('prod'),
    GW_ENV: 'production',
    GW_HOST: '127.0.0.1',
    ...env,
  });
  return { child, exit: exited.then(({ code }) => code), output };
}

function clientsFile(clients: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'swgw-prod-')), 'clients.json');
  writeFileSync(file, JSON.stringify(clients));
  return file;
}

describe('GW_ENV=production at start', () => {
  it('refuses to start without GW_CLIENTS_FILE (the development file is the default)', async () => {
    const started = startGateway({ PORT: String(await freePort()) });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/production mode refuses config\/clients\.dev\.json/);
  });

  it('refuses config/clients.dev.json named explicitly', async () => {
    const started = startGateway({
      PORT: String(await freePort()),
      GW_CLIENTS_FILE: projectPath('config/clients.dev.json'),
    });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/refuses config\/clients\.dev\.json/);
  });

  it('refuses a copy of the development clients under another name (dev- secrets)', async () => {
    const file = clientsFile([
      {
        id: 'portal-sc',
        kind: 'portal',
        province: '51',
        secret: 'dev-portal-sc-secret-do-not-use-in-production',
      },
    ]);
    const started = startGateway({ PORT: String(await freePort()), GW_CLIENTS_FILE: file });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/portal-sc: development secret in production/);
  });

  it('refuses a clients file whose secret variable is not set, naming it', async () => {
    const { file } = productionClients();
    const started = startGateway({ PORT: String(await freePort()), GW_CLIENTS_FILE: file });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/PROD_PORTAL_SC_SECRET/);
  });

  it('refuses to start without GW_DATA_KEYS, naming it', async () => {
    const { file, env } = productionClients();
    const { GW_DATA_KEYS: _keys, ...secrets } = env;
    const started = startGateway({
      PORT: String(await freePort()),
      GW_CLIENTS_FILE: file,
      ...secrets,
    });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('GW_DATA_KEYS is required in production');
    expect(started.output()).not.toContain('gateway listening');
  });

  it('refuses a Redis without AOF (the test Redis), naming it and GW_REDIS_DURABILITY', async () => {
    const { file, env } = productionClients();
    const started = startGateway({
      PORT: String(await freePort()),
      GW_CLIENTS_FILE: file,
      REDIS_URL: testRedisUrl(),
      ...env,
    });
    expect(await started.exit).toBe(1);
    expect(started.output()).toMatch(/Redis has AOF off: .*GW_REDIS_DURABILITY=always/);
    expect(started.output()).not.toContain('gateway listening');
  });

  it('starts with a production clients file and secrets from the environment on a Redis that fsyncs every write, and stops on SIGTERM', async () => {
    const { file, env } = productionClients();
    const port = await freePort();
    const started = startGateway({
      PORT: String(port),
      GW_CLIENTS_FILE: file,
      ...env,
    });
    try {
      // Its own /readyz: another test's process that took the port first would answer for itself.
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 &&
          (await holdsListeningPort(started.child.pid!, port)),
        { timeoutMs: 50_000, what: 'production gateway ready' },
      );
      // No secret of the file or the environment is ever printed.
      for (const secret of Object.values(env)) expect(started.output()).not.toContain(secret);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exit).toBe(0);
  });
});
