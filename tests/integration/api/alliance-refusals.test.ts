// Refusals that depend on the alliance configuration, through HTTP: a member before its join date
// and an item a province has not enabled (gateway/README.md#routing-rules, rules 2 and 4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlliance, type Alliance } from '../../../gateway/routing/alliance.ts';
import {
  startApiGateway,
  sw005In,
  validExample,
  type ApiGateway,
} from '../../support/api-gateway.ts';

let gw: ApiGateway;
beforeAll(async () => {
  const real = loadAlliance();
  const alliance: Alliance = {
    ...real,
    members: real.members.map((m) => {
      if (m.province === '52') return { ...m, joined: '2099-01-01' }; // not yet a member
      if (m.province === '53') return { ...m, items: { disable: ['SW-005'] } };
      return m;
    }),
  };
  gw = await startApiGateway({}, { alliance });
});
afterAll(async () => gw.close());

interface Problem {
  code: string;
  errors: { path: string; message: string }[];
}

describe('alliance-dependent refusals', () => {
  it('refuses a handling province before its join date with GW_NOT_MEMBER', async () => {
    const body = sw005In('520102', '15201020000');
    const res = await gw.client('portal-sc').submitCase<Problem>(body, `join-${Date.now()}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_NOT_MEMBER');
    expect(res.body.errors[0]?.message).toMatch(/2099-01-01/);
  });

  it('refuses an item the handling province has not enabled with GW_ITEM_NOT_ENABLED', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<Problem>(validExample('SW-005'), `enabled-${Date.now()}`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_ITEM_NOT_ENABLED');
    expect(res.body.errors[0]?.path).toBe('/handlingRegion');
  });

  it('explains the same decision on GET /v1/routes/resolve, with every rule applied', async () => {
    const res = await gw
      .client('portal-sc')
      .request<{ decision: string; code: string; reasons: { rule: string; outcome: string }[] }>(
        'GET',
        '/v1/routes/resolve?itemCode=SW-005&mode=online&receivingRegion=510104&handlingRegion=530323',
      );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: 'refused', code: 'GW_ITEM_NOT_ENABLED' });
    expect(res.body.reasons.at(-1)).toMatchObject({ rule: 'item-offered', outcome: 'fail' });
    expect(res.body.reasons.length).toBeGreaterThan(3);
  });
});
