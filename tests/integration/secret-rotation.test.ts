// A client's secret rotated without a flag day (README.md#rotating-a-clients-secret), across the
// restarts the README's steps make, with real gateway processes on the run's Redis: before the
// rotation the old secret alone signs; with the new one current and the old one previous, either
// is accepted, a third is still 401 GW_AUTH_BAD_SIGNATURE, and /metrics and the log tell which one
// each request used (never a secret); once previous is dropped, the old secret is refused. And a
// production start refuses a previous secret that breaks the rules, naming the client.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import { SECRET_MATCHES } from '../../gateway/metrics/metrics.ts';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { rotationClientsFile, type ClientSecrets } from '../support/rotation-clients.ts';
import { startNodeChild } from '../support/node-child.ts';
import { testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';

const OLD_SECRET = randomBytes(24).toString('base64url');
const NEW_SECRET = randomBytes(24).toString('base64url');
const OTHER_SECRET = randomBytes(24).toString('base64url');
const PATH = '/v1/catalogue/items';

/** The development clients with portal-sc's secrets as given: the file a step leaves. */
const clientsFile = (dir: string, secrets: ClientSecrets) =>
  rotationClientsFile(dir, { 'portal-sc': secrets });

/** GET /v1/catalogue/items signed as portal-sc with `secret`: its status and problem code. */
async function read(gateway: GatewayProcess, secret: string) {
  const res = await fetch(`${gateway.url}${PATH}`, {
    headers: signRequest({ clientId: 'portal-sc', secret }, { method: 'GET', url: PATH }),
  });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

const matches = (gateway: GatewayProcess, secret: 'current' | 'previous') =>
  seriesValue(`${gateway.url}/metrics`, SECRET_MATCHES, `{client="portal-sc",secret="${secret}"}`);

let running: GatewayProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("rotating portal-sc's secret across gateway restarts", () => {
  it('accepts the old and the new secret during the overlap, counts and logs the previous one, and refuses the old one once it is dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-rotation-'));
    const prefix = uniquePrefix('rotation');
    // LOG_LEVEL info: the line naming the previous secret's use is an info line.
    const start = (secrets: ClientSecrets) =>
      startGatewayProcess(prefix, {
        GW_CLIENTS_FILE: clientsFile(dir, secrets),
        LOG_LEVEL: 'info',
      });

    running = await start({ secret: OLD_SECRET });
    expect(await read(running, OLD_SECRET)).toEqual({ status: 200, code: undefined });
    // No rotation: no series.
    expect(await matches(running, 'previous')).toBeUndefined();
    await running.stop();

    // Step 1: the new secret current, the old one previous.
    running = await start({ secret: NEW_SECRET, previousSecret: OLD_SECRET });
    expect(await read(running, OLD_SECRET)).toEqual({ status: 200, code: undefined });
    expect(await read(running, OLD_SECRET)).toEqual({ status: 200, code: undefined });
    expect(await read(running, NEW_SECRET)).toEqual({ status: 200, code: undefined });
    expect(await read(running, OTHER_SECRET)).toEqual({
      status: 401,
      code: 'GW_AUTH_BAD_SIGNATURE',
    });
    expect(await matches(running, 'previous')).toBe(2);
    expect(await matches(running, 'current')).toBe(1);
    // The log is written asynchronously: wait for both lines rather than read it at once.
    const gateway = running;
    const previousLines = () =>
      gateway
        .output()
        .split('\n')
        .filter((line) => line.includes('request signed with the previous secret'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await waitFor(() => previousLines().length >= 2, {
      timeoutMs: 10_000,
      what: 'the two previous-secret lines',
    });
    const logged = previousLines();
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ clientId: 'portal-sc', secretUsed: 'previous' });
    for (const secret of [OLD_SECRET, NEW_SECRET, OTHER_SECRET])
      expect(running.output()).not.toContain(secret);
    await running.stop();

    // Step 4: the previous secret dropped.
    running = await start({ secret: NEW_SECRET });
    expect(await read(running, OLD_SECRET)).toEqual({
      status: 401,
      code: 'GW_AUTH_BAD_SIGNATURE',
    });
    expect(await read(running, NEW_SECRET)).toEqual({ status: 200, code: undefined });
    expect(await matches(running, 'previous')).toBeUndefined();
  });
});

describe('GW_ENV=production and a previous secret', () => {
  it('refuses to start on a previous secret that is unset, a development one, or the current one, naming each client and variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swgw-rotation-prod-'));
    const file = join(dir, 'clients.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'portal-sc',
          kind: 'portal',
          province: '51',
          secretEnv: 'SC_SECRET',
          previousSecretEnv: 'SC_SECRET_OLD',
        },
        {
          id: 'portal-gx',
          kind: 'portal',
          province: '45',
          secretEnv: 'GX_SECRET',
          previousSecretEnv: 'GX_SECRET_OLD',
        },
        {
          id: 'portal-cq',
          kind: 'portal',
          province: '50',
          secretEnv: 'CQ_SECRET',
          previousSecretEnv: 'CQ_SECRET_OLD',
        },
      ]),
    );
    // The clients file is judged before Redis is reached: the test Redis (no AOF) is never asked.
    const { output, exited } = startNodeChild(projectPath('gateway/main.ts'), {
      REDIS_URL: testRedisUrl(),
      GW_KEY_PREFIX: uniquePrefix('rotation-prod'),
      GW_ENV: 'production',
      GW_HOST: '127.0.0.1',
      PORT: String(await freePort()),
      GW_CLIENTS_FILE: file,
      GW_DATA_KEYS: generateDataKeys('prod'),
      SC_SECRET: NEW_SECRET,
      GX_SECRET: OTHER_SECRET,
      GX_SECRET_OLD: 'dev-portal-gx-secret-do-not-use-in-production',
      CQ_SECRET: OLD_SECRET,
      CQ_SECRET_OLD: OLD_SECRET,
    });
    expect((await exited).code).toBe(1);
    expect(output()).toContain(
      'portal-sc: previous secret missing or shorter than 32 characters (SC_SECRET_OLD)',
    );
    expect(output()).toContain(
      'portal-gx: development previous secret in production (GX_SECRET_OLD)',
    );
    expect(output()).toContain(
      'portal-cq: previous secret equals the current one (CQ_SECRET_OLD): give the new secret as the current one',
    );
    for (const secret of [NEW_SECRET, OTHER_SECRET, OLD_SECRET])
      expect(output()).not.toContain(secret);
    expect(output()).not.toContain('gateway listening');
  });
});
