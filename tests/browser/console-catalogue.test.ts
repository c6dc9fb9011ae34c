// The console's catalogue pages in a real browser (gateway/console/README.md#catalogue-drafts):
// two operators in two Chromium profiles complete a four-eyes publish — operator-dev drafts a
// change to SW-005 (an optional field), sees live validation flag a broken schema, saves,
// validates and submits; operator-dev-2 approves from the review queue — and the API then serves
// the new version. The author has no approve button; a read-only operator sees no edit or approve
// action and a forged request is refused. Screenshots: tests/browser/screenshots/catalogue-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { launchBrowser, PHONE, DESKTOP, type TestBrowser } from './support/browser.ts';
import { authorSubmitsDraft } from './support/console-drafts.ts';
import { pasteText } from './support/paste-text.ts';
import {
  focusArrives,
  focusedId,
  inViewport,
  scrolledSideways,
  smallTargets,
} from './support/page-measures.ts';
import { allStarted } from '../support/settled.ts';

let author: TestBrowser;
let reviewer: TestBrowser;
let gw: ApiGateway;
let base = '';
let draftUrl = '';

beforeAll(async () => {
  await allStarted([
    launchBrowser().then((b) => (author = b)),
    launchBrowser().then((b) => (reviewer = b)),
    startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' }, { liveCatalogue: true }).then(
      (g) => (gw = g),
    ),
  ]);
  base = gw.url;
  // The author's clock is Playwright's, running at the real pace until told: the editor's wait
  // after an edit before its live check (pasteAndCheck) is jumped over rather than sat through.
  await author.context.clock.install();
}, 90_000);

afterAll(async () => {
  await author?.close();
  await reviewer?.close();
  await gw?.close();
});

async function signIn(page: Page, operator: string) {
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', DEV_PASSWORDS[operator]!);
  await page.click('#sign-in');
  await page.waitForURL(`${base}/console/`);
}

/** catalogue-editor.js's DELAY_MS: the live check is sent this long after the last edit. */
const CHECK_DELAY_MS = 600;

/** Pastes the text into the editor, and moves the page's clock on to when its live check is sent. */
async function pasteAndCheck(page: Page, text: string): Promise<void> {
  await pasteText(page, '#draft-document', text);
  await page.clock.fastForward(CHECK_DELAY_MS);
}

type ItemDocument = { schema: { type: unknown; properties: Record<string, unknown> } };

async function editorDocument(page: Page): Promise<ItemDocument> {
  return JSON.parse(await page.inputValue('#draft-document')) as ItemDocument;
}

