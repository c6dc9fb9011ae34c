// The reference portal in front of a gateway that rate-limits it (429 GW_RATE_LIMITED: the portal's
// client over its requests per second, all its taxpayers together; gateway/README.md#errors): a
// payment or a rating so refused is answered to the page 429 with the gateway's Retry-After and a
// Chinese title, as a 503 is (portal-gateway-unavailable.test.ts) — it was passed on with the
// gateway's English title and no Retry-After. Nothing was stored, and a later press succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_BUSY_TITLE } from '../../../portal/server/gateway-link.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { paidResultOf } from '../../support/payment-results.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { waitFor } from '../../support/redis.ts';

let gw: ApiGateway;
let portal: RunningPortal;
beforeAll(async () => {
  // Two requests a second for every client: a burst of the portal's is over it.
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '2' });
  portal = await startPortal({ config: testPortalConfig({ PORTAL_GATEWAY_URL: gw.url }) });
});
afterAll(async () => {
  await portal?.stop();
  await gw?.close();
});

const viaPortal = portalClient(() => portal.url);
const BURST = 8;

/** The refusals among `answers` that the gateway's rate limit caused, read. */
async function busy(answers: Response[]) {
  const limited = answers.filter((r) => r.status === 429);
  return Promise.all(
    limited.map(async (r) => ({ retryAfter: r.headers.get('retry-after'), body: await r.json() })),
  );
}

/** `send` again until the gateway's budget lets it through (a second at most). */
async function once<T extends { status: number }>(
  send: () => Promise<T>,
  what: string,
): Promise<T> {
  return waitFor<T | undefined>(
    async () => {
      const res = await send();
      return res.status === 429 ? undefined : res;
    },
    { what },
  ) as Promise<T>;
}

describe('a gateway that rate-limits the portal', () => {
  let s: PortalSession;
  let values: Record<string, unknown>;

  it('answers payments over the limit 429 with the gateway’s Retry-After and a Chinese title, and a later one is taken', async () => {
    s = await viaPortal.session();
    // The form's data: the portal's first request to the gateway, within its budget.
    values = await viaPortal.paymentValues(s);
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        viaPortal.call(s, '/api/payments', { values, submissionKey: `busy-${Date.now()}-${i}` }),
      ),
    );
    const limited = await busy(answers);
    expect(limited.length).toBeGreaterThan(0);
    for (const { retryAfter, body } of limited) {
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(body).toMatchObject({ code: 'GW_RATE_LIMITED', title: GATEWAY_BUSY_TITLE });
    }
    const later = await once(
      () => viaPortal.call(s, '/api/payments', { values, submissionKey: `later-${Date.now()}` }),
      'a payment taken',
    );
    expect(later.status).toBe(202);
  });

  it('answers ratings over the limit 429 the same way', async () => {
    const paid = await once(
      () => viaPortal.call(s, '/api/payments', { values, submissionKey: `rate-${Date.now()}` }),
      'a payment to rate',
    );
    const { caseId } = (await paid.json()) as { caseId: string };
    const at = new Date().toISOString();
    for (const [type, extra] of [
      ['accepted', {}],
      ['decided', { result: await paidResultOf(gw, caseId) }],
      ['result-delivered', {}],
    ] as const) {
      const res = await once(
        () =>
          gw
            .client('province-yn')
            .request('POST', `/v1/cases/${caseId}/events`, { json: { type, at, ...extra } }),
        type,
      );
      expect(res.status).toBe(200);
    }
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        viaPortal.call(s, `/api/cases/${caseId}/evaluation`, { level: 5 }),
      ),
    );
    const limited = await busy(answers);
    expect(limited.length).toBeGreaterThan(0);
    for (const { retryAfter, body } of limited) {
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(body).toMatchObject({ code: 'GW_RATE_LIMITED', title: GATEWAY_BUSY_TITLE });
    }
  });
});
