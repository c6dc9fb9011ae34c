// A dead letter's failure reason is an adapter's error text, stored in clear
// (gateway/README.md#personal-data). The shipped adapters write their own tables' words, never the
// province's message, but an adapter that quotes its province could name the applicant there. It
// is shown masked like the history note it also is (personal-data/mask-free-text.ts): in
// GET /v1/admin/dead-letters and on the console's dead-letter list and page. Before, the page
// masked it in the timeline and showed it in clear two lines above, to every operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';

const ID_NUMBER = '510104199001011234';
const PHONE = '13600136000';
const REASON = `refused: 申请人 ${ID_NUMBER} 电话 ${PHONE} 与登记不符`;

let gw: ApiGateway;
let caseId: string;
beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  caseId = (await submit(gw)).caseId;
  const record = await gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error('not a single case');
  await recordDeliveryFailed(gw.services.store, record, { adapterId: 'yn', reason: REASON });
});
afterAll(async () => {
  await gw?.close();
});

describe("a dead letter's failure reason", () => {
  it('is listed masked over the API, to an operator with every right and one with none', async () => {
    for (const operator of ['operator-dev', 'operator-readonly']) {
      const res = await gw
        .client(operator)
        .request<{ items: { caseId: string; reason: string }[] }>('GET', '/v1/admin/dead-letters');
      const item = res.body.items.find((d) => d.caseId === caseId);
      expect(item?.reason, operator).toBe(
        'refused: 申请人 5101**********1234 电话 136****6000 与登记不符',
      );
    }
  });

  it('is shown masked on the console list and page', async () => {
    const operator = new ConsoleClient(gw.url);
    expect((await operator.signIn('operator-readonly')).status).toBe(303);
    for (const page of ['/console/dead-letters', `/console/dead-letters/${caseId}`]) {
      const res = await operator.get(page);
      expect(res.status, page).toBe(200);
      expect(res.text, page).toContain('5101**********1234');
      expect(res.text, page).not.toContain(ID_NUMBER);
      expect(res.text, page).not.toContain(PHONE);
    }
  });
});
