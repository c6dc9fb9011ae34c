// The catalogue draft editor with a whole item document (SW-005's, 36 KB and 1 158 lines) in a real
// browser (gateway/console/README.md#catalogue-drafts): an operator pastes it from their own
// editor, the live check settles on the text pasted — a problem at its JSON pointer, then ok —, a
// change in the middle of the document shows in the saved diff as that one line, and an answer to a
// check sent before the last edit never says the current text was checked. The page's timers run
// on Playwright's clock where a test must hold a check in flight. Screenshots:
// tests/browser/screenshots/draft-editor-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { pasteText } from './support/paste-text.ts';

let author: TestBrowser;
let gw: ApiGateway;
let draftUrl = '';
/** The draft's document as it started: the published version, as the editor shows it. */
let published = '';

/** The answer shown is for the text in the editor (the script's data-checked). */
const SETTLED = '#draft-editor[data-checked] #check-result';

beforeAll(async () => {
  author = await launchBrowser();
  gw = await startApiGateway({}, { liveCatalogue: true });
  const { page } = author;
  await page.goto(`${gw.url}/console/sign-in`);
  await page.fill('#operator', 'operator-dev');
  await page.fill('#password', DEV_PASSWORDS['operator-dev']!);
  await page.click('#sign-in');
  await page.waitForURL(`${gw.url}/console/`);
  await page.goto(`${gw.url}/console/catalogue/items/SW-005`);
  await page.click('#draft-start');
  await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
  draftUrl = page.url();
  await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
  published = await page.inputValue('#draft-document');
}, 90_000);

afterAll(async () => {
  await author?.close();
  await gw?.close();
});

type ItemDocument = { schema: { type: unknown } };

function withSchemaType(text: string, type: string): string {
  const doc = JSON.parse(text) as ItemDocument;
  return JSON.stringify({ ...doc, schema: { ...doc.schema, type } }, null, 2);
}

/** The line nearest the middle of `text` that holds a title, and the text with that title edited. */
function middleTitleEdited(text: string): {
  lineNo: number;
  before: string;
  after: string;
  text: string;
} {
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  const index = [...lines.keys()]
    .filter((i) => /"title": "[^"]*",?$/.test(lines[i]!))
    .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle))[0]!;
  const before = lines[index]!;
  const after = before.replace(/"title": "([^"]*)"/, '"title": "$1（修订）"');
  return { lineNo: index + 1, before, after, text: lines.with(index, after).join('\n') };
}

async function stateLine(page: Page): Promise<string> {
  return page.locator('#live-state').innerText();
}

describe('the draft editor with a whole item document', () => {
  it('after a pasted document the live check settles on it: the problem at its pointer, then ok', async () => {
    const { page } = author;
    expect(published.length).toBeGreaterThan(30_000);
    await pasteText(page, '#draft-document', withSchemaType(published, 'no-such-type'));
    await page.locator(`${SETTLED}[data-ok="false"]`).waitFor();
    expect(await page.locator('#draft-problems li').first().getAttribute('data-path')).toMatch(
      /^\/item\/schema/,
    );
    expect(await stateLine(page)).toContain('Checked');
    await author.shot('draft-editor-01-pasted-problem');

    await pasteText(page, '#draft-document', middleTitleEdited(published).text);
    await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
    expect(await page.locator('#draft-problems').count()).toBe(0);
    expect(await stateLine(page)).toContain('Checked');
  });

  it('the saved diff shows a change in the middle of the document as that one line, three lines of context each side', async () => {
    const { page } = author;
    const edit = middleTitleEdited(published);
    expect(await page.inputValue('#draft-document')).toBe(edit.text);
    await page.click('#draft-save');
    await page.locator('#saved').waitFor();
    const rows = page.locator('#draft-diff tbody tr');
    expect(
      await rows.evaluateAll((trs: { className: string }[]) => trs.map((tr) => tr.className)),
    ).toEqual(['skip', 'same', 'same', 'same', 'changed', 'same', 'same', 'same', 'skip']);
    const changed = page.locator('#draft-diff tr.changed td');
    expect(await changed.allTextContents()).toEqual([
      String(edit.lineNo),
      edit.before,
      String(edit.lineNo),
      edit.after,
    ]);
    await author.shot('draft-editor-02-middle-diff');
  });

  it('an answer to a check sent before the last edit is shown as not for the current text; the final text is then checked', async () => {
    const { page } = author;
    await page.clock.install();
    await page.goto(draftUrl);
    await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    const held: Route[] = [];
    await page.route('**/console/catalogue/drafts/check', (route) => {
      held.push(route);
    });

    await pasteText(page, '#draft-document', withSchemaType(published, 'no-such-type'));
    expect(await stateLine(page)).toContain('Edited');
    await page.clock.runFor(600);
    await expect.poll(() => held.length).toBe(1);
    await pasteText(page, '#draft-document', published);
    await held[0]!.continue();
    await page.locator('#check-result[data-ok="false"]').waitFor();
    expect(await stateLine(page)).toContain('Edited since');
    expect(await page.locator('#draft-editor').getAttribute('data-checked')).toBeNull();
    await author.shot('draft-editor-03-answer-for-earlier-text');

    await page.clock.runFor(600);
    await expect.poll(() => held.length).toBe(2);
    await held[1]!.continue();
    await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
    expect(await stateLine(page)).toContain('Checked');
    await page.unrouteAll();
  });
});
