// The path as a 四川 company's finance clerk walks it (README.md#browser-tests): log in, pay for the
// 师宗县 project, follow the case to CLOSED, rate it, open the receipt — at 1280 and at 390 px —
// checking what a clerk stumbled on: 提交评价 double-clicked sent two ratings and left the focus
// nowhere; 项目所在地 showed only its code (530323). Screenshots: tests/browser/screenshots/clerk-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from './support/browser.ts';
import { pressByKeyboard } from './support/keyboard.ts';
import { startPortalSystem, stopPortalSystem, type PortalSystem } from './support/portal-system.ts';
import {
  closedOnPage,
  fillPayment,
  followToCase,
  LINES,
  PAYS,
  submitAndFollow,
} from './support/taxpayer-path.ts';

let system: Partial<PortalSystem> = {};
/** The bank of shudao's 三方协议 (schemas/items/SW-009.examples.json), by its 行号 102731000019. */
const BANK = '中国工商银行股份有限公司师宗支行';
/** 项目所在地 530323 by name (config/divisions.json). */
const PLACE = '云南省曲靖市师宗县';

beforeAll(async () => {
  system = await startPortalSystem('clerk');
}, 90_000);

afterAll(async () => stopPortalSystem(system));

/**
 * Opens `path` signed in as shudao, logging in only when the portal sends the page to its login
 * (which then returns to it): in the first test, or a test run alone. Logging in afresh before
 * every test cost a login page, a password check and the home page each, on a path none of these
 * tests is about (taxpayer-portal.test.ts and taxpayer-portal-session.test.ts test the login).
 */
async function openSignedIn(page: Page, portal: string, path: '/' | '/pay'): Promise<void> {
  await page.goto(`${portal}${path}`);
  if (new URL(page.url()).pathname !== '/login') return;
  await page.fill('#login', 'shudao');
  await page.fill('#password', 'shudao-2026');
  await page.click('button[type=submit]');
  await page.waitForURL(`${portal}${path}`);
}

/** Pays shudao's two lines from the paying agreement; the closed case's id, its page open. */
async function payAndClose(page: Page, portal: string): Promise<string> {
  await openSignedIn(page, portal, '/pay');
  await fillPayment(page, PAYS, LINES);
  const caseId = await submitAndFollow(page);
  await closedOnPage(page);
  await page.locator('#rating:not([hidden])').waitFor();
  return caseId;
}

/** SW-005's `required`, followed down only through what is itself required (one payment line). */
const REQUIRED_FIELDS = [
  'taxpayerId',
  'taxpayerName',
  'crossRegionReportNo',
  'project/region',
  'project/name',
  'project/businessType',
  'project/contractNo',
  'taxAuthorityCode',
  'agreementNo',
  'agreementTaxAuthorityCode',
  'bank/bankCode',
  'bank/accountNo',
  'bank/accountName',
  'lines/0/collectionItemCode',
  'lines/0/collectionSubitemCode',
  'lines/0/taxPeriod/start',
  'lines/0/taxPeriod/end',
  'lines/0/amount',
  'lines/0/taxAuthorityCode',
].map((field) => `/payload/${field}`);

