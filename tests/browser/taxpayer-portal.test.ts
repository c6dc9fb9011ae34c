// The reference taxpayer portal in a real browser (README.md#browser-tests): Chromium walks the
// flagship story against the whole local system — gateway, workers, the seven sandboxes and the
// portal — as a 四川 company paying tax for its project in 师宗县. Desktop width (1280 px) for the
// payment that goes through, phone width (390 px) for the one that fails for want of funds and its
// retry; the closed payment is rated (好差评), and a rating whose answer was lost is pressed again;
// a payment whose answer was lost is sent again, and its 差评, voided on appeal, shown withdrawn.
// Each step leaves a screenshot in tests/browser/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { maskAccount } from '../../gateway/personal-data/masks.ts';
import { devSecret } from '../support/api-gateway.ts';
import { allStarted } from '../support/settled.ts';
import { startE2eSystem, type E2eSystem } from '../e2e/support/system.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import {
  ACCOUNT,
  closedOnPage,
  confirmPayment,
  field,
  fillPayment,
  INSUFFICIENT,
  LINES,
  logIn,
  PAYS,
  submitAndFollow,
} from './support/taxpayer-path.ts';

// The file's tests walk two browsers side by side, each its own computer, its share of the tests
// in their order: each test waits mostly on the system (payments followed to CLOSED, a step every
// 300 ms), and one after the other in one browser they took 30 s in CI.
let browser: TestBrowser;
/** Signed in as shudao in its lane's beforeAll, as the desktop walk signs the first one in. */
let second: TestBrowser;
let sys: E2eSystem;
let portal = '';
/** The payment the phone walk makes with the 余额不足 agreement. */
let insufficientCaseId = '';

