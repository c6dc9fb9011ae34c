// The reference portal against a gateway that takes the connection and never answers
// (README.md#the-taxpayer-portal, PORTAL_GATEWAY_TIMEOUT_MS): a payment and a rating are answered
// 503 PORTAL_GATEWAY_UNREACHABLE once the timeout ran out — the answer the portal gives when the
// gateway is down, never a 500 nor a page left waiting — and the warning names the call. The same
// press again, through a portal that reaches the gateway, is taken under the same Idempotency-Key:
// one case, one rating. Two portals share one Redis prefix, so one session serves both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { event, readCase } from '../../support/case-flow.ts';
import { paidResultOf } from '../../support/payment-results.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { uniquePrefix, waitFor } from '../../support/redis.ts';
import { startSilentGateway, type SilentGateway } from '../../support/silent-gateway.ts';

const TIMEOUT_MS = 100;
const UNREACHABLE = { code: 'PORTAL_GATEWAY_UNREACHABLE', title: '暂时无法连接跨省通办平台' };

let gw: ApiGateway;
let silent: SilentGateway;
let reaching: RunningPortal;
let hung: RunningPortal;
const warnings: string[] = [];
beforeAll(async () => {
  gw = await startApiGateway();
  silent = await startSilentGateway();
  const prefix = uniquePrefix('portal');
  // Only the portal facing the silent gateway has the short timeout: the one that reaches the
  // gateway keeps the default, so a loaded machine cannot make its answers late.
  reaching = await startPortal({
    config: testPortalConfig({ PORTAL_GATEWAY_URL: gw.url, PORTAL_REDIS_PREFIX: prefix }),
  });
  hung = await startPortal({
    config: testPortalConfig({
      PORTAL_GATEWAY_URL: silent.url,
      PORTAL_GATEWAY_TIMEOUT_MS: String(TIMEOUT_MS),
      PORTAL_REDIS_PREFIX: prefix,
    }),
    warn: (m) => warnings.push(m),
  });
});
afterAll(async () => {
  await hung?.stop();
  await reaching?.stop();
  await silent?.close();
  await gw?.close();
});

const viaGateway = portalClient(() => reaching.url);
const viaHung = portalClient(() => hung.url);
let n = 0;

/** A payment submitted through the portal that reaches the gateway, then paid and closed. */
async function closedPayment(s: PortalSession): Promise<string> {
  const res = await viaGateway.call(s, '/api/payments', {
    values: await viaGateway.paymentValues(s),
    submissionKey: `timeout-${Date.now()}-${n++}`,
  });
  expect(res.status).toBe(202);
  const { caseId } = (await res.json()) as { caseId: string };
  const at = new Date().toISOString();
  await event(gw, 'province-yn', caseId, 'accepted', at);
  await event(gw, 'province-yn', caseId, 'decided', at, { result: await paidResultOf(gw, caseId) });
  await event(gw, 'province-yn', caseId, 'result-delivered', at);
  return caseId;
}

/** The requests the stand-in received since `from` (its count before). */
const receivedSince = (from: number) => silent.requests().slice(from);

/**
 * The requests the stand-in received since `from`, once one has: the portal's 503 can reach the
 * test before the stand-in (in this process too) has read the request it was sent — a loaded
 * machine's CI saw [] here.
 */
const arrivedSince = (from: number) =>
  waitFor(() => (receivedSince(from).length > 0 ? receivedSince(from) : undefined), {
    what: 'the request at the silent gateway',
  });

describe('a gateway that never answers', () => {
  it('answers a payment 503 PORTAL_GATEWAY_UNREACHABLE once PORTAL_GATEWAY_TIMEOUT_MS ran out, warns naming the call, and the same submission key then gives one case', async () => {
    const s = await viaGateway.session();
    const values = await viaGateway.paymentValues(s);
    const submissionKey = `timeout-${Date.now()}-${n++}`;
    const from = silent.requests().length;

    const res = await viaHung.call(s, '/api/payments', { values, submissionKey });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject(UNREACHABLE);
    expect(await arrivedSince(from)).toEqual(['POST /v1/cases HTTP/1.1']);
    expect(warnings).toContain(
      `portal: the gateway did not answer POST /v1/cases within ${TIMEOUT_MS} ms`,
    );

    // The page keeps its submission key after a 5xx: pressed again (the gateway back), and again.
    const first = await viaGateway.call(s, '/api/payments', { values, submissionKey });
    const again = await viaGateway.call(s, '/api/payments', { values, submissionKey });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
  });

  it('answers a rating 503 PORTAL_GATEWAY_UNREACHABLE once PORTAL_GATEWAY_TIMEOUT_MS ran out, and the same press then stores one rating', async () => {
    const s = await viaGateway.session();
    const caseId = await closedPayment(s);
    const body = { level: 5, comment: '办理及时' };
    const from = silent.requests().length;

    const res = await viaHung.call(s, `/api/cases/${caseId}/evaluation`, body);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject(UNREACHABLE);
    expect(await arrivedSince(from)).toEqual([`POST /v1/cases/${caseId}/evaluations HTTP/1.1`]);

    const resend = await viaGateway.call(s, `/api/cases/${caseId}/evaluation`, body);
    expect(resend.status).toBe(201);
    const { evaluations } = await readCase<{ evaluations: { level: number }[] }>(gw, caseId);
    expect(evaluations).toEqual([expect.objectContaining({ level: 5 })]);
  });
});

describe('the portal setting', () => {
  it('defaults PORTAL_GATEWAY_TIMEOUT_MS to 10000 and refuses one that is not a whole number of ms, 1–120000', () => {
    expect(testPortalConfig().gatewayTimeoutMs).toBe(10_000);
    expect(testPortalConfig({ PORTAL_GATEWAY_TIMEOUT_MS: '2500' }).gatewayTimeoutMs).toBe(2500);
    for (const value of ['0', '-5', '1.5', 'soon', '120001'])
      expect(() => testPortalConfig({ PORTAL_GATEWAY_TIMEOUT_MS: value })).toThrow(
        /PORTAL_GATEWAY_TIMEOUT_MS must be a whole number of ms, 1–120000/,
      );
  });
});
