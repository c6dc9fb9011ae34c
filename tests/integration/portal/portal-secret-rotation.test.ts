// The portal's side of a secret rotation (README.md#rotating-a-clients-secret): with
// PORTAL_CLIENT_PREVIOUS_SECRET set, a real portal on the run's Redis accepts the gateway's
// callbacks signed with either its secret or the previous one (a worker not yet restarted still
// signs with the old one), refuses one signed with any other, and signs nothing with the previous
// one; the previous secret is held to the gateway's rules for a client's previous secret.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { PortalConfigError } from '../../../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { devSecret } from '../../support/api-gateway.ts';
import { testPortalConfig } from '../../support/portal-config.ts';

const PATH = '/callbacks/gateway';
const NEW_SECRET = randomBytes(24).toString('base64url');
const OLD_SECRET = randomBytes(24).toString('base64url');
const OTHER_SECRET = randomBytes(24).toString('base64url');

const body = JSON.stringify({
  caseId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  status: 'CLOSED',
  sequence: 3,
});
/** A callback as the gateway signs it with `secret`: a fresh nonce each time. */
const callback = (portal: RunningPortal, secret: string) =>
  fetch(`${portal.url}${PATH}`, {
    method: 'POST',
    headers: {
      ...signRequest({ clientId: 'gateway', secret }, { method: 'POST', url: PATH, body }),
      'Content-Type': 'application/json',
    },
    body,
  });

// No gateway: a callback for a case the portal does not know is acknowledged without asking it.
const rotating = () =>
  testPortalConfig({
    PORTAL_GATEWAY_URL: 'http://127.0.0.1:9',
    PORTAL_CLIENT_SECRET: NEW_SECRET,
    PORTAL_CLIENT_PREVIOUS_SECRET: OLD_SECRET,
  });

let portal: RunningPortal;
let settled: RunningPortal;
beforeAll(async () => {
  portal = await startPortal({ config: rotating() });
  settled = await startPortal({
    config: testPortalConfig({
      PORTAL_GATEWAY_URL: 'http://127.0.0.1:9',
      PORTAL_CLIENT_SECRET: NEW_SECRET,
    }),
  });
});
afterAll(async () => {
  await portal?.stop();
  await settled?.stop();
});

describe('a portal rotating its secret (PORTAL_CLIENT_PREVIOUS_SECRET set)', () => {
  it('accepts callbacks signed with its current secret and with its previous one', async () => {
    expect((await callback(portal, NEW_SECRET)).status).toBe(204);
    expect((await callback(portal, OLD_SECRET)).status).toBe(204);
  });

  it('refuses a callback signed with a third secret, 401 PORTAL_CALLBACK_REFUSED bad signature', async () => {
    const res = await callback(portal, OTHER_SECRET);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'PORTAL_CALLBACK_REFUSED', title: 'bad signature' });
  });

  it('signs its own calls with the current secret, never the previous one', () => {
    expect(rotating()).toMatchObject({ secret: NEW_SECRET, previousSecret: OLD_SECRET });
  });
});

describe('a portal whose rotation is over (no PORTAL_CLIENT_PREVIOUS_SECRET)', () => {
  it('refuses a callback signed with the old secret and accepts the current one', async () => {
    const old = await callback(settled, OLD_SECRET);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual({ code: 'PORTAL_CALLBACK_REFUSED', title: 'bad signature' });
    expect((await callback(settled, NEW_SECRET)).status).toBe(204);
  });
});

describe('PORTAL_CLIENT_PREVIOUS_SECRET', () => {
  const problems = (env: NodeJS.ProcessEnv): readonly string[] => {
    try {
      testPortalConfig(env);
    } catch (error) {
      if (error instanceof PortalConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('is refused shorter than 32 characters, or equal to PORTAL_CLIENT_SECRET', () => {
    expect(
      problems({ PORTAL_CLIENT_SECRET: NEW_SECRET, PORTAL_CLIENT_PREVIOUS_SECRET: 'short' }),
    ).toEqual(['PORTAL_CLIENT_PREVIOUS_SECRET must be at least 32 characters']);
    expect(
      problems({ PORTAL_CLIENT_SECRET: NEW_SECRET, PORTAL_CLIENT_PREVIOUS_SECRET: NEW_SECRET }),
    ).toEqual([
      'PORTAL_CLIENT_PREVIOUS_SECRET equals PORTAL_CLIENT_SECRET: give the new secret as PORTAL_CLIENT_SECRET',
    ]);
  });

  it('is refused in production when it is a development secret', () => {
    expect(
      problems({
        PORTAL_ENV: 'production',
        PORTAL_CLIENT_SECRET: NEW_SECRET,
        PORTAL_CLIENT_PREVIOUS_SECRET: devSecret('portal-sc'),
      }),
    ).toContain('PORTAL_CLIENT_PREVIOUS_SECRET: production refuses a development secret');
  });
});
