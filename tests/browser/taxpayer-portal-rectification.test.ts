// A 差评 from the taxpayer portal and the rectification it opens (README.md#the-taxpayer-portal,
// gateway/README.md#rectification-lifecycle): the taxpayer who rated a closed case 非常不满意 sees on
// the case page that 云南 will visit (回访) and rectify, with both deadlines, and follows each move
// of 云南's live — visited, then rectified with the re-rating deadline — at phone width (390 px);
// once 云南 explained it, the taxpayer re-rates it on the same page, which closes it — shown then in
// the green of the page's other done states, no longer the amber of an open one. The home page
// then tells the two payments apart by project and amount.
// Screenshots: rectification-*.png, re-rating-*.png, home-cases-*.png (390 and 1280 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { DESKTOP, PHONE, type TestBrowser } from './support/browser.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import {
  closedOnPage,
  fillPayment,
  LINES,
  logIn,
  PAYS,
  submitAndFollow,
} from './support/taxpayer-path.ts';

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-rectification', {
    device: { viewport: PHONE },
  }));
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

/** The id of the rectification the case's 差评 opened (read as an operator reads it), and 云南's moves on it. */
async function rectificationMoves(caseId: string) {
  const { body: view } = await sys
    .client('operator-dev')
    .getCase<{ evaluations: { rectificationId: string }[] }>(caseId);
  const id = view.evaluations[0]!.rectificationId;
  const move = (type: string, note: string) =>
    sys.client('province-yn').request('POST', `/v1/rectifications/${id}/events`, {
      json: { type, note },
    });
  return { id, move };
}

const DAY = /\d{4}-\d{2}-\d{2}/.source;

/** How the first element matching `selector` is coloured: its background, text and border. */
function colours(selector: string): Promise<{ background: string; text: string; border: string }> {
  return browser.page.evaluate(
    `(() => {
      const style = getComputedStyle(document.querySelector(${JSON.stringify(selector)}));
      return { background: style.backgroundColor, text: style.color, border: style.borderTopColor };
    })()`,
  );
}

describe('a 差评 and its rectification on the case page', () => {
  it('shows the rectification a 差评 opened with its 回访 and 整改 deadlines, then each move of the province live: 已回访, 已整改 with the re-rating deadline', async () => {
    const { page } = browser;
    await logIn(page, portal);
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, LINES);
    const caseId = await submitAndFollow(page);
    await closedOnPage(page);
    await page.locator('#rating:not([hidden])').waitFor();
    expect(await page.locator('#rectification').isHidden()).toBe(true);
    await page.click('label[for="level-1"]');
    await page.fill('#rating-comment', '缴款页面多次超时');
    await page.click('#rating-form button[type=submit]');
    await page.locator('#rectification[data-status="OPEN"]').waitFor();
    expect(await page.locator('#rectification').innerText()).toMatch(
      new RegExp(
        `^差评整改：待回访 经营地税务机关将于 ${DAY} 前回访您，并于 ${DAY} 前整改或作出说明。$`,
      ),
    );
    await browser.shot('rectification-open');

    const { move } = await rectificationMoves(caseId);
    expect((await move('visited', '已电话回访纳税人')).status).toBe(200);
    await page.locator('#rectification[data-status="VISITED"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#rectification').innerText()).toMatch(
      new RegExp(`^差评整改：已回访，整改中 已回访；经营地税务机关将于 ${DAY} 前整改或作出说明。$`),
    );
    expect((await move('rectified', '已优化缴款页面超时设置')).status).toBe(200);
    await page.locator('#rectification[data-status="RECTIFIED"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#rectification').innerText()).toMatch(
      new RegExp(`^差评整改：已整改 经营地税务机关已整改；${DAY} 前未复评的，按基本满意记录。$`),
    );
    await browser.shot('rectification-rectified');

    // Opened again, the page shows where the rectification stands.
    await page.reload();
    await page.locator('#rectification[data-status="RECTIFIED"]').waitFor();
  }, 120_000);

  it('offers the re-rating once 云南 explained the 差评, in the rating form’s look, and closes the rectification with the level chosen: 已办结 with 已复评, the form gone, after a reload too', async () => {
    const { page } = browser;
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, LINES.slice(0, 1));
    const caseId = await submitAndFollow(page);
    await closedOnPage(page);
    await page.locator('#rating:not([hidden])').waitFor();
    await page.click('label[for="level-2"]');
    await page.click('#rating-form button[type=submit]');
    await page.locator('#rectification[data-status="OPEN"]').waitFor();
    expect(await page.locator('#re-rating-form').isHidden()).toBe(true);
    // Open, the notice's amber (the re-rating's message is a notice until it thanks).
    const amber = await colours('#rectification');
    expect(amber).toEqual(await colours('#re-rating-message'));

    const { id, move } = await rectificationMoves(caseId);
    expect((await move('visited', '已电话回访纳税人')).status).toBe(200);
    expect((await move('explained', '系银行系统维护所致，已告知')).status).toBe(200);
    await page.locator('#rectification[data-status="EXPLAINED"]').waitFor({ timeout: 30_000 });
    await page.locator('#re-rating-form:not([hidden])').waitFor();
    expect(await page.locator('#re-levels label').allInnerTexts()).toEqual([
      '非常满意',
      '满意',
      '基本满意',
      '不满意',
      '非常不满意',
    ]);
    await page.click('label[for="re-level-4"]');
    await page.fill('#re-rating-comment', '说明清楚，已理解');
    await browser.shot('re-rating-offered');
    await page.click('#re-rating-form button[type=submit]');
    await page.locator('#rectification[data-status="CLOSED"]').waitFor();
    const closed = new RegExp(`^差评整改：已办结 已复评：满意（${DAY} \\d{2}:\\d{2}:\\d{2}）。$`);
    expect(await page.locator('#rectification').innerText()).toMatch(closed);
    expect(await page.locator('#re-rating-message').innerText()).toBe('感谢您的复评！整改已办结');
    expect(await page.locator('#re-rating-form').isHidden()).toBe(true);
    // Done, at 390 px: in the look of the page's other done states (已评价 above it), no longer the
    // amber it had while open.
    const rated = await colours('#rating-kept');
    expect(await page.locator('#rating-kept').getAttribute('class')).toBe('success');
    expect(page.viewportSize()).toEqual(PHONE);
    expect(await colours('#rectification')).toEqual(rated);
    expect(await colours('#rectification')).not.toEqual(amber);
    const { body: kept } = await sys
      .client('operator-dev')
      .request<{ status: string; reRating: { level: number; source: string; comment: string } }>(
        'GET',
        `/v1/rectifications/${id}`,
      );
    expect(kept).toMatchObject({
      status: 'CLOSED',
      reRating: { level: 4, source: 'applicant', comment: '说明清楚，已理解' },
    });
    await browser.shot('re-rating-closed');
    await page.setViewportSize(DESKTOP);
    await browser.shot('re-rating-closed-1280');
    await page.setViewportSize(PHONE);

    await page.reload();
    await page.locator('#rectification[data-status="CLOSED"]').waitFor();
    expect(await page.locator('#rectification').innerText()).toMatch(closed);
    expect(await page.locator('#re-rating-form').isHidden()).toBe(true);
  }, 120_000);

  it('names on the home page what each payment was — 异地电子缴税, the project, the amount — so the two cases can be told apart', async () => {
    const { page } = browser;
    await page.goto(`${portal}/`);
    const rows = await page.locator('.case-list li .case-what').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' '))).toEqual([
      '异地电子缴税 师宗县城乡道路改造工程 ¥38,400.00',
      '异地电子缴税 师宗县城乡道路改造工程 ¥40,320.00',
    ]);
    await browser.shot('home-cases');
    await page.setViewportSize(DESKTOP);
    await browser.shot('home-cases-1280');
    await page.setViewportSize(PHONE);
  });
});

