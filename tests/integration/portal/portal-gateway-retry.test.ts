// How long a page waits before it reads a case again that the gateway would not give
// (portal/server/gateway-backoff.ts, README.md#the-taxpayer-portal): the case stream's `retry`
// and the receipt page's Retry-After start at the gateway's Retry-After (5 s when it gave none)
// and double while reads keep failing, up to a minute; a read that succeeds starts over. They were
// a fixed 5 s: every open page asked a gateway that was down again every 5 s. A stand-in in front
// of the real gateway answers the case reads 503 with a Retry-After of 1 s, so nothing waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import {
  startGatewayStandIn,
  type GatewayStandIn,
  type Refusal,
} from '../../support/gateway-stand-in.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';

let gw: ApiGateway;
let standIn: GatewayStandIn;
let portal: RunningPortal;
beforeAll(async () => {
  gw = await startApiGateway();
  standIn = await startGatewayStandIn(gw.url);
  portal = await startPortal({ config: testPortalConfig({ PORTAL_GATEWAY_URL: standIn.url }) });
});
afterAll(async () => {
  await portal?.stop();
  await standIn?.close();
  await gw?.close();
});

const viaPortal = portalClient(() => portal.url);
const CASE_READ = /^\/v1\/cases\/[^/?]+$/;
const down = (retryAfter?: string): Refusal => ({
  status: 503,
  headers: retryAfter ? { 'Retry-After': retryAfter } : {},
  body: { code: 'GW_UNAVAILABLE', title: 'Service unavailable' },
});

/** The `retry` the case's stream ends with when the case cannot be read. */
async function streamRetry(s: PortalSession, caseId: string): Promise<number> {
  const text = await (await viaPortal.call(s, `/api/cases/${caseId}/stream`)).text();
  expect(text).toContain('event: unreadable');
  return Number(/^retry: (\d+)$/m.exec(text)?.[1]);
}

/** The stream's first event once the case reads again (the stream then stays open: cut). */
async function streamEvent(s: PortalSession, caseId: string): Promise<string> {
  const stop = new AbortController();
  const res = await fetch(`${portal.url}/api/cases/${caseId}/stream`, {
    headers: { Cookie: s.cookie },
    signal: stop.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!/\n\n/.test(text)) text += (await reader.read()).value ?? '';
  stop.abort();
  return /^event: (\w+)$/m.exec(text)?.[1] ?? '';
}

describe('a page waiting for a case the gateway cannot give', () => {
  it('waits the gateway’s Retry-After, twice as long at each failure in a row (stream retry and receipt Retry-After alike), and starts over once a read succeeds', async () => {
    const s = await viaPortal.session();
    const values = await viaPortal.paymentValues(s);
    const paid = await viaPortal.call(s, '/api/payments', {
      values,
      submissionKey: `retry-${Date.now()}`,
    });
    const { caseId } = (await paid.json()) as { caseId: string };

    standIn.refuse('GET', CASE_READ, down('1'));
    expect(await streamRetry(s, caseId)).toBe(1000);
    expect(await streamRetry(s, caseId)).toBe(2000);
    expect(await streamRetry(s, caseId)).toBe(4000);
    const receipt = await viaPortal.call(s, `/cases/${caseId}/receipt`);
    expect(receipt.status).toBe(503);
    expect(receipt.headers.get('retry-after')).toBe('8');

    standIn.refuse('GET', CASE_READ, null);
    expect(await streamEvent(s, caseId)).toBe('case');

    // Started over; a gateway that names no wait is given the first 5 s.
    standIn.refuse('GET', CASE_READ, down());
    expect(await streamRetry(s, caseId)).toBe(5000);
    expect(await streamRetry(s, caseId)).toBe(10_000);
    standIn.refuse('GET', CASE_READ, down('1'));
    for (let i = 0; i < 6; i += 1) await streamRetry(s, caseId);
    // Bounded: a minute at most.
    expect(await streamRetry(s, caseId)).toBe(60_000);
    standIn.refuse('GET', CASE_READ, null);
  });

  it('waits the gateway’s Retry-After when it names one, and else PORTAL_GATEWAY_RETRY_MS where it was 5 s, doubled at each failure in a row the same', async () => {
    const quick = await startPortal({
      config: testPortalConfig({
        PORTAL_GATEWAY_URL: standIn.url,
        PORTAL_GATEWAY_RETRY_MS: '1000',
      }),
    });
    try {
      const viaQuick = portalClient(() => quick.url);
      const s = await viaQuick.session();
      const paid = await viaQuick.call(s, '/api/payments', {
        values: await viaQuick.paymentValues(s),
        submissionKey: `retry-${Date.now()}`,
      });
      const { caseId } = (await paid.json()) as { caseId: string };
      const retryOf = async () => {
        const text = await (await viaQuick.call(s, `/api/cases/${caseId}/stream`)).text();
        expect(text).toContain('event: unreadable');
        return Number(/^retry: (\d+)$/m.exec(text)?.[1]);
      };
      standIn.refuse('GET', CASE_READ, down('3'));
      expect(await retryOf()).toBe(3000);
      standIn.refuse('GET', CASE_READ, down());
      expect(await retryOf()).toBe(2000);
      expect(await retryOf()).toBe(4000);
    } finally {
      standIn.refuse('GET', CASE_READ, null);
      await quick.stop();
    }
  });
});
