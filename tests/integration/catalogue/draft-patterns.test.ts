// A draft whose schema carries a pattern V8 could backtrack on without bound (`^(a|a)+$`), over
// HTTP: the check and the draft's creation answer 422 with the problem at the pattern's pointer
// and run no example against it. Before, both ran the draft's examples through the pattern on the
// gateway's one thread — thirty-four a's and a mismatch held it for hours — so one operator with
// catalogue:edit could stop a gateway without anyone's approval
// (gateway/catalogue/draft-validation/pattern-safety.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftWithCatastrophicPattern } from '../../support/catalogue.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({}, { liveCatalogue: true });
});
afterAll(async () => {
  await gw?.close();
});

type Problem = { path: string; message: string };
type Answer = { ok?: boolean; problems?: Problem[]; code?: string; errors?: Problem[] };

function draftWithCatastrophicPattern() {
  return { itemCode: 'SW-005', item: seedDraftWithCatastrophicPattern() };
}

describe('a draft with a catastrophic pattern', () => {
  it('is refused by the check (422 GW_DRAFT_INVALID), with one problem at the pattern', async () => {
    const res = await gw
      .client('operator-dev')
      .request<Answer>('POST', '/v1/admin/catalogue/checks', {
        json: draftWithCatastrophicPattern(),
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_DRAFT_INVALID');
    // No example problem: the examples were not run against the pattern.
    expect(res.body.errors!.map((p) => p.path)).toEqual(['/item/schema/properties/remark/pattern']);
    expect(res.body.errors![0]!.message).toContain('backtrack');
  });

  it('is refused as a draft (422 GW_DRAFT_INVALID at the pattern), nothing stored', async () => {
    const res = await gw
      .client('operator-dev')
      .request<Answer>('POST', '/v1/admin/catalogue/drafts', {
        json: draftWithCatastrophicPattern(),
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_DRAFT_INVALID');
    expect(res.body.errors!.map((p) => p.path)).toEqual(['/item/schema/properties/remark/pattern']);
    const drafts = await gw
      .client('operator-dev')
      .request<{ items: unknown[] }>('GET', '/v1/admin/catalogue/drafts');
    expect(drafts.body.items).toEqual([]);
  });
});
