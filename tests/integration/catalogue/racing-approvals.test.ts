// Two consoles deciding one draft at once, through two gateways on one Redis
// (gateway/README.md#drafts-and-four-eyes): two approvals and a rejection of the same draft in
// review, while portals submit cases of its item through both gateways. The decision is one step
// on the draft's status, so exactly one of the three is applied and the others are told 409
// GW_DRAFT_STATE; the item gains one version or none, as the winner says; and every submission
// is served the old version or the new, never refused for the publish and never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftItem } from '../../support/catalogue.ts';
import { uniquePrefix, waitFor } from '../../support/redis.ts';

let first: ApiGateway;
let second: ApiGateway;
beforeAll(async () => {
  const env = { GW_KEY_PREFIX: uniquePrefix('approvals'), GW_RATE_LIMIT_PER_SECOND: '1000000' };
  first = await startApiGateway(env, { liveCatalogue: true });
  second = await startApiGateway(env, { liveCatalogue: true });
});
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

type Json = Record<string, unknown>;
const DRAFTS = '/v1/admin/catalogue/drafts';
const CODE = 'GA-001';
const ROUNDS = 3;
const SUBMISSIONS = 8;

const call = (gw: ApiGateway, operator: string, method: string, url: string, json?: unknown) =>
  gw.client(operator).request<Json>(method, url, json === undefined ? {} : { json });

/** A draft of the item's next version, its 承诺时限 one day shorter, in review. */
async function draftInReview(version: number): Promise<string> {
  const item = seedDraftItem(CODE, { code: CODE, version: version + 1 });
  item.promisedDays = (item.promisedDays ?? 60) - version;
  const created = await call(first, 'operator-dev', 'POST', DRAFTS, { itemCode: CODE, item });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.draftId as string;
  for (const step of ['validate', 'submit'])
    expect((await call(first, 'operator-dev', 'POST', `${DRAFTS}/${id}/${step}`)).status).toBe(200);
  return id;
}

/** The item's example without its itemVersion: served the latest version published, not v1. */
function latestOf(code: string): Record<string, unknown> {
  const { itemVersion: _pinned, ...envelope } = validExample(code);
  return envelope;
}

async function versions(): Promise<number[]> {
  const res = await call(
    first,
    'operator-dev',
    'GET',
    `/v1/admin/catalogue/items/${CODE}/versions`,
  );
  return (res.body.versions as { version: number }[]).map((v) => v.version);
}

describe('two approvals and a rejection of one draft at once, from two gateways', () => {
  it(`applies exactly one decision per round (${ROUNDS} rounds), publishes as it says, and serves every submission meanwhile the old or the new version`, async () => {
    let latest = Math.max(...(await versions()));
    for (let round = 0; round < ROUNDS; round++) {
      const id = await draftInReview(latest);
      // Every other round races the two approvals alone: with the rejection beside them, its
      // lighter step wins on an idle machine, and the publish under submissions went untested.
      const withRejection = round % 2 === 0;
      const decisions = [
        call(first, 'operator-dev-2', 'POST', `${DRAFTS}/${id}/approve`),
        call(second, 'operator-dev-2', 'POST', `${DRAFTS}/${id}/approve`),
        ...(withRejection
          ? [call(second, 'operator-dev-2', 'POST', `${DRAFTS}/${id}/reject`, { reason: '再议' })]
          : []),
      ];
      const submissions = Array.from({ length: SUBMISSIONS }, (_, i) =>
        (i % 2 ? first : second)
          .client('portal-sc')
          .submitCase<{ caseId: string }>(latestOf(CODE), `approvals-${id}-${i}`),
      );
      const decided = await Promise.all(decisions);
      const submitted = await Promise.all(submissions);
      expect(decided.map((d) => d.status).sort()).toEqual(
        withRejection ? [200, 409, 409] : [200, 409],
      );
      for (const refused of decided.filter((d) => d.status === 409))
        expect(refused.body.code).toBe('GW_DRAFT_STATE');
      const approved = decided.findIndex((d) => d.status === 200) < 2;
      const now = await versions();
      expect(now.filter((v) => v === latest + 1)).toHaveLength(approved ? 1 : 0);
      expect(Math.max(...now)).toBe(approved ? latest + 1 : latest);
      const draft = await call(second, 'operator-dev', 'GET', `${DRAFTS}/${id}`);
      expect(draft.body.status).toBe(approved ? 'approved' : 'rejected');
      expect(submitted.map((s) => s.status)).toEqual(Array(SUBMISSIONS).fill(202));
      for (const { body } of submitted) {
        const stored = await first.services.store.get(body.caseId);
        expect([latest, latest + 1]).toContain(stored?.itemVersion);
      }
      if (approved) latest++;
      // The next round's submissions may go to either gateway: both must serve what was published
      // (live reload reaches the other gateway by a Redis message, within a second) before the
      // round's bound of old-or-new counts from it.
      await waitFor(
        async () => {
          const served = await Promise.all(
            [first, second].map((gw) =>
              call(gw, 'portal-sc', 'GET', `/v1/catalogue/items/${CODE}`),
            ),
          );
          return served.every((res) => res.body.version === latest);
        },
        { what: `both gateways serving ${CODE} v${latest}` },
      );
    }
  });
});