describe('catalogue pages and a four-eyes publish in two browsers', () => {
  it('lists the catalogue with its revision and filters it', async () => {
    const { page } = author;
    await signIn(page, 'operator-dev');
    await page.click('[data-nav="catalogue"]');
    await page.waitForURL(`${base}/console/catalogue`);
    expect(Number(await page.locator('#catalogue-shown').innerText())).toBeGreaterThanOrEqual(148);
    expect(await page.locator('#catalogue-revision').innerText()).toMatch(/^[1-9][0-9]*$/);
    await author.shot('catalogue-01-list');
    await page.selectOption('#filter-department', 'SW');
    await page.fill('#filter-q', '缴税');
    await page.click('#catalogue-search');
    await page.locator('tr[data-item="SW-005"]').waitFor();
    expect(await page.locator('tr[data-item]').count()).toBeLessThan(16);
    await author.shot('catalogue-02-filtered');
  });

  it('shows SW-005 with versions, its field table and examples, an invalid example’s envelope opened in most of the table’s width', async () => {
    const { page } = author;
    await page.click('tr[data-item="SW-005"] a');
    await page.waitForURL(`${base}/console/catalogue/items/SW-005`);
    expect(await page.locator('tr[data-pointer="/project/region"]').innerText()).toContain(
      '项目所在地',
    );
    expect(await page.locator('#item-versions tr[data-version]').count()).toBe(1);
    // An invalid example's envelope, opened, reads in most of the card's width, not in a slot.
    await page.click('[data-example="invalid-0"] summary');
    const [envelope, table] = await Promise.all(
      ['[data-example="invalid-0"] pre', '#invalid-examples'].map(
        async (selector) => (await page.locator(selector).boundingBox())!.width,
      ),
    );
    expect(envelope!).toBeGreaterThan(table! / 2);
    await author.shot('catalogue-03-item');
  });

  it('live validation flags a broken schema by its pointer, then passes the change', async () => {
    const { page } = author;
    await page.click('#draft-start');
    await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
    draftUrl = page.url();
    // A fresh draft is a copy of v1: the live check says it has no change (submit would answer
    // GW_DRAFT_UNCHANGED), not 校验通过 in green as it used to.
    const unchanged = page.locator('#live-check #check-result[data-unchanged="true"]');
    await unchanged.waitFor();
    expect(await unchanged.getAttribute('data-ok')).toBe('false');
    expect(await unchanged.getAttribute('class')).toBe('notice warn');
    expect(await unchanged.innerText()).toContain('草稿没有修改');
    expect(await unchanged.innerText()).not.toContain('校验通过');
    expect(await page.locator('#live-check li[data-path="/item"]').innerText()).toContain(
      '草稿与第 1 版完全相同',
    );
    await author.shot('catalogue-04a-live-check-unchanged');
    await page.setViewportSize(PHONE);
    expect(await scrolledSideways(page)).toEqual([]);
    await author.shot('catalogue-04b-live-check-unchanged-phone');
    await page.setViewportSize(DESKTOP);
    const doc = await editorDocument(page);
    await pasteAndCheck(
      page,
      JSON.stringify({ ...doc, schema: { ...doc.schema, type: 'no-such-type' } }, null, 2),
    );
    await page.locator('#check-result[data-ok="false"]:not([data-unchanged])').waitFor();
    expect(await page.locator('#draft-problems').innerText()).toContain('/item/schema');
    await author.shot('catalogue-04-live-validation-problem');

    doc.schema.properties.remark = { title: '备注', type: 'string', maxLength: 50 };
    await pasteAndCheck(page, JSON.stringify(doc, null, 2));
    await page.locator('#check-result[data-ok="true"]').waitFor();
    expect(await page.locator('#compat-changes').innerText()).toContain('/payload/remark');
    // Three validations of the whole item (compile, examples, compatibility) while two browsers run.
  }, 60_000);

  it('saves with a diff against the published version, validates — the answer focused, Shift+Tab reaching 提交审核 — and submits by keyboard', async () => {
    const { page } = author;
    await page.fill('#draft-note', '增加备注字段');
    await page.click('#draft-save');
    await page.locator('#saved').waitFor();
    expect(await page.locator('#draft-diff').innerText()).toContain('"remark"');
    await author.shot('catalogue-05-draft-diff');
    await page.click('#draft-validate');
    await page.locator('#draft-validation #check-result[data-ok="true"]').waitFor();
    // Validate lands on its answer, a whole editor below the page's top, not back at the top.
    expect(await inViewport(page, '#draft-validation h2')).toBe(true);
    // The keyboard's place is the answer too, and 提交审核 just before it: before, the keyboard
    // started again at the page's top, Submit some thirty Tab stops away past the navigation.
    expect(await focusArrives(page, 'draft-validation')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe('draft-submit');
    await page.keyboard.press('Enter');
    await page.locator('[data-draft-status="in-review"]').first().waitFor();
    expect(await page.locator('#own-draft').count()).toBe(1);
    expect(await page.locator('#draft-approve').count()).toBe(0);
    await author.shot('catalogue-06-submitted-own-draft');
  });

  it('the author’s forged approval is refused by the four-eyes rule, audited', async () => {
    const { page } = author;
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const status = await page.evaluate<number, string[]>(
      async ([path, token]) =>
        (await fetch(path!, { method: 'POST', body: new URLSearchParams({ _csrf: token! }) }))
          .status,
      [`${new URL(draftUrl).pathname}/approve`, csrf],
    );
    expect(status).toBe(403);
    const refused = (
      await gw.services.audit.page({ action: 'catalogue.draft.approve', outcome: 'refused' })
    ).items;
    expect(refused.some((e) => e.actor === 'operator-dev')).toBe(true);
    // Nor is the author shown the confirmation page: it names the rule instead.
    expect((await page.goto(`${draftUrl}/approve`))?.status()).toBe(403);
    expect(await page.locator('#error-detail').innerText()).toContain('GW_FOUR_EYES');
    expect(await page.locator('#approve-confirm').count()).toBe(0);
  });

  it('a second operator approves from the review queue and the API serves version 2', async () => {
    const { page } = reviewer;
    await signIn(page, 'operator-dev-2');
    await page.goto(`${base}/console/catalogue/review`);
    const row = page.locator(`tr[data-draft="${draftUrl.split('/').pop()}"]`);
    await row.waitFor();
    await reviewer.shot('catalogue-07-review-queue');
    await row.locator('a').click();
    await page.locator('#compat-changes').waitFor();
    // A compatible change (an optional field): no breaking warning beside the button.
    expect(await page.locator('#approve-breaking').count()).toBe(0);
    await reviewer.shot('catalogue-08-review-draft');
    // 批准并发布… asks first, naming the item, the version it publishes and what changes; by
    // keyboard the summary has the focus, Tab reaches the confirmation, then Cancel.
    await page.click('#draft-approve');
    await page.waitForURL(`${draftUrl}/approve`);
    const summary = page.locator('#approve-summary');
    expect(await summary.getAttribute('data-publishes')).toBe('v2');
    expect(await summary.innerText()).toMatch(/SW-005 .+ 第 2 版（取代第 1 版）/);
    expect(await summary.innerText()).toContain('operator-dev');
    expect(await page.locator('#approve-form #compat-changes').innerText()).toContain(
      '/payload/remark',
    );
    expect(await page.locator('#approve-form #draft-diff').innerText()).toContain('"remark"');
    expect(await page.getAttribute('#approve-confirm', 'aria-describedby')).toBe('approve-summary');
    expect(await focusArrives(page, 'approve-summary')).toBe(true);
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      expect(await scrolledSideways(page), `${size.width}`).toEqual([]);
      await reviewer.shot(`catalogue-08a-approve-confirm-${size.width}`);
    }
    const servedVersion = async () =>
      (
        await gw
          .client('portal-sc')
          .request<{ version: number }>('GET', '/v1/catalogue/items/SW-005')
      ).body.version;
    expect(await servedVersion()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('approve-confirm');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('approve-cancel');
    await page.keyboard.press('Enter');
    await page.waitForURL(draftUrl);
    expect(await page.locator('#draft-status [data-draft-status="in-review"]').count()).toBe(1);
    expect(await servedVersion()).toBe(1);
    await page.click('#draft-approve');
    await page.waitForURL(`${draftUrl}/approve`);
    expect(await focusArrives(page, 'approve-summary')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('approve-confirm');
    await page.keyboard.press('Enter');
    await page.locator('#published').waitFor();
    await reviewer.shot('catalogue-09-published');
    const item = await gw
      .client('portal-sc')
      .request<{ version: number; schema: { properties: object } }>(
        'GET',
        '/v1/catalogue/items/SW-005',
      );
    expect(item.body.version).toBe(2);
    expect(item.body.schema.properties).toHaveProperty('remark');
    await page.goto(`${base}/console/catalogue/items/SW-005`);
    expect(await page.locator('#item-versions tr[data-version]').count()).toBe(2);
  });

  it('the published page reloads, and goes back and forward, without approving again', async () => {
    const { page } = reviewer;
    const publishedPage = /\/console\/catalogue\/drafts\/[0-9A-Za-z]+\?published=[1-9][0-9]*$/;
    await page.goBack(); // from the item page to what the approval answered
    await page.waitForURL(publishedPage);
    expect((await page.reload())?.status()).toBe(200);
    expect(await page.locator('#published').innerText()).toContain('SW-005 v2');
    await page.goForward();
    await page.waitForURL(`${base}/console/catalogue/items/SW-005`);
    await page.goBack();
    await page.waitForURL(publishedPage);
    await page.locator('#published').waitFor();
    await reviewer.shot('catalogue-09b-published-reloaded');
    const approvals = (await gw.services.audit.page({ action: 'catalogue.draft.approve' })).items;
    expect(approvals.filter((e) => e.actor === 'operator-dev-2').map((e) => e.outcome)).toEqual([
      'ok',
    ]);
  });

  it('a read-only operator sees no edit or approve action, and a forged draft is refused', async () => {
    const { page } = reviewer;
    await page.click('#sign-out');
    await signIn(page, 'operator-readonly');
    await page.goto(`${base}/console/catalogue/items/SW-005`);
    expect(await page.locator('#draft-start').count()).toBe(0);
    await page.goto(`${base}/console/catalogue`);
    expect(await page.locator('#review-link').count()).toBe(0);
    expect(await page.locator('#drafts-link').count()).toBe(0);
    await page.goto(draftUrl);
    expect(await page.locator('#draft-editor, #draft-approve, #draft-reject').count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const statuses = await page.evaluate<number[], string>(async (token) => {
      const post = async (path: string, fields: Record<string, string>) =>
        (
          await fetch(path, {
            method: 'POST',
            body: new URLSearchParams({ _csrf: token, ...fields }),
          })
        ).status;
      return [
        await post('/console/catalogue/drafts', { itemCode: 'SW-005' }),
        await post('/console/catalogue/drafts/check', {
          kind: 'item',
          itemCode: 'SW-005',
          document: '{}',
        }),
      ];
    }, csrf);
    expect(statuses).toEqual([403, 403]);
    await reviewer.shot('catalogue-10-readonly-draft');
  });

  it('shows the working-day calendars and fits a phone: neither a page nor a table (the catalogue list, the field table, the invalid examples, the compatibility report, the drafts) scrolls sideways at 390 px, and every link and button there is a 24 px target or spaced (WCAG 2.5.8)', async () => {
    const { page } = author;
    await page.goto(`${base}/console/catalogue/calendars`);
    await page.locator('#calendar-year').waitFor();
    await author.shot('catalogue-11-calendars');
    await page.setViewportSize(PHONE);
    for (const [path, name] of [
      ['/console/catalogue', 'catalogue-12-phone-list'],
      ['/console/catalogue/items/SW-005', 'catalogue-13-phone-item'],
      [new URL(draftUrl).pathname, 'catalogue-14-phone-draft'],
      ['/console/catalogue/drafts', 'catalogue-15-phone-drafts'],
    ] as const) {
      await page.goto(`${base}${path}`);
      expect(await scrolledSideways(page), path).toEqual([]);
      expect(await smallTargets(page), path).toEqual([]);
      await author.shot(name);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('a rejected draft offers its author a new draft pre-filled with its text, item code and note, which saves as a new draft', async () => {
    const { page } = author;
    await page.goto(`${base}/console/catalogue/items/SW-005`);
    await page.click('#draft-start');
    await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
    const rejectedUrl = page.url();
    await page.locator('#check-result[data-unchanged="true"]').waitFor();
    const doc = await editorDocument(page);
    doc.schema.properties.memo = { title: '附言', type: 'string', maxLength: 50 };
    await pasteAndCheck(page, JSON.stringify(doc, null, 2));
    await page.locator('#compat-changes').getByText('/payload/memo').waitFor();
    await authorSubmitsDraft(page, '增加附言字段');

    await reviewer.page.click('#sign-out');
    await signIn(reviewer.page, 'operator-dev-2');
    await reviewer.page.goto(rejectedUrl);
    await reviewer.page.fill('#reject-reason', '附言应限 20 字');
    await reviewer.page.click('#draft-reject');
    await reviewer.page.locator('[data-draft-status="rejected"]').first().waitFor();

    await page.goto(rejectedUrl);
    await page.click('#draft-again');
    await page.waitForURL(/\/console\/catalogue\/drafts\/new\?from=[0-9A-Za-z]+$/);
    expect(await editorDocument(page)).toEqual(doc);
    expect(await page.inputValue('#draft-item-code')).toBe('SW-005');
    expect(await page.inputValue('#draft-note')).toBe('增加附言字段');
    await author.shot('catalogue-16-draft-again');
    await page.click('#draft-save');
    await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
    expect(page.url()).not.toBe(rejectedUrl);
    expect(await page.locator('#draft-status [data-draft-status="draft"]').count()).toBe(1);
    expect(await editorDocument(page)).toEqual(doc);
  }, 60_000);

  it('an unchanged copy of GA-005 is not submittable: Validate says 草稿与第 1 版完全相同 at /item with 提交审核 disabled, and a submit sent anyway shows 422 GW_DRAFT_UNCHANGED in words', async () => {
    const { page } = author;
    await page.goto(`${base}/console/catalogue/items/GA-005`);
    await page.click('#draft-start');
    await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
    await page.click('#draft-validate');
    await page.locator('#draft-validation #check-result[data-ok="false"]').waitFor();
    expect(await page.locator('#draft-validation li[data-path="/item"]').innerText()).toContain(
      '草稿与第 1 版完全相同，请先修改再提交',
    );
    expect(await page.locator('#draft-submit').isDisabled()).toBe(true);
    await author.shot('catalogue-17-unchanged-validated');
    // A page loaded before the refusal existed, or a button enabled by hand: the use case says no.
    // Evaluated in the page (a string: this project's types have no DOM).
    await page.evaluate(`document.querySelector('#draft-submit').removeAttribute('disabled')`);
    await page.click('#draft-submit');
    await page.locator('.error-page[data-status="422"]').waitFor();
    expect(await page.locator('#error-detail').innerText()).toContain('GW_DRAFT_UNCHANGED');
    expect(await page.locator('#error-detail').innerText()).toContain(
      '草稿与所依据的已发布版本完全相同，没有可发布的修改',
    );
    await author.shot('catalogue-18-unchanged-refused');
  });
});
