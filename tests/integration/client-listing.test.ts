// The registered clients and a secret rotation's progress across gateways
// (README.md#rotating-a-clients-secret, step 3): two real gateway processes on one Redis,
// portal-sc mid-rotation. A request signed with the old secret on one gateway shows on the other's
// GET /v1/admin/clients and in the CLI's `clients list` (a separate process, through the operator
// API); a client without a previous secret makes no write; a Redis error recording a use is logged
// and the request served; no answer holds a secret; operators read it, portals and provinces are
// refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientListing, ListedClient } from '../../gateway/admin/client-listing.ts';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import { chinaTime } from '../../gateway/shared/china-time.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { devSecret } from '../support/api-gateway.ts';
import { runCli } from '../support/cli-run.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { plainRedis, uniquePrefix, waitFor } from '../support/redis.ts';
import { DEV_CLIENTS, neverShown, rotationClientsFile } from '../support/rotation-clients.ts';

const OLD_SECRET = randomBytes(24).toString('base64url');
const NEW_SECRET = randomBytes(24).toString('base64url');
const GZ_OLD = randomBytes(24).toString('base64url');
const GZ_NEW = randomBytes(24).toString('base64url');
const READ = '/v1/catalogue/items/SW-005';
const LIST = '/v1/admin/clients';

const prefix = uniquePrefix('clients');
const keys = redisKeys(prefix);
const redis = plainRedis();
let gw1: GatewayProcess;
let gw2: GatewayProcess;

/** Every secret and password hash the clients file holds: none may be in any answer. */
const SECRETS = neverShown(OLD_SECRET, NEW_SECRET, GZ_OLD, GZ_NEW);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-clients-'));
  const env = {
    GW_CLIENTS_FILE: rotationClientsFile(dir, {
      'portal-sc': { secret: NEW_SECRET, previousSecret: OLD_SECRET },
      'portal-gz': { secret: GZ_NEW, previousSecret: GZ_OLD },
    }),
  };
  [gw1, gw2] = await Promise.all([
    startGatewayProcess(prefix, env),
    startGatewayProcess(prefix, env),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([gw1?.stop(), gw2?.stop()]);
  redis.disconnect();
});

