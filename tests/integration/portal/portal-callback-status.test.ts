// The status a callback leaves on the portal's record of a case (README.md#the-taxpayer-portal):
// when the gateway cannot be read just then, a status callback's own `status` is noted, so the home
// page still moves on; a rectification's or a 督办 callback carries a rectification's status or
// none, which is not the case's. Noted, a rectification callback's `VISITED` showed on the home
// page as the case's status (an unknown code, shown raw).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { portalClient } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { uniquePrefix } from '../../support/redis.ts';

const prefix = uniquePrefix('portal-cb-status');
const keys = { PORTAL_DATA_KEYS: generateDataKeys('k1'), PORTAL_LOGIN_KEY: generateDataKeys('l') };
const config = (gatewayUrl: string) =>
  testPortalConfig({ PORTAL_GATEWAY_URL: gatewayUrl, PORTAL_REDIS_PREFIX: prefix, ...keys });

let gw: ApiGateway;
let portal: RunningPortal;
/** A second portal on the same records whose gateway cannot be reached (nothing listens there). */
let blind: RunningPortal;
const client = portalClient(() => portal.url);

beforeAll(async () => {
  gw = await startApiGateway();
  portal = await startPortal({ config: config(gw.url) });
  blind = await startPortal({ config: config('http://127.0.0.1:9') });
});
afterAll(async () => {
  await blind?.stop();
  await portal?.stop();
  await gw?.close();
});

async function callback(to: RunningPortal, payload: Record<string, unknown>): Promise<number> {
  const path = '/callbacks/gateway';
  const body = JSON.stringify(payload);
  const res = await fetch(`${to.url}${path}`, {
    method: 'POST',
    headers: signRequest(
      { clientId: 'gateway', secret: devSecret('portal-sc') },
      { method: 'POST', url: path, body },
    ),
    body,
  });
  return res.status;
}

describe('a callback while the gateway cannot be read', () => {
  it("notes a status callback's status on the case, and never a rectification's status", async () => {
    const s = await client.session('shudao');
    const paid = await client.call(s, '/api/payments', {
      values: await client.paymentValues(s),
      submissionKey: `cb-status-${Date.now()}`,
    });
    expect(paid.status).toBe(202);
    const { caseId } = (await paid.json()) as { caseId: string };
    const home = async () =>
      (await fetch(`${portal.url}/`, { headers: { Cookie: s.cookie } }).then((r) => r.text()))
        .split('<li>')
        .find((row) => row.includes(caseId));

    const at = new Date().toISOString();
    expect(await callback(blind, { caseId, status: 'IN_PROGRESS', at })).toBe(204);
    expect(await home()).toContain('status-IN_PROGRESS');
    expect(
      await callback(blind, {
        type: 'rectification',
        rectificationId: 'RCyn01M90D0P2SN1M5M34M8NG5SJ0D',
        caseId,
        status: 'VISITED',
        sequence: 2,
        at,
      }),
    ).toBe(204);
    expect(await home()).toContain('status-IN_PROGRESS');
  });
});
