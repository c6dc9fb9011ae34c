// The catalogue draft editor when the operator's session ends under it (gateway/console/README.md,
// catalogue drafts): the live check says so in words instead of drawing the sign-in page inside
// the editor form (whose required fields then blocked Save, under 已校验 Checked), Save goes to the
// sign-in page and back to the draft, and the text typed is put back in the editor, unsaved, to be
// saved. Signed in again from another tab, the old tab's check names the refusal (a stale form
// token) and its text comes back the same way. The session ends on an injected clock.
// Screenshots: tests/browser/screenshots/draft-session-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { testClock } from '../support/test-clock.ts';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { pasteText } from './support/paste-text.ts';

const clock = testClock(new Date().toISOString());
let author: TestBrowser;
let gw: ApiGateway;
let draftUrl = '';

/** The answer shown is for the text in the editor (the script's data-checked). */
const SETTLED = '#draft-editor[data-checked] #check-result';

async function signIn(page: Page) {
  await page.fill('#operator', 'operator-dev');
  await page.fill('#password', DEV_PASSWORDS['operator-dev']!);
  await page.click('#sign-in');
}

/** The editor's document with one more optional field in its schema. */
async function withField(page: Page, name: string): Promise<string> {
  const doc = JSON.parse(await page.inputValue('#draft-document')) as {
    schema: { properties: Record<string, unknown> };
  };
  doc.schema.properties[name] = { title: '备注', type: 'string', maxLength: 50 };
  return JSON.stringify(doc, null, 2);
}

beforeAll(async () => {
  author = await launchBrowser();
  gw = await startApiGateway({}, { now: clock.now, liveCatalogue: true });
  const { page } = author;
  await page.goto(`${gw.url}/console/sign-in`);
  await signIn(page);
  await page.waitForURL(`${gw.url}/console/`);
  await page.goto(`${gw.url}/console/catalogue/items/SW-005`);
  await page.click('#draft-start');
  await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
  draftUrl = page.url();
  await page.locator(`${SETTLED}[data-unchanged="true"]`).waitFor();
}, 90_000);

afterAll(async () => {
  await author?.close();
  await gw?.close();
});

describe('a draft editor whose session ends', () => {
  it('says the session ended instead of showing the sign-in page in the editor', async () => {
    const { page } = author;
    clock.advance(31 * 60_000); // consoleIdleMinutes (30) without a request
    await pasteText(page, '#draft-document', await withField(page, 'remark'));
    await page.locator('#check-not-run[data-reason="signed-out"]').waitFor();
    expect(await page.locator('#check-not-run').innerText()).toContain('会话已过期');
    expect(await page.locator('#live-state').innerText()).toContain('未校验');
    expect(await page.locator('#draft-editor[data-checked]').count()).toBe(0);
    // Before, the sign-in page was drawn here: its fields joined the editor form.
    expect(await page.locator('#draft-editor #operator, #draft-editor #password').count()).toBe(0);
    await author.shot('draft-session-01-signed-out');
  });

  it('Save goes to the sign-in page and back, with the unsaved text put back to be saved', async () => {
    const { page } = author;
    const typed = await page.inputValue('#draft-document');
    await page.fill('#draft-note', '增加备注字段');
    await page.click('#draft-save');
    // The live check met the expiry first; the sign-in page still says why (console-guard.ts).
    await page.waitForURL(
      `${gw.url}/console/sign-in?next=${encodeURIComponent(new URL(draftUrl).pathname)}&expired=1`,
    );
    expect(await page.locator('#sign-in-message').innerText()).toContain('会话已超时');
    await signIn(page);
    await page.waitForURL(draftUrl);
    await page.locator('#editor-restored').waitFor();
    expect(await page.inputValue('#draft-document')).toBe(typed);
    expect(await page.inputValue('#draft-note')).toBe('增加备注字段');
    expect(await page.isVisible('#diff-unsaved')).toBe(true);
    await page.locator(`${SETTLED}[data-ok="true"]`).waitFor();
    await author.shot('draft-session-02-restored');
    await page.click('#draft-save');
    await page.locator('#saved').waitFor();
    expect(await page.locator('#draft-diff').innerText()).toContain('"remark"');
    expect(await page.isVisible('#editor-restored')).toBe(false);
  });

  it('signed in again from another tab, the old tab names the refusal and keeps its text', async () => {
    const { page } = author;
    clock.advance(31 * 60_000);
    const other = await author.context.newPage();
    await other.goto(`${gw.url}/console/`);
    await signIn(other); // a new session; the old tab's form token was the ended one's
    await other.waitForURL(`${gw.url}/console/`);
    await other.close();
    const typed = await withField(page, 'remark2');
    await pasteText(page, '#draft-document', typed);
    await page.locator('#check-not-run[data-reason="403"]').waitFor();
    expect(await page.locator('#check-not-run').innerText()).toContain('CSRF');
    await author.shot('draft-session-03-stale-token');
    await page.click('#draft-save');
    await page.locator('.error-page[data-status="403"]').waitFor();
    await page.goto(draftUrl);
    await page.locator('#editor-restored').waitFor();
    expect(await page.inputValue('#draft-document')).toBe(typed);
  });
});