describe.each([
  ['desk', DESKTOP],
  ['phone', PHONE],
] as const)('the clerk at %s width', (name, size) => {
  it('marks as required (*) exactly the fields the schema requires: not the optional 合同有效期', async () => {
    const { browser, portal } = system as PortalSystem;
    const { page } = browser;
    await page.setViewportSize(size);
    await openSignedIn(page, portal, '/pay');
    await page.locator('[data-field="/payload/lines/0/amount"]').waitFor();
    await browser.shot(`clerk-${name}-pay`);
    const starred = await page
      .locator('[data-field]:has(> label .required)')
      .evaluateAll((fields: { dataset: { field?: string } }[]) =>
        fields.map((f) => f.dataset.field),
      );
    expect(starred).toEqual(REQUIRED_FIELDS);
    const told = await page
      .locator('#pay-form [required]:not([type=hidden])')
      .evaluateAll((controls: { dataset: { pointer?: string } }[]) =>
        controls.map((c) => c.dataset.pointer),
      );
    expect(told).toEqual(REQUIRED_FIELDS);
    for (const end of ['start', 'end'])
      expect(
        await page
          .locator(`[data-field="/payload/project/contractPeriod/${end}"] label`)
          .innerText(),
      ).toBe(end === 'start' ? '起始日期' : '截止日期');
  }, 120_000);

  it('names the bank beside its 行号, and 项目所在地 beside its code, on the form, the case page and the receipt; titles the receipt by its date and 电子税票号码, its bracketed 行号 and case-number names each on one line', async () => {
    const { browser, portal } = system as PortalSystem;
    const { page } = browser;
    await page.setViewportSize(size);
    await openSignedIn(page, portal, '/pay');
    const bankCode = page.locator('[data-pointer="/payload/bank/bankCode"]');
    const named = page.locator('[data-field="/payload/bank/bankCode"] .code-name');
    await named.waitFor();
    expect(await named.innerText()).toBe(BANK);
    expect(await bankCode.getAttribute('aria-describedby')).toBe(await named.getAttribute('id'));
    // Another 行号, one the portal cannot name: nothing is said rather than a wrong bank.
    await bankCode.fill('104731000012');
    expect(await named.isHidden()).toBe(true);
    await bankCode.fill('102731000019');
    expect(await named.innerText()).toBe(BANK);
    // 项目所在地 by name as the form opens, and for another code typed (asked of the portal's
    // server: the division table is not sent to the browser).
    const region = page.locator('[data-pointer="/payload/project/region"]');
    const place = page.locator('[data-field="/payload/project/region"] .code-name');
    expect(await place.innerText()).toBe(PLACE);
    expect(await region.getAttribute('aria-describedby')).toBe(await place.getAttribute('id'));
    await region.fill('530302');
    await page
      .locator('[data-field="/payload/project/region"] .code-name', {
        hasText: '云南省曲靖市麒麟区',
      })
      .waitFor();
    await region.fill('530323');
    expect(await place.innerText()).toBe(PLACE);
    await fillPayment(page, PAYS, LINES);
    await submitAndFollow(page);
    await closedOnPage(page);
    expect(await page.locator('#case-place').innerText()).toBe(`项目所在地 530323 ${PLACE}`);
    const paid = page.locator('#outcome-paid');
    expect(await paid.innerText()).toContain(`${BANK}（行号 102731000019）`);
    await browser.shot(`clerk-${name}-case`);
    await page.click('#open-receipt');
    await page.locator('.voucher').waitFor();
    const voucher = await page.locator('.voucher-grid').innerText();
    expect(voucher).toContain('***************3445（行号 102731000019）');
    // The bracketed 行号 on one line, as on the case page (at 390 px it broke after 行号).
    const bankNo = page.locator('.voucher-grid .code', { hasText: '（行号 102731000019）' });
    expect(
      await bankNo.evaluate(
        (span: { getClientRects(): { length: number } }) => span.getClientRects().length,
      ),
    ).toBe(1);
    // So are the names of the two case numbers under the voucher (经营地办件编 / 号 at 390 px).
    for (const name of ['跨省通办办件编号', '经营地办件编号']) {
      const label = page.locator('.voucher-foot .code', { hasText: name });
      expect(
        await label.evaluate(
          (span: { getClientRects(): { length: number } }) => span.getClientRects().length,
        ),
      ).toBe(1);
    }
    expect(voucher).toContain(`开户银行\n${BANK}`);
    expect(await page.locator('#receipt-place').innerText()).toBe(`530323 ${PLACE}`);
    // Titled by its date and 电子税票号码, the name 另存为 PDF offers: one file per payment.
    const voucherNo = await page.locator('.voucher-grid code').innerText();
    expect(voucherNo).toMatch(/^\d{20}$/);
    expect(await page.title()).toMatch(
      new RegExp(`^电子缴款凭证 \\d{4}-\\d{2}-\\d{2} ${voucherNo} · 跨省通办企业服务$`),
    );
    expect(await page.locator('.voucher-lines tbody').innerText()).toContain('10101 增值税');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      size.width,
    );
    await browser.shot(`clerk-${name}-receipt`);
  }, 120_000);

  it('double-clicks 提交评价: one rating is sent, the button waits for the answer, the focus lands on what the page says', async () => {
    const { browser, portal, sys } = system as PortalSystem;
    const { page } = browser;
    await page.setViewportSize(size);
    const caseId = await payAndClose(page, portal);
    const posts: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith(`/api/cases/${caseId}/evaluation`))
        posts.push(request.url());
    };
    page.on('request', onRequest);
    await page.click('label[for="level-4"]');
    await page.dblclick('#rating-form button[type=submit]');
    await page.locator('#rating-kept:not([hidden])').waitFor();
    expect(await page.locator('#rating-kept').innerText()).toMatch(/^已评价：满意（/);
    // Thanked in green, as the rating kept, not in a problem's amber.
    expect(await page.locator('#rating-message').getAttribute('class')).toBe('success');
    await browser.shot(`clerk-${name}-rated`);
    page.off('request', onRequest);
    expect(posts).toHaveLength(1);
    const rated = await sys
      .client('operator-dev')
      .getCase<{ evaluations: { level: number; rated: string }[] }>(caseId);
    expect(rated.body.evaluations).toEqual([
      expect.objectContaining({ level: 4, rated: 'handling' }),
    ]);
    // The gateway's side of a second press (another tab's, the same body): the first 201 again.
    const again = await page.evaluate<number>(`(async () => {
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const res = await fetch('/api/cases/${caseId}/evaluation', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ level: 4, comment: '' }),
      });
      return res.status;
    })()`);
    expect(again).toBe(201);
  }, 120_000);

  it('reviews what will be debited before paying, by keyboard: 返回修改 keeps the form, 确认缴款 pays once', async () => {
    const { browser, portal } = system as PortalSystem;
    const { page } = browser;
    await page.setViewportSize(size);
    await openSignedIn(page, portal, '/');
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, LINES);
    const posts: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/payments'))
        posts.push(request.url());
    };
    page.on('request', onRequest);
    await pressByKeyboard(page, '#review-payment');
    const review = page.locator('#pay-review');
    await review.waitFor();
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('review-title');
    expect(await page.locator('#pay-form').isHidden()).toBe(true);
    expect(await page.locator('#review-total').innerText()).toBe('¥40,320.00');
    await page.locator('#review-words', { hasText: '人民币' }).waitFor();
    expect(await page.locator('#review-words').innerText()).toBe('人民币肆万零叁佰贰拾元整');
    const facts = await page.locator('#review-facts').innerText();
    expect(facts).toContain(`项目所在地\n530323 ${PLACE}`);
    expect(facts).toContain(`三方协议号\n${PAYS}`);
    expect(facts).toContain(`开户银行\n${BANK}（行号 102731000019）`);
    const lines = await page.locator('#review-lines li').allInnerTexts();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('10101 增值税');
    expect(lines[0]).toContain('¥38,400.00');
    expect(lines[1]).toContain('¥1,920.00');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      size.width,
    );
    await browser.shot(`clerk-${name}-review`);
    // Nothing sent yet; 返回修改 gives the form back as it was left.
    expect(posts).toEqual([]);
    await pressByKeyboard(page, '#review-back');
    expect(await review.isHidden()).toBe(true);
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('review-payment');
    expect(await page.inputValue('[data-pointer="/payload/lines/0/amount"]')).toBe('38400.00');
    expect(await page.inputValue('[data-pointer="/payload/agreementNo"]')).toBe(PAYS);
    await pressByKeyboard(page, '#review-payment');
    await review.waitFor();
    await pressByKeyboard(page, '#submit-payment');
    await followToCase(page);
    page.off('request', onRequest);
    expect(posts).toHaveLength(1);
  }, 120_000);

  it('rates by keyboard: the focus goes from the hidden form to the rating kept', async () => {
    const { browser, portal } = system as PortalSystem;
    const { page } = browser;
    await page.setViewportSize(size);
    await payAndClose(page, portal);
    // 提交评价 with no level: the message, and the focus on the levels to choose one (it stayed on
    // the button).
    await page.focus('#rating-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('#rating-message:not([hidden])').waitFor();
    expect(await page.locator('#rating-message').innerText()).toBe('请选择评价等级');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('level-5');
    expect(await page.locator('#levels').getAttribute('aria-describedby')).toBe('rating-message');
    await page.keyboard.press('Space');
    await page.focus('#rating-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('#rating-kept:not([hidden])').waitFor();
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('rating-kept');
  }, 120_000);
});
