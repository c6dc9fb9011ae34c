// A console bulk replay runs once per confirmation (gateway/console/README.md#pages): the POST
// redirects to its batch's result page, so reloading the result, or sending the confirmed form
// again, shows what that batch did and never replays letters that failed since — which a result
// answered to the POST itself did on every reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';

const GAVE_UP = 'gave up after 5 attempts: province unreachable';
let gw: ApiGateway;
let dev: ConsoleClient;
let n = 0;

beforeAll(async () => {
  gw = await startApiGateway({}, { relay: false });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const deadLetters = async (count: number) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await submitDeadLetter(gw, 'SW-005', GAVE_UP, `bulk-once-${Date.now()}-${n++}`)).id);
  return ids;
};
const statusOf = async (id: string) => (await gw.services.store.get(id))?.status;
const bulkEntries = async () =>
  (await gw.services.audit.page({ action: 'dead-letter.replay-bulk', limit: 50 })).items;

/** The confirmation page's form fields, as the browser would send them. */
async function confirmedForm(): Promise<Record<string, string>> {
  const confirm = await dev.get('/console/dead-letters/replay?adapter=yn&kind=gave-up');
  expect(confirm.status).toBe(200);
  const batch = /name="batch" value="([A-Za-z0-9_-]{22})"/.exec(confirm.text)?.[1];
  expect(batch).toBeDefined();
  return {
    _csrf: ConsoleClient.csrfOf(confirm.text),
    adapter: 'yn',
    kind: 'gave-up',
    batch: batch!,
  };
}

describe('a console bulk replay', () => {
  it('redirects to its result page, which a reload reads again without replaying anything more', async () => {
    const first = await deadLetters(3);
    const before = (await bulkEntries()).length;
    const form = await confirmedForm();
    const posted = await dev.post('/console/dead-letters/replay', form);
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/console/dead-letters/replay/${form.batch}`);
    for (const id of first) expect(await statusOf(id)).toBe('ROUTED');

    const later = await deadLetters(2);
    for (const _reload of [1, 2]) {
      const result = await dev.get(posted.location!);
      expect(result.status).toBe(200);
      expect(result.text).toContain('data-replayed="3"');
      expect(result.text).toContain('data-remaining="0"');
    }
    for (const id of later) expect(await statusOf(id)).toBe('DELIVERY_FAILED');
    expect((await bulkEntries()).length).toBe(before + 1);
  });

  it('answers the same confirmed form sent again with that batch’s result, leaving letters failed since untouched', async () => {
    const form = await confirmedForm();
    const first = await dev.post('/console/dead-letters/replay', form);
    expect(first.status).toBe(303);
    const failedSince = await deadLetters(2);
    const before = (await bulkEntries()).length;
    const again = await dev.post('/console/dead-letters/replay', form);
    expect(again).toMatchObject({ status: 303, location: first.location });
    for (const id of failedSince) expect(await statusOf(id)).toBe('DELIVERY_FAILED');
    expect((await bulkEntries()).length).toBe(before);
    // A new confirmation replays them.
    expect((await dev.post('/console/dead-letters/replay', await confirmedForm())).status).toBe(
      303,
    );
    for (const id of failedSince) expect(await statusOf(id)).toBe('ROUTED');
  });

  it('refuses a form without its batch id with a 400 page, replaying nothing', async () => {
    const ids = await deadLetters(1);
    const res = await dev.post('/console/dead-letters/replay', {
      _csrf: await dev.csrf(),
      adapter: 'yn',
      kind: 'gave-up',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('No batch id');
    expect(await statusOf(ids[0]!)).toBe('DELIVERY_FAILED');
  });

  it('answers a batch it never ran with a 404 page saying results are kept a day', async () => {
    const res = await dev.get('/console/dead-letters/replay/AAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.text).toContain('No such bulk replay (results are kept for a day)');
  });
});
