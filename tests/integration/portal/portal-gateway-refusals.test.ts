// The gateway's refusals as a taxpayer reads them (portal/server/gateway-refusal.ts,
// README.md#the-taxpayer-portal): a payment or a rating the gateway refuses with anything but its
// 503 or 429 reached the page with the gateway's English title ("Item disabled by the catalogue
// operators", "Internal error"). Now its own Chinese title for the code, and for what is the
// portal's own affair (its signature, its clock, its rights) or the gateway's failure, a title
// that says so without blaming what the taxpayer sent. A stand-in in front of the real gateway
// answers the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GATEWAY_FAILED_TITLE,
  GATEWAY_REFUSED_PORTAL_TITLE,
  GATEWAY_REFUSED_TITLE,
} from '../../../portal/server/gateway-refusal.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { startGatewayStandIn, type GatewayStandIn } from '../../support/gateway-stand-in.ts';
import { portalClient } from '../../support/portal-client.ts';
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
const SUBMIT = /^\/v1\/cases$/;
const RATE = /^\/v1\/cases\/[^/]+\/evaluations$/;
const refusal = (status: number, code: string, title: string) => ({
  status,
  body: { code, title, detail: 'for operators' },
});

describe('a gateway refusal reaching a page', () => {
  it('is titled in Chinese for a payment and a rating: the code’s own title, the portal’s affair, the gateway’s failure, an unknown code', async () => {
    const s = await viaPortal.session();
    const values = await viaPortal.paymentValues(s);
    let sent = 0;
    const pay = async () => {
      const res = await viaPortal.call(s, '/api/payments', {
        values,
        submissionKey: `refused-${Date.now()}-${(sent += 1)}`,
      });
      return { status: res.status, body: (await res.json()) as { code: string; title: string } };
    };
    const cases: [number, string, string, number, string][] = [
      [422, 'GW_ITEM_DISABLED', 'Item disabled by the catalogue operators', 422, '事项已停用'],
      [
        422,
        'GW_NOT_MEMBER',
        'Province is not an alliance member on this date',
        422,
        '该省份当日不是跨省通办联盟成员',
      ],
      [
        401,
        'GW_AUTH_STALE_TIMESTAMP',
        'Timestamp outside the allowed window',
        401,
        GATEWAY_REFUSED_PORTAL_TITLE,
      ],
      [403, 'GW_FORBIDDEN', 'Not allowed for this client', 403, GATEWAY_REFUSED_PORTAL_TITLE],
      [500, 'GW_INTERNAL', 'Internal error', 502, GATEWAY_FAILED_TITLE],
      [422, 'GW_SOMETHING_NEW', 'Something new', 422, GATEWAY_REFUSED_TITLE],
    ];
    for (const [status, code, title, shown, zh] of cases) {
      standIn.refuse('POST', SUBMIT, refusal(status, code, title));
      expect(await pay()).toEqual({
        status: shown,
        body: expect.objectContaining({ code, title: zh }),
      });
    }
    standIn.refuse('POST', SUBMIT, null);
    const paid = await pay();
    expect(paid.status).toBe(202);
    const { caseId } = paid.body as unknown as { caseId: string };

    for (const [status, code, title, zh] of [
      [500, 'GW_INTERNAL', 'Internal error', GATEWAY_FAILED_TITLE],
      [401, 'GW_AUTH_BAD_SIGNATURE', 'Signature does not match', GATEWAY_REFUSED_PORTAL_TITLE],
      [413, 'GW_PAYLOAD_TOO_LARGE', 'Body too large', '请求体过大'],
    ] as const) {
      standIn.refuse('POST', RATE, refusal(status, code, title));
      const res = await viaPortal.call(s, `/api/cases/${caseId}/evaluation`, { level: 5 });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ code, title: zh });
    }
    standIn.refuse('POST', RATE, null);
  });
});