async function call(gateway: GatewayProcess, clientId: string, secret: string, url: string) {
  const res = await fetch(`${gateway.url}${url}`, {
    headers: signRequest({ clientId, secret }, { method: 'GET', url }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

const listing = async (gateway: GatewayProcess, operator = 'operator-dev') => {
  const res = await call(gateway, operator, devSecret(operator), LIST);
  expect(res.status, res.text).toBe(200);
  return { ...res, listing: res.body as unknown as ClientListing };
};

const entry = (l: ClientListing, id: string): ListedClient => {
  const found = l.items.find((c) => c.id === id);
  if (!found) throw new Error(`${id} not listed`);
  return found;
};

/** The gateway's listing once `ready` holds for it: the uses are written in the background. */
async function listedOnce(
  gateway: GatewayProcess,
  ready: (l: ClientListing) => boolean,
  what: string,
): Promise<ClientListing> {
  let last: ClientListing | undefined;
  await waitFor(async () => ready((last = (await listing(gateway)).listing)), { what });
  return last!;
}

describe('GET /v1/admin/clients across two gateways', () => {
  it('shows on gateway 2 the old secret gateway 1 accepted, names gateway 1, and writes nothing for a client that is not rotating', async () => {
    // portal-gx has no previous secret: its request first, so a write of its would be in by the
    // time portal-sc's (issued later by the same process) is seen.
    expect((await call(gw1, 'portal-gx', devSecret('portal-gx'), READ)).status).toBe(200);
    const before = Date.now();
    expect((await call(gw1, 'portal-sc', OLD_SECRET, READ)).status).toBe(200);
    const after = Date.now();
    const gateway1 = (await listing(gw1)).listing.gateway;
    const seen = await listedOnce(
      gw2,
      (l) => entry(l, 'portal-sc').rotation.previous !== null,
      "gateway 2 listing portal-sc's old secret",
    );
    expect(seen.gateway).not.toBe(gateway1);
    const sc = entry(seen, 'portal-sc');
    expect(sc).toMatchObject({
      kind: 'portal',
      province: '51',
      rotation: { previousSecret: true, current: null, previous: { gateway: gateway1 } },
    });
    const at = Date.parse(sc.rotation.previous!.at);
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(after);
    expect(entry(seen, 'portal-gx').rotation).toEqual({
      previousSecret: false,
      current: null,
      previous: null,
    });
    expect(await redis.exists(keys.secretUse('portal-sc'))).toBe(1);
    expect(await redis.exists(keys.secretUse('portal-gx'))).toBe(0);

    // The new secret on gateway 2: both times, each naming the gateway that accepted it.
    expect((await call(gw2, 'portal-sc', NEW_SECRET, READ)).status).toBe(200);
    const both = await listedOnce(
      gw1,
      (l) => entry(l, 'portal-sc').rotation.current !== null,
      "gateway 1 listing portal-sc's new secret",
    );
    expect(entry(both, 'portal-sc').rotation.current!.gateway).toBe(seen.gateway);
    expect(entry(both, 'portal-sc').rotation.previous!.gateway).toBe(gateway1);
  });

  it('serves a request whose use cannot be recorded, and logs why', async () => {
    // A key of another type: every ZADD on it fails (WRONGTYPE), as a Redis refusing the write.
    await redis.set(keys.secretUse('portal-gz'), 'not a sorted set');
    expect((await call(gw1, 'portal-gz', GZ_OLD, READ)).status).toBe(200);
    await waitFor(() => gw1.output().includes('could not record the use of a rotating secret'), {
      what: 'the failed write logged',
    });
    expect(gw1.output()).toContain('WRONGTYPE');
    await redis.del(keys.secretUse('portal-gz'));
  });

  it('lists every client of the file with its kind, province, methods, rate and rights, and no secret', async () => {
    const { text, listing: l } = await listing(gw2);
    expect(l.items.map((c) => c.id)).toEqual(DEV_CLIENTS.map((c) => c.id));
    expect(entry(l, 'province-yn')).toMatchObject({
      kind: 'province',
      province: '53',
      adapter: 'yn',
      signatureMethods: ['HMAC-SHA256', 'HMAC-SM3'],
      rateFrom: 'default',
    });
    expect(entry(l, 'province-yn').rights).toBeUndefined();
    expect(entry(l, 'operator-readonly')).toMatchObject({ rights: [], consoleSignIn: true });
    expect(entry(l, 'operator-dev').rights).toContain('data-keys');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/secretEnv|passwordHash|scrypt/);
  });

  it('answers a read-only operator, and refuses portals and province platforms with 403 GW_FORBIDDEN', async () => {
    const readonly = await listing(gw1, 'operator-readonly');
    expect(readonly.listing.items.length).toBe(DEV_CLIENTS.length);
    for (const id of ['portal-sc-chengdu', 'province-yn']) {
      const refused = await call(gw1, id, devSecret(id), LIST);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('GW_FORBIDDEN');
    }
  });
});

describe('npm run cli -- clients list', () => {
  it("prints gateway 1's acceptance of the old secret from gateway 2, in China time, and no secret", async () => {
    const l = await listedOnce(
      gw1,
      (got) => entry(got, 'portal-sc').rotation.previous !== null,
      "portal-sc's old secret listed",
    );
    const previous = entry(l, 'portal-sc').rotation.previous!;
    const run = await runCli(['clients', 'list'], { GW_CLI_GATEWAY: gw2.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^portal-sc +portal +51 .*previous secret$/m);
    expect(run.stdout).toContain(
      `old secret last accepted: ${chinaTime(previous.at, { seconds: true })}`,
    );
    expect(run.stdout).toContain(previous.gateway);
    expect(run.stdout).toMatch(/^operator-readonly +operator .*\(none\)/m);
    const json = await runCli(['clients', 'list', '--json'], { GW_CLI_GATEWAY: gw2.url });
    expect(json.code, json.stderr).toBe(0);
    const printed = JSON.parse(json.stdout) as ClientListing;
    expect(entry(printed, 'portal-sc').rotation.previous).toEqual(previous);
    for (const secret of SECRETS) {
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(json.stdout).not.toContain(secret);
    }
  });
});