// After the home page's two cases: these make more.
describe('提交复评 pressed twice', () => {
  it.each([
    ['390', PHONE],
    ['1280', DESKTOP],
  ] as const)(
    'double-clicks 提交复评 at %s px: one re-rating is sent, the page thanks once, the focus lands on what the page says',
    async (width, size) => {
      const { page } = browser;
      await page.setViewportSize(size);
      await logIn(page, portal);
      await page.goto(`${portal}/pay`);
      await fillPayment(page, PAYS, LINES.slice(0, 1));
      const caseId = await submitAndFollow(page);
      await closedOnPage(page);
      await page.locator('#rating:not([hidden])').waitFor();
      await page.click('label[for="level-1"]');
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rectification[data-status="OPEN"]').waitFor();
      const { id, move } = await rectificationMoves(caseId);
      expect((await move('visited', '已电话回访纳税人')).status).toBe(200);
      expect((await move('rectified', '已优化缴款页面超时设置')).status).toBe(200);
      await page.locator('#re-rating-form:not([hidden])').waitFor({ timeout: 30_000 });
      const posts: string[] = [];
      const onRequest = (request: { method(): string; url(): string }) => {
        if (request.method() === 'POST' && request.url().endsWith(`/api/cases/${caseId}/re-rating`))
          posts.push(request.url());
      };
      page.on('request', onRequest);
      await page.click('label[for="re-level-3"]');
      await page.dblclick('#re-rating-form button[type=submit]');
      await page.locator('#rectification[data-status="CLOSED"]').waitFor();
      // Thanked, not told 整改已办结，不能再次复评 by a second press's answer.
      expect(await page.locator('#re-rating-message').innerText()).toBe('感谢您的复评！整改已办结');
      expect(await page.locator('#re-rating-message').getAttribute('class')).toBe('success');
      expect(await page.locator('#re-rating-form').isHidden()).toBe(true);
      expect(await page.evaluate<string>('document.activeElement?.id')).toBe('re-rating-message');
      await browser.shot(`re-rating-double-click-${width}`);
      page.off('request', onRequest);
      expect(posts).toHaveLength(1);
      const { body: kept } = await sys
        .client('operator-dev')
        .request<{ status: string; reRating: { level: number } }>(
          'GET',
          `/v1/rectifications/${id}`,
        );
      expect(kept).toMatchObject({ status: 'CLOSED', reRating: { level: 3 } });
      await page.setViewportSize(PHONE);
    },
    120_000,
  );
});