beforeAll(async () => {
  // Side by side: each start mostly waits. Without a browser the file fails saying what to
  // install, once the system has started (allStarted leaves none running unseen: afterAll stops it).
  await allStarted([
    launchBrowser().then((b) => (browser = b)),
    launchBrowser().then((b) => (second = b)),
    startE2eSystem(
      'browser',
      {},
      { progressionDelayMs: 300, portalEnv: { PORTAL_PORT: '0', PORTAL_ENV: 'test' } },
    ).then((s) => (sys = s)),
  ]);
  portal = sys.portal!.url;
  // Every page records the statuses its badge shows, to prove the case page changes in place.
  await browser.context.addInitScript({
    content: `window.__statuses = [];
      document.addEventListener('DOMContentLoaded', () => {
        const badge = document.getElementById('status-badge');
        if (!badge) return;
        new MutationObserver(() => {
          const s = badge.dataset.status;
          if (s && window.__statuses.at(-1) !== s) window.__statuses.push(s);
        }).observe(badge, { attributes: true });
      });`,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await second?.close();
  await sys?.stop();
});

async function noSidewaysScroll(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth');
}

describe.concurrent('in one browser', () => {
  describe.sequential('the taxpayer portal at desktop width', () => {
    it('logs in, shows the Chinese message beside the one wrong field, pays, follows the case live to CLOSED and prints the receipt', async () => {
      const { page } = browser;
      await page.setViewportSize(DESKTOP);
      await page.goto(`${portal}/login`);
      await browser.shot('01-desktop-login');
      await page.fill('#login', 'shudao');
      await page.fill('#password', 'shudao-2026');
      await page.click('button[type=submit]');
      await page.waitForURL(`${portal}/`);
      expect(await page.locator('h1').innerText()).toContain('四川蜀道路桥建设有限公司');

      // The session is a cookie scripts cannot read and other sites' requests do not carry.
      const cookie = (await browser.context.cookies()).find((c) => c.name === 'portal_sid');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate('document.cookie')).not.toContain('portal_sid');

      await page.click('#service-remote-tax');
      await fillPayment(page, PAYS, [LINES[0]!, { ...LINES[1]!, authority: '15303000000' }]);
      // Built from the published schema: Chinese titles, enums as selects, rows that can be added.
      expect(
        await page.locator('[data-field="/payload/crossRegionReportNo"] label').innerText(),
      ).toBe('跨区域涉税事项报告编号*');
      expect(
        await page
          .locator(`${field('/payload/lines/0/collectionItemCode')} option`)
          .allInnerTexts(),
      ).toEqual(expect.arrayContaining(['10101 增值税', '10109 城市维护建设税']));
      expect(await page.locator('#total-yuan').innerText()).toBe('¥40,320.00');
      // 本次缴款金额 is added in fen: 0.10 + 0.20 is exactly 0.30.
      await page.fill(field('/payload/lines/0/amount'), '0.10');
      await page.fill(field('/payload/lines/1/amount'), '0.20');
      expect(await page.locator('#total-yuan').innerText()).toBe('¥0.30');
      await page.fill(field('/payload/lines/0/amount'), LINES[0]!.amount);
      await page.fill(field('/payload/lines/1/amount'), LINES[1]!.amount);

      await confirmPayment(page);
      const message = page.locator(
        '[data-field="/payload/lines/1/taxAuthorityCode"] .field-error:not([hidden])',
      );
      await message.waitFor();
      expect(await message.innerText()).toBe(
        '税款所属税务机关代码应与三方协议税务机关代码(15303230000)一致',
      );
      expect(await page.locator('.field-error:not([hidden])').count()).toBe(1);
      expect(await page.locator('#form-problems').innerText()).toContain('标红的 1 处');
      await browser.shot('02-desktop-field-message');

      await page.fill(field('/payload/lines/1/taxAuthorityCode'), '15303230000');
      const caseId = await submitAndFollow(page);
      let reloads = 0;
      page.on('framenavigated', () => reloads++);
      await closedOnPage(page);
      const shown = await page.evaluate<string[]>('window.__statuses');
      expect(shown.at(-1)).toBe('CLOSED');
      expect(shown).toEqual(expect.arrayContaining(['IN_PROGRESS', 'DECIDED', 'CLOSED']));
      expect(reloads).toBe(0);
      const paid = page.locator('#outcome-paid');
      expect(await paid.innerText()).toContain('缴款成功');
      expect(await paid.innerText()).toContain('¥40,320.00');
      await browser.shot('03-desktop-case-closed');

      // 好差评: the closed case offers the rating; the taxpayer rates it 非常满意 with a comment.
      await page.locator('#rating:not([hidden])').waitFor();
      await page.click('label[for="level-5"]');
      await page.fill('#rating-comment', '缴款很方便，一次办好');
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rating-message:not([hidden])').waitFor();
      expect(await page.locator('#rating-message').innerText()).toBe('感谢您的评价！');
      expect(await page.locator('#rating-form').isHidden()).toBe(true);
      const rated = await sys
        .client('operator-dev')
        .getCase<{ evaluations: { level: number; rated: string; source: string }[] }>(caseId);
      expect(rated.body.evaluations).toEqual([
        expect.objectContaining({ level: 5, rated: 'handling', source: 'applicant' }),
      ]);
      await browser.shot('03b-desktop-case-rated');

      await page.click('#open-receipt');
      await page.waitForURL(`${portal}/cases/${caseId}/receipt`);
      const voucher = await page.locator('.voucher').innerText();
      expect(voucher).toContain('电子缴款凭证');
      expect(voucher).toContain('人民币肆万零叁佰贰拾元整');
      expect(voucher).toMatch(/电子税票号码\s+3530323\d{13}/);
      // The account as the gateway masks a bank account (one home: its maskAccount).
      expect(voucher).toContain(maskAccount(ACCOUNT));
      expect(voucher).not.toContain(ACCOUNT);
      await browser.shot('04-desktop-receipt');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#print-receipt').isVisible()).toBe(false);
      expect(await page.locator('.site-header').isVisible()).toBe(false);
      await browser.shot('05-desktop-receipt-print');
      await page.emulateMedia({ media: 'screen' });
    }, 90_000);
  });

  describe.sequential('rating (好差评) when an answer is lost or the case is rated already', () => {
    it('is thanked for a second press after the first answer was lost, keeps one rating, and shows 已评价 with the rating kept to a stale page and after a reload', async () => {
      const { page } = browser;
      await page.setViewportSize(DESKTOP);
      await page.goto(`${portal}/pay`);
      await fillPayment(page, PAYS, LINES);
      const caseId = await submitAndFollow(page);
      await closedOnPage(page);
      // A second tab on the case, opened before the rating: its form goes stale.
      const stale = await browser.context.newPage();
      try {
        await stale.goto(`${portal}/cases/${caseId}`);
        await stale.locator('#rating:not([hidden])').waitFor();

        // The first press reaches the portal and the gateway, which store it; the answer to the
        // browser is lost on the way back (a connection reset).
        let lost = false;
        await page.route(`${portal}/api/cases/${caseId}/evaluation`, async (route) => {
          if (lost) return route.continue();
          lost = true;
          expect((await route.fetch()).status()).toBe(201);
          await route.abort('connectionreset');
        });
        await page.locator('#rating:not([hidden])').waitFor();
        await page.click('label[for="level-4"]');
        await page.click('#rating-form button[type=submit]');
        await page.locator('#rating-message', { hasText: '可再次提交' }).waitFor();
        expect(await page.locator('#rating-form').isVisible()).toBe(true);
        await browser.shot('03c-desktop-rating-answer-lost');

        await page.click('#rating-form button[type=submit]');
        await page.locator('#rating-message', { hasText: '感谢您的评价！' }).waitFor();
        expect(await page.locator('#rating-form').isHidden()).toBe(true);
        // The time the rating was recorded, from the 201 itself: no reload needed.
        expect(await page.locator('#rating-kept').innerText()).toMatch(/^已评价：满意（\d{4}/);
        const ratings = async () =>
          (
            await sys
              .client('operator-dev')
              .getCase<{ evaluations: { level: number; source: string }[] }>(caseId)
          ).body.evaluations;
        expect(await ratings()).toEqual([
          expect.objectContaining({ level: 4, source: 'applicant' }),
        ]);

        // The stale tab presses 非常不满意: told the case is rated, shown the rating kept.
        await stale.click('label[for="level-1"]');
        await stale.click('#rating-form button[type=submit]');
        await stale.locator('#rating-kept:not([hidden])').waitFor();
        expect(await stale.locator('#rating-message').innerText()).toBe(
          '本办件已评价过，以下为已记录的评价',
        );
        expect(await stale.locator('#rating-kept').innerText()).toMatch(/^已评价：满意（\d{4}/);
        expect(await stale.locator('#rating-form').isHidden()).toBe(true);
        expect(await ratings()).toEqual([expect.objectContaining({ level: 4 })]);

        // Opened again, the rated case shows its rating instead of the form.
        await page.unrouteAll();
        await page.reload();
        await page.locator('#rating-kept:not([hidden])').waitFor();
        expect(await page.locator('#rating-kept').innerText()).toMatch(/^已评价：满意（\d{4}/);
        expect(await page.locator('#rating-form').isHidden()).toBe(true);
        expect(await page.locator('#rating-message').isHidden()).toBe(true);
        await browser.shot('03d-desktop-case-rated-reopened');
      } finally {
        await stale.close();
      }
    }, 90_000);

    it('says a payment whose answer was lost may be sent again and lands on the one case it made, then shows a 差评 voided on appeal as withdrawn, its thanks gone, with no form to rate again', async () => {
      const { page } = browser;
      await page.setViewportSize(DESKTOP);
      await page.goto(`${portal}/pay`);
      await fillPayment(page, PAYS, LINES);
      // The first press reaches the gateway, which makes the case; its answer to the browser is lost.
      let made = '';
      await page.route(`${portal}/api/payments`, async (route) => {
        if (made) return route.continue();
        const answer = await route.fetch();
        expect(answer.status()).toBe(202);
        made = ((await answer.json()) as { caseId: string }).caseId;
        await route.abort('connectionreset');
      });
      await confirmPayment(page);
      await page.locator('#form-problems', { hasText: '可再次确认缴款' }).waitFor();
      expect(await page.locator('#form-problems').innerText()).toContain('同一笔缴款只会受理一次');
      await browser.shot('03e-desktop-payment-answer-lost');
      const caseId = await submitAndFollow(page);
      expect(caseId).toBe(made);
      await page.unrouteAll();

      await closedOnPage(page);
      await page.locator('#rating:not([hidden])').waitFor();
      await page.click('label[for="level-1"]');
      // A comment the gateway refuses (a right-to-left override, which would display masked text
      // reversed): the page says the comment is what to mend, not that the case cannot be rated.
      await page.fill('#rating-comment', '办理太慢\u202e');
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rating-message', { hasText: '评价内容未被接受' }).waitFor();
      expect(await page.locator('#rating-message').innerText()).not.toContain('尚未办结');
      expect(await page.locator('#rating-form').isVisible()).toBe(true);
      await page.fill('#rating-comment', '');
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rating-kept:not([hidden])').waitFor();
      expect(await page.locator('#rating-kept').innerText()).toMatch(/^已评价：非常不满意/);
      expect(await page.locator('#rating-message').innerText()).toBe('感谢您的评价！');
      const { body: view } = await sys
        .client('operator-dev')
        .getCase<{ evaluations: { rectificationId: string }[] }>(caseId);
      const rectification = view.evaluations[0]!.rectificationId;
      // 云南 appeals the 差评 (申诉复核) and an operator upholds it: the page hears it live.
      const appealed = await sys
        .client('province-yn')
        .request('POST', `/v1/rectifications/${rectification}/events`, {
          json: { type: 'appealed', note: '申请人反映情况与事实不符' },
        });
      expect(appealed.status).toBe(200);
      const upheld = await sys
        .client('operator-dev')
        .request('POST', `/v1/rectifications/${rectification}/appeal-decision`, {
          json: { decision: 'upheld', note: '经复核，差评不属实' },
        });
      expect(upheld.status).toBe(200);
      await page.locator('#rating-kept[data-voided="true"]').waitFor({ timeout: 30_000 });
      expect(await page.locator('#rating-kept').innerText()).toMatch(
        /^评价已撤销：非常不满意（\d{4}.*不计入好差评统计；本办件不能再次评价$/,
      );
      expect(await page.locator('#rating-form').isHidden()).toBe(true);
      // The thanks for the rating no longer holds once it is voided.
      expect(await page.locator('#rating-message').isHidden()).toBe(true);
      await browser.shot('03f-desktop-rating-voided');

      await page.reload();
      await page.locator('#rating-kept[data-voided="true"]').waitFor();
      expect(await page.locator('#rating-form').isHidden()).toBe(true);
    }, 90_000);
  });
});

describe.concurrent('in a second browser', () => {
  beforeAll(async () => {
    await second.page.setViewportSize(DESKTOP);
    await logIn(second.page, portal);
  });

  describe.sequential('a rating comment longer than the gateway keeps', () => {
    it('says by how much a pasted comment is over 500 characters and sends nothing, then sends a comment of exactly 500 characters with emoji whole', async () => {
      const { page } = second;
      await page.goto(`${portal}/pay`);
      await fillPayment(page, PAYS, LINES);
      const caseId = await submitAndFollow(page);
      await closedOnPage(page);
      await page.locator('#rating:not([hidden])').waitFor();
      await page.click('label[for="level-4"]');
      const sent: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith(`/api/cases/${caseId}/evaluation`))
          sent.push(request.postData()!);
      });
      // 20 emoji and 500 more characters: 520 as the gateway counts them, 540 UTF-16 units.
      const pasted = '👍'.repeat(20) + '办'.repeat(500);
      await page.fill('#rating-comment', pasted);
      expect(await page.inputValue('#rating-comment')).toBe(pasted);
      expect(await page.locator('[data-limit-for="/comment"]').first().innerText()).toBe(
        '最多 500 个字符，已输入 520 个，请删减 20 个',
      );
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rating-message', { hasText: '评价意见最多 500 个字符' }).waitFor();
      expect(sent).toEqual([]);
      await second.shot('03g-desktop-rating-comment-too-long');

      const whole = '👍'.repeat(20) + '办'.repeat(480);
      await page.fill('#rating-comment', whole);
      await page.click('#rating-form button[type=submit]');
      await page.locator('#rating-kept:not([hidden])').waitFor();
      expect(sent.map((body) => (JSON.parse(body) as { comment: string }).comment)).toEqual([
        whole,
      ]);
    }, 90_000);
  });

  describe.sequential('the case history', () => {
    // On the case paid and rated just above, followed to CLOSED.
    it('shows no history note that only says its status again (办理中 under 办理中), and keeps the one that says more (已受理)', async () => {
      const { page } = second;
      const entries: { status: string; note: string }[] = [];
      for (const li of await page.locator('#history li').all()) {
        const note = li.locator('.note');
        entries.push({
          status: await li.locator('time + span').innerText(),
          note: (await note.count()) > 0 ? await note.innerText() : '',
        });
      }
      expect(entries.filter((e) => e.note === e.status)).toEqual([]);
      expect(entries).toContainEqual({ status: '办理中', note: '已受理' });
    }, 90_000);
  });

  describe.sequential('the taxpayer portal at phone width', () => {
    it('explains a payment refused for want of funds and retries it pre-filled, linked to the failed case', async () => {
      const { page } = second;
      await page.setViewportSize(PHONE);
      await page.goto(`${portal}/pay`);
      await fillPayment(page, INSUFFICIENT, LINES);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width);
      const failedId = await submitAndFollow(page);
      insufficientCaseId = failedId;
      await closedOnPage(page);
      const failure = await page.locator('#outcome-failed').innerText();
      expect(failure).toContain('扣款失败：缴款账户余额不足');
      expect(failure).toContain('重新缴款');
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width);
      await second.shot('06-phone-insufficient-funds');

      await page.click('#retry-payment');
      await page.waitForURL(`${portal}/pay?retry=${failedId}`);
      await page.locator('#retry-banner:not([hidden])').waitFor();
      expect(await page.locator('#retry-banner').innerText()).toContain(failedId);
      // Pre-filled with what was sent, the bank account in full (the portal kept it; the gateway
      // only shows it masked).
      expect(await page.inputValue(field('/payload/agreementNo'))).toBe(INSUFFICIENT);
      expect(await page.inputValue(field('/payload/lines/1/amount'))).toBe('1920.00');
      expect(await page.inputValue(field('/payload/bank/accountNo'))).toBe(ACCOUNT);
      await second.shot('07-phone-retry-form');

      await page.fill(field('/payload/agreementNo'), PAYS);
      const retryId = await submitAndFollow(page);
      expect(retryId).not.toBe(failedId);
      await closedOnPage(page);
      expect(await page.locator('#outcome-paid').innerText()).toContain('缴款成功');
      expect(await page.locator('#related').innerText()).toContain(`本办件重新提交自 ${failedId}`);
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width);
      await second.shot('08-phone-retry-paid');

      await page.goto(`${portal}/cases/${failedId}`);
      await page.locator('#related a').waitFor();
      expect(await page.locator('#related').innerText()).toContain(`已重新提交为 ${retryId}`);
      const failedView = await sys
        .client('operator-dev')
        .getCase<{ relatedCases: unknown[] }>(failedId);
      expect(failedView.body.relatedCases).toEqual([
        { caseId: retryId, relation: 'resubmitted-as' },
      ]);

      await page.goto(`${portal}/cases/${retryId}/receipt`);
      await page.locator('.voucher').waitFor();
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width);
      await second.shot('09-phone-receipt');
    }, 90_000);

    it('marks on the home page the payment refused for want of funds 扣款失败 beside its 已办结, and no paid one', async () => {
      const { page } = second;
      await page.goto(`${portal}/`);
      const failedRows = page.locator('.case-list li', { has: page.locator('.outcome-failed') });
      expect(await failedRows.count()).toBe(1);
      expect(await failedRows.locator('a').getAttribute('data-case-id')).toBe(insufficientCaseId);
      const row = await failedRows.innerText();
      expect(row).toContain('已办结');
      expect(row).toContain('扣款失败');
      expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(PHONE.width);
      await second.shot('10-phone-home-failed-payment');
    }, 90_000);

    it('never sends the gateway secret to the browser', async () => {
      const { page } = second;
      const secret = devSecret('portal-sc');
      const paths = [
        '/',
        '/pay',
        '/assets/pay.js',
        '/assets/api.js',
        '/assets/case.js',
        '/api/forms/payment',
      ];
      for (const path of paths) {
        const res = await page.request.get(`${portal}${path}`);
        expect(res.status(), path).toBe(200);
        expect(await res.text(), path).not.toContain(secret);
      }
    });
  });
});
