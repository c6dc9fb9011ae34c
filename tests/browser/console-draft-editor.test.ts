// The catalogue draft editor with a whole item document (SW-005's, 36 KB and 1 158 lines) in a real
// browser (gateway/console/README.md#catalogue-drafts): an operator pastes it from their own
// editor, the live check settles on the text pasted — a problem at its JSON pointer, then ok —, a
// change in the middle of the document shows in the saved diff as that one line, and an answer to a
// check sent before the last edit never says the current text was checked and is dimmed. Unsaved
// changes: the saved diff says it does not show them, Save brings the editor back with the caret
// and scroll where they were, and leaving asks first (beforeunload) until Save or Discard. The
// page's timers run on Playwright's clock where a test must hold a check in flight (that test runs
// last: the clock stays installed). Screenshots: tests/browser/screenshots/draft-editor-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialog, Page, Route } from 'playwright-core';
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
  await page.locator(`${SETTLED}[data-unchanged="true"]`).waitFor();
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

/** As much of the editor's textarea as the tests touch (the project has no DOM types). */
interface Editor {
  value: string;
  selectionStart: number;
  selectionEnd: number;
  scrollTop: number;
  scrollHeight: number;
  focus(): void;
  setSelectionRange(start: number, end: number): void;
}

/**
 * As an operator working far down the document: the caret inside the title string nearest line
 * `lineNo` (before its closing quote, so typing keeps the JSON valid), the editor scrolled to show
 * it some ten lines from the top. Answers one line's height in the editor.
 */
async function caretInTitleNear(page: Page, lineNo: number): Promise<number> {
  const lines = (await page.inputValue('#draft-document')).split('\n');
  const index = [...lines.keys()]
    .filter((i) => /"title": "[^"]*",?$/.test(lines[i]!))
    .sort((a, b) => Math.abs(a - lineNo + 1) - Math.abs(b - lineNo + 1))[0]!;
  const offset =
    lines.slice(0, index).reduce((n, line) => n + line.length + 1, 0) +
    lines[index]!.lastIndexOf('"');
  return page.locator('#draft-document').evaluate(
    (el: Editor, [at, line, count]) => {
      el.focus();
      el.setSelectionRange(at, at);
      const lineHeight = el.scrollHeight / count;
      el.scrollTop = lineHeight * (line - 10);
      return lineHeight;
    },
    [offset, index, lines.length] as const,
  );
}

async function editorPosition(page: Page) {
  return page.locator('#draft-document').evaluate((el: Editor) => ({
    start: el.selectionStart,
    end: el.selectionEnd,
    scrollTop: el.scrollTop,
  }));
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

  it('while the editor differs from the saved text the saved diff says it does not show the edit, until the text is the saved one again', async () => {
    const { page } = author;
    await page.goto(draftUrl);
    await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
    expect(await page.locator('#saved-diff h2').innerText()).toContain(
      'Saved draft against the published version',
    );
    const note = page.locator('#diff-unsaved');
    expect(await note.isVisible()).toBe(false);

    await caretInTitleNear(page, 341);
    await page.keyboard.type('X');
    await note.waitFor({ state: 'visible' });
    expect(await note.innerText()).toContain('Unsaved changes in the editor');
    expect(await page.locator('#draft-diff tr.changed').count()).toBe(1);
    await author.shot('draft-editor-03-unsaved-note');

    await page.keyboard.press('Backspace');
    await note.waitFor({ state: 'hidden' });
    expect(await page.locator('#draft-discard').isVisible()).toBe(false);
  });

  it('after Save the editor comes back with the caret and the scroll where they were', async () => {
    const { page } = author;
    const lineHeight = await caretInTitleNear(page, 341);
    await page.keyboard.type('X');
    const before = await editorPosition(page);
    expect(before.scrollTop).toBeGreaterThan(300 * lineHeight);

    await page.click('#draft-save');
    await page.locator('#saved').waitFor();
    const after = await editorPosition(page);
    expect(after.start).toBe(before.start);
    expect(after.end).toBe(before.end);
    expect(Math.abs(after.scrollTop - before.scrollTop)).toBeLessThan(lineHeight);
    expect(await page.locator('#diff-unsaved').isVisible()).toBe(false);
    await author.shot('draft-editor-04-after-save');
  });

  it('leaving the page with unsaved changes asks first (beforeunload); after Save, and after Discard, it does not', async () => {
    const { page } = author;
    const dialogs: string[] = [];
    const answer = (dialog: Dialog) => {
      dialogs.push(dialog.type());
      // Stay on the page when asked to leave; confirm Discard.
      void (dialog.type() === 'beforeunload' ? dialog.dismiss() : dialog.accept());
    };
    page.on('dialog', answer);
    try {
      const leave = page.locator('a[href="/console/catalogue/drafts"]').first();
      const here = page.url();
      await caretInTitleNear(page, 341);
      await page.keyboard.type('Y');
      await leave.click();
      await expect.poll(() => dialogs).toEqual(['beforeunload']);
      expect(page.url()).toBe(here);
      expect(await page.inputValue('#draft-document')).toContain('XY"');

      await page.click('#draft-save');
      await page.locator('#saved').waitFor();
      await leave.click();
      await page.waitForURL(`${gw.url}/console/catalogue/drafts`);
      expect(dialogs).toEqual(['beforeunload']);

      await page.goto(draftUrl);
      await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
      const saved = await page.inputValue('#draft-document');
      await caretInTitleNear(page, 341);
      await page.keyboard.type('Z');
      await page.click('#draft-discard');
      expect(dialogs).toEqual(['beforeunload', 'confirm']);
      expect(await page.inputValue('#draft-document')).toBe(saved);
      await page.locator('#diff-unsaved').waitFor({ state: 'hidden' });
      await leave.click();
      await page.waitForURL(`${gw.url}/console/catalogue/drafts`);
      expect(dialogs).toEqual(['beforeunload', 'confirm']);
    } finally {
      page.off('dialog', answer);
    }
  });

  it('an answer to a check sent before the last edit is dimmed and shown as not for the current text; the final text is then checked and its answer not dimmed', async () => {
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
    expect(await page.locator('#live-check.stale #check-result[data-ok="true"]').count()).toBe(1);
    await page.clock.runFor(600);
    await expect.poll(() => held.length).toBe(1);
    await pasteText(page, '#draft-document', published);
    await held[0]!.continue();
    await page.locator('#check-result[data-ok="false"]').waitFor();
    expect(await stateLine(page)).toContain('Edited since');
    expect(await page.locator('#draft-editor').getAttribute('data-checked')).toBeNull();
    expect(await page.locator('#live-check').getAttribute('class')).toBe('stale');
    expect(await page.locator('#live-check-stale').isVisible()).toBe(true);
    await author.shot('draft-editor-05-answer-for-earlier-text');

    await page.clock.runFor(600);
    await expect.poll(() => held.length).toBe(2);
    await held[1]!.continue();
    await page.locator(`${SETTLED}[data-unchanged="true"]`).waitFor();
    expect(await stateLine(page)).toContain('Checked');
    expect(await page.locator('#live-check.stale').count()).toBe(0);
    expect(await page.locator('#live-check-stale').isVisible()).toBe(false);
    await page.unrouteAll();
  });
});
