// A single replay returns the operator to the dead-letter list as they left it
// (gateway/console/dead-letter-list-place.ts): the list's filter and page travel from the list to
// the letter's page, its replay's confirmation and the replay's POST, the letter's page links back
// to that list, and the redirect after the replay lands on it. The way back is built from the
// list's own parameters, each checked, so nothing in the request can make it another site's URL
// or another page's (an open redirect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterCursor } from '../../../gateway/admin/dead-letter-page.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
const refused: string[] = [];
let gaveUp = '';
let n = 0;

const deadLetter = async (reason: string) =>
  (await submitDeadLetter(gw, 'SW-005', reason, `dl-return-${Date.now()}-${n++}`)).id;

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' }, { relay: false });
  for (let i = 0; i < 3; i++) refused.push(await deadLetter('refused: yn RETCODE -102'));
  gaveUp = await deadLetter('gave up after 3 attempts: province unreachable');
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** A position before every letter: the page after it is the whole (filtered) list. */
const startCursor = () => deadLetterCursor({ failedAtMs: 1, caseId: refused[0]! })!;

/** An attribute's value as the browser reads it (html.ts escapes `&`). */
const attr = (page: string, pattern: RegExp) => pattern.exec(page)?.[1]?.replaceAll('&amp;', '&');

async function replay(caseId: string, query: string) {
  const confirm = await dev.get(`/console/dead-letters/${caseId}/replay${query}`);
  expect(confirm.status).toBe(200);
  return {
    confirm,
    posted: await dev.post(`/console/dead-letters/${caseId}/replay${query}`, {
      _csrf: ConsoleClient.csrfOf(confirm.text),
    }),
  };
}

describe('a single replay from a filtered dead-letter list', () => {
  it('links each letter of a filtered page to its page with that filter and page, and the letter back to that list', async () => {
    const cursor = startCursor();
    const listed = `/console/dead-letters?adapter=yn&kind=refused&cursor=${cursor}`;
    const list = await dev.get(listed);
    expect(list.status).toBe(200);
    const letterHref = attr(
      list.text,
      new RegExp(`<tr data-case="${refused[0]}">\\s*<td class="across"><a href="([^"]+)"`),
    );
    expect(letterHref).toBe(
      `/console/dead-letters/${refused[0]}?adapter=yn&kind=refused&cursor=${cursor}`,
    );
    const letter = await dev.get(letterHref!);
    expect(attr(letter.text, /href="([^"]+)"\s+id="back-to-list"/)).toBe(listed);
    expect(attr(letter.text, /href="([^"]+)"\s+id="replay-start"/)).toBe(
      `/console/dead-letters/${refused[0]}/replay?adapter=yn&kind=refused&cursor=${cursor}`,
    );
  });

  it('returns to the list with its filter and page after the replay, saying which case was queued', async () => {
    const cursor = startCursor();
    const query = `?adapter=yn&kind=refused&cursor=${cursor}`;
    const { confirm, posted } = await replay(refused[1]!, query);
    expect(attr(confirm.text, /<form method="post" action="([^"]+)"\s+id="replay-form"/)).toBe(
      `/console/dead-letters/${refused[1]}/replay${query}`,
    );
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(
      `/console/dead-letters?adapter=yn&kind=refused&cursor=${cursor}&replayed=${refused[1]}`,
    );
    const back = await dev.get(posted.location!);
    expect(back.text).toContain('id="replayed"');
    expect(back.text).toMatch(/<option value="refused"\s+selected/);
    expect(back.text).not.toContain(`data-case="${refused[1]}"`);
    expect(back.text).toContain(`data-case="${refused[2]}"`);
    expect(back.text).not.toContain(`data-case="${gaveUp}"`);
  });

  it('goes back to the whole list when the letter was opened without a filter', async () => {
    const letter = await dev.get(`/console/dead-letters/${gaveUp}`);
    expect(attr(letter.text, /href="([^"]+)"\s+id="back-to-list"/)).toBe('/console/dead-letters');
  });

  it('never redirects off the list, whatever the query holds: other sites, other paths, junk cursors', async () => {
    const hostile = `?${new URLSearchParams({
      adapter: '//evil.example',
      kind: 'https://evil.example/',
      cursor: '@evil.example/x',
      return: 'https://evil.example/',
      next: '//evil.example',
    }).toString()}`;
    const { confirm, posted } = await replay(refused[2]!, hostile);
    expect(confirm.text).not.toContain('evil.example');
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/console/dead-letters?replayed=${refused[2]}`);
    // A cursor and a before together are no place the list gave out: both left out.
    const cursor = startCursor();
    const letter = await dev.get(
      `/console/dead-letters/${gaveUp}?cursor=${cursor}&before=${cursor}&kind=gave-up`,
    );
    expect(attr(letter.text, /href="([^"]+)"\s+id="back-to-list"/)).toBe(
      '/console/dead-letters?kind=gave-up',
    );
  });
});
