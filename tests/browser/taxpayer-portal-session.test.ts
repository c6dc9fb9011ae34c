// The taxpayer portal when a session ends under the payment form (README.md#the-taxpayer-portal):
// the taxpayer typed the form, left it open past PORTAL_SESSION_MINUTES (here: the cookie cleared,
// as an expired session answers the same 401) and pressed 确认缴款. The login returns to /pay with
// what was typed put back, on the review where 确认缴款 was pressed, and one payment follows; another login in the same tab never receives
// it; the login goes back only to the portal's own pages. A form reloaded while its 确认缴款 awaited
// the answer comes back the same way, under the same submission key, so sending it again lands on
// the case the first send made; a form reloaded or left with the back button before 确认缴款 comes
// back as typed. Screenshots: session-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { PHONE, type TestBrowser } from './support/browser.ts';
import { focusArrives } from './support/page-measures.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import {
  confirmPayment,
  field,
  fillPayment,
  followToCase,
  LINES,
  PAYS,
} from './support/taxpayer-path.ts';

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-session', {
    device: { viewport: PHONE },
  }));
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

async function logInAs(login: string, password: string): Promise<void> {
  const { page } = browser;
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

/** shudao signs in afresh from /login and opens the pay form filled with one line of `amount`. */
async function shudaoFillsPayForm(amount: string): Promise<void> {
  const { page, context } = browser;
  await context.clearCookies();
  await page.goto(`${portal}/login`);
  await logInAs('shudao', 'shudao-2026');
  await page.waitForURL(`${portal}/`);
  await page.goto(`${portal}/pay`);
  await fillPayment(page, PAYS, [{ ...LINES[0]!, amount }]);
}

/** A project name only shudao's typed form holds. */
const DRAFTED_PROJECT = '师宗县城乡道路改造工程（二期）';

/**
 * shudao types a form and presses 确认缴款, whose answer never comes: the tab keeps the typed form
 * in its storage (pay-draft.js), with DRAFTED_PROJECT in it.
 */
async function shudaoKeepsUnsentPayForm(amount: string): Promise<void> {
  const { page } = browser;
  await shudaoFillsPayForm(amount);
  await page.fill(field('/payload/project/name'), DRAFTED_PROJECT);
  await page.route(`${portal}/api/payments`, (route) => route.abort('connectionrefused'));
  await confirmPayment(page);
  await page.locator('#form-problems', { hasText: '可再次确认缴款' }).waitFor();
  await page.unrouteAll();
  expect(await page.evaluate(() => sessionStorage.getItem('portal-pay-draft'))).toContain(
    DRAFTED_PROJECT,
  );
}

/** shudao logs in from /pay, fills the form and presses 确认缴款 after the session ended. */
async function typeThenLoseSession(amount: string): Promise<void> {
  const { page, context } = browser;
  await context.clearCookies();
  await page.goto(`${portal}/pay`);
  await page.waitForURL(`${portal}/login?next=%2Fpay`);
  await logInAs('shudao', 'shudao-2026');
  await page.waitForURL(`${portal}/pay`);
  await fillPayment(page, PAYS, [{ ...LINES[0]!, amount }]);
  await page.fill(field('/payload/project/name'), DRAFTED_PROJECT);
  await context.clearCookies();
  await confirmPayment(page);
  await page.waitForURL(`${portal}/login?next=%2Fpay`);
}

describe('the payment form when the session ends', () => {
  it('puts back what was typed after logging in again from 确认缴款, says the payment is not sent yet, and then pays once', async () => {
    const { page } = browser;
    await typeThenLoseSession('777.01');
    await logInAs('shudao', 'shudao-2026');
    await page.waitForURL(`${portal}/pay`);
    await page.locator('#restored-notice:not([hidden])').waitFor();
    expect(await page.textContent('#restored-notice')).toContain('缴款尚未提交');
    expect(await page.inputValue(field('/payload/agreementNo'))).toBe(PAYS);
    expect(await page.inputValue(field('/payload/project/name'))).toBe(DRAFTED_PROJECT);
    expect(await page.inputValue(field('/payload/lines/0/collectionSubitemCode'))).toBe(
      LINES[0]!.subitem,
    );
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('777.01');
    expect(await page.textContent('#total-yuan')).toBe('¥777.01');
    await browser.shot('session-restored');

    await confirmPayment(page);
    const caseId = await followToCase(page);
    await page.goto(`${portal}/`);
    expect(await page.locator(`a[href="/cases/${caseId}"]`).count()).toBe(1);
    // Opened again, the form starts from the account's defaults: the draft was used once.
    await page.goto(`${portal}/pay`);
    await page.locator(field('/payload/lines/0/amount')).waitFor();
    expect(await page.locator('#restored-notice').isHidden()).toBe(true);
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('');
  }, 90_000);

  it("never puts one taxpayer's typed form into another login's form in the same tab", async () => {
    const { page } = browser;
    await typeThenLoseSession('888.02');
    await logInAs('xiaohong', 'xiaohong-2026');
    await page.waitForURL(`${portal}/pay`);
    await page.locator(field('/payload/lines/0/amount')).waitFor();
    expect(await page.locator('#restored-notice').isHidden()).toBe(true);
    expect(await page.inputValue(field('/payload/taxpayerId'))).toBe('92510104MA6DJK7L00');
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('');
    expect(await page.inputValue(field('/payload/project/name'))).toBe('师宗县城区建材销售');
    // Nor later to shudao: the draft was removed when xiaohong's form opened.
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  }, 90_000);

  it('goes back after logging in only to a page of the portal, never to another site', async () => {
    const { page, context } = browser;
    for (const next of ['https://evil.example/', '//evil.example/pay', '/\\evil.example']) {
      await context.clearCookies();
      await page.goto(`${portal}/login?next=${encodeURIComponent(next)}`);
      await logInAs('shudao', 'shudao-2026');
      await page.waitForURL(`${portal}/`);
    }
    await context.clearCookies();
    await page.goto(`${portal}/cases/01M90BVTKQQDSCZFW33Q533J0E`);
    await page.waitForURL(`${portal}/login?next=%2Fcases%2F01M90BVTKQQDSCZFW33Q533J0E`);
  }, 90_000);
});

describe('the payment review (核对缴款信息) when the session ends', () => {
  it('comes back as the review after logging in again from 确认缴款, as after an ordinary reload: the sum, the notice that nothing was sent, the title read first; a reload keeps it; and it pays once', async () => {
    const { page } = browser;
    await typeThenLoseSession('555.05');
    await logInAs('shudao', 'shudao-2026');
    await page.waitForURL(`${portal}/pay`);
    // The review the taxpayer pressed 确认缴款 on, not the form.
    await page.locator('#pay-review:not([hidden])').waitFor();
    expect(await page.locator('#pay-form').isHidden()).toBe(true);
    expect(await page.textContent('#review-total')).toBe('¥555.05');
    await page.locator('#review-words', { hasText: '人民币伍佰伍拾伍元零伍分' }).waitFor();
    expect(await page.textContent('#review-facts')).toContain(DRAFTED_PROJECT);
    expect(await page.textContent('#restored-notice')).toContain('登录已超时');
    expect(await page.textContent('#restored-notice')).toContain('缴款尚未提交');
    expect(await focusArrives(page, 'review-title')).toBe(true);
    await browser.shot('session-review-restored');
    // Reloaded now, the review again.
    await page.reload();
    await page.locator('#pay-review:not([hidden])').waitFor();
    expect(await page.locator('#pay-form').isHidden()).toBe(true);
    expect(await page.textContent('#review-total')).toBe('¥555.05');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/payments'))
        posts.push(request.url());
    });
    await page.click('#submit-payment');
    await followToCase(page);
    expect(posts).toHaveLength(1);
    page.removeAllListeners('request');
  }, 90_000);
});

describe('the payment review (核对缴款信息) when the session was renewed in another tab', () => {
  it('comes back as the review after the reload a stale 确认缴款 (403 PORTAL_CSRF) makes, and pays once', async () => {
    const { page, context } = browser;
    await shudaoFillsPayForm('666.06');
    await page.click('#review-payment');
    await page.locator('#submit-payment').waitFor();
    // The login opened again in another tab: this tab's CSRF token is the old session's.
    const other = await context.newPage();
    await other.goto(`${portal}/login`);
    await other.fill('#login', 'shudao');
    await other.fill('#password', 'shudao-2026');
    await other.click('button[type=submit]');
    await other.waitForURL(`${portal}/`);
    await other.close();
    const posts: number[] = [];
    const onResponse = (response: {
      request(): { method(): string };
      url(): string;
      status(): number;
    }) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/api/payments'))
        posts.push(response.status());
    };
    page.on('response', onResponse);
    const reloaded = page.waitForEvent('load');
    await page.click('#submit-payment');
    await reloaded;
    await page.locator('#restored-notice:not([hidden])').waitFor();
    await page.locator('#pay-review:not([hidden])').waitFor();
    expect(await page.locator('#pay-form').isHidden()).toBe(true);
    expect(await page.textContent('#review-total')).toBe('¥666.06');
    expect(await focusArrives(page, 'review-title')).toBe(true);
    await page.click('#submit-payment');
    await followToCase(page);
    page.off('response', onResponse);
    expect(posts).toEqual([403, 202]);
  }, 90_000);
});

describe('the payment form reloaded or left before 确认缴款', () => {
  it('puts back what was typed after a reload and after the back button, says nothing was sent, and 清空，重新填写 starts again from the account’s defaults', async () => {
    const { page } = browser;
    await shudaoFillsPayForm('321.04');
    await page.fill(field('/payload/project/name'), DRAFTED_PROJECT);
    const typedIsBack = async () => {
      await page.locator(field('/payload/lines/0/amount')).waitFor();
      expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('321.04');
      expect(await page.inputValue(field('/payload/project/name'))).toBe(DRAFTED_PROJECT);
      expect(await page.inputValue(field('/payload/agreementNo'))).toBe(PAYS);
      expect(await page.textContent('#total-yuan')).toBe('¥321.04');
      expect(await page.textContent('#restored-notice')).toContain('缴款尚未提交');
    };
    await page.reload();
    await typedIsBack();
    await browser.shot('session-typed-reloaded');
    // A second reload too: the form put back is kept again.
    await page.reload();
    await typedIsBack();
    await page.goto(`${portal}/`);
    await page.goBack();
    expect(page.url()).toBe(`${portal}/pay`);
    await typedIsBack();

    const reloaded = page.waitForEvent('load');
    await page.click('#restored-notice button');
    await reloaded;
    await page.locator(field('/payload/lines/0/amount')).waitFor();
    expect(await page.locator('#restored-notice').isHidden()).toBe(true);
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('');
    expect(await page.inputValue(field('/payload/project/name'))).toBe('师宗县城乡道路改造工程');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  }, 90_000);
});

describe('the payment review (核对缴款信息) reloaded before 确认缴款', () => {
  it('opens the review again after a reload, with the same sum and 确认缴款 in reach; after 返回修改 a reload gives the form; and it pays once', async () => {
    const { page } = browser;
    await shudaoFillsPayForm('432.10');
    await page.click('#review-payment');
    await page.locator('#submit-payment').waitFor();
    await page.reload();
    // The review as it was left, the notice naming it, its title read first.
    await page.locator('#pay-review:not([hidden])').waitFor();
    expect(await page.locator('#pay-form').isHidden()).toBe(true);
    expect(await page.textContent('#review-total')).toBe('¥432.10');
    await page.locator('#review-words', { hasText: '人民币肆佰叁拾贰元壹角整' }).waitFor();
    expect(await page.textContent('#restored-notice')).toContain('已恢复您正在核对的缴款信息');
    expect(await page.textContent('#restored-notice')).toContain('缴款尚未提交');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('review-title');
    await browser.shot('session-review-reloaded');
    // 返回修改, then a reload: the form, as the taxpayer chose to go back to it.
    await page.click('#review-back');
    await page.reload();
    await page.locator(field('/payload/lines/0/amount')).waitFor();
    expect(await page.locator('#pay-review').isHidden()).toBe(true);
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('432.10');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/payments'))
        posts.push(request.url());
    });
    await confirmPayment(page);
    await followToCase(page);
    expect(posts).toHaveLength(1);
    page.removeAllListeners('request');
  }, 90_000);
});

describe('the payment form reloaded while 确认缴款 awaits its answer', () => {
  it('puts the form back under the same submission key, so sending it again lands on the one case the first send made', async () => {
    const { page } = browser;
    await shudaoFillsPayForm('999.03');
    // The first send reaches the portal, which makes the case; the taxpayer reloads before the
    // answer comes back.
    let made = '';
    let reloaded: Promise<unknown> | undefined;
    await page.route(`${portal}/api/payments`, async (route) => {
      if (made) return route.continue();
      const answer = await route.fetch();
      expect(answer.status()).toBe(202);
      made = ((await answer.json()) as { caseId: string }).caseId;
      reloaded = page.reload();
    });
    await confirmPayment(page);
    await expect.poll(() => reloaded).toBeDefined();
    await reloaded;
    await page.locator('#restored-notice:not([hidden])').waitFor();
    expect(await page.textContent('#restored-notice')).toContain('同一笔缴款只会受理一次');
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('999.03');
    await browser.shot('session-reloaded');
    await confirmPayment(page);
    expect(await followToCase(page)).toBe(made);
    await page.unrouteAll();
  }, 90_000);
});

describe('退出 on a shared computer', () => {
  it('leaves nothing of the taxpayer in the tab: no kept form in storage, no page on the back button, and the next login opens its own empty form', async () => {
    const { page } = browser;
    await shudaoKeepsUnsentPayForm('555.05');

    await page.goto(`${portal}/`);
    expect(await page.textContent('.who')).toBe('四川蜀道路桥建设有限公司');
    await page.click('.logout button');
    await page.waitForURL(`${portal}/login`);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Back is the home page asked for again, which sends to the login: not the cases, from a cache.
    const back = await page.goBack();
    expect(back?.url()).toBe(`${portal}/login`);
    expect(page.url()).toBe(`${portal}/login`);
    expect(await page.locator('.who').count()).toBe(0);
    expect(await page.content()).not.toContain('四川蜀道路桥建设有限公司');
    await browser.shot('session-signed-out-back');

    await logInAs('xiaohong', 'xiaohong-2026');
    await page.waitForURL(`${portal}/`);
    await page.goto(`${portal}/pay`);
    await page.locator(field('/payload/lines/0/amount')).waitFor();
    expect(await page.locator('#restored-notice').isHidden()).toBe(true);
    expect(await page.inputValue(field('/payload/project/name'))).toBe('师宗县城区建材销售');
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  }, 90_000);
});

describe('退出 with the taxpayer’s other tabs open', () => {
  it('signs the other tabs out too: a tab holding a kept payment form loses it from storage, leaves for the login page at once, and neither back nor reload shows the taxpayer again', async () => {
    const { page, context } = browser;
    await shudaoKeepsUnsentPayForm('666.06');

    // The taxpayer signs out in another tab of the same browser.
    const signOutTab = await context.newPage();
    try {
      await signOutTab.goto(`${portal}/`);
      expect(await signOutTab.textContent('.who')).toBe('四川蜀道路桥建设有限公司');
      const answer = signOutTab.waitForResponse(`${portal}/logout`);
      await signOutTab.click('.logout button');
      await signOutTab.waitForURL(`${portal}/login`);
      expect((await (await answer).allHeaders())['clear-site-data']).toBe('"cache", "storage"');

      // The form's tab left its page without being touched, and its storage was cleared by the
      // sign-out's answer (Clear-Site-Data), not by a script of that tab.
      await page.waitForURL(`${portal}/login`);
      await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);
      expect(await page.locator('.who').count()).toBe(0);
      expect(await page.content()).not.toContain(DRAFTED_PROJECT);
      await browser.shot('session-other-tab-signed-out');

      // Its history before the form asks the server again, which sends to the login page.
      await page.goBack();
      expect(page.url()).toMatch(new RegExp(`^${portal}/login`));
      expect(await page.locator('.who').count()).toBe(0);
      expect(await page.content()).not.toContain('四川蜀道路桥建设有限公司');
      await page.reload();
      expect(page.url()).toMatch(new RegExp(`^${portal}/login`));
      expect(await page.content()).not.toContain('四川蜀道路桥建设有限公司');
    } finally {
      await signOutTab.close();
    }
  }, 90_000);
});

describe('退出 refused with the taxpayer’s other tabs open', () => {
  it('leaves the other tabs where they were when the sign-out is refused (a stale page’s CSRF token answered 403), and signs them out once a sign-out succeeds', async () => {
    const { page, context } = browser;
    await context.clearCookies();
    // The sign-out tab holds a page of an earlier session: its form carries that session's token.
    const signOutTab = await context.newPage();
    try {
      await signOutTab.goto(`${portal}/login`);
      await signOutTab.fill('#login', 'shudao');
      await signOutTab.fill('#password', 'shudao-2026');
      await signOutTab.click('button[type=submit]');
      await signOutTab.waitForURL(`${portal}/`);
      // Logging in again in the other tab ends that session and opens another.
      await page.goto(`${portal}/login`);
      await logInAs('shudao', 'shudao-2026');
      await page.waitForURL(`${portal}/`);

      // What the other tab hears on the sign-out channel, in order with the test's own steps.
      const steps: string[] = [];
      await page.exposeBinding('heardSignOut', (_source, message: string) => {
        steps.push(`heard ${message}`);
      });
      await page.addInitScript({
        content: `new BroadcastChannel('portal-sign-out').addEventListener('message', (event) =>
          window.heardSignOut(String(event.data)));`,
      });
      await page.reload();
      expect(await page.textContent('.who')).toBe('四川蜀道路桥建设有限公司');

      const refused = signOutTab.waitForResponse(`${portal}/logout`);
      await signOutTab.click('.logout button');
      expect((await refused).status()).toBe(403);
      await signOutTab.locator('body', { hasText: '页面已过期' }).waitFor();
      steps.push('refused');
      expect(page.url()).toBe(`${portal}/`);
      expect(await page.textContent('.who')).toBe('四川蜀道路桥建设有限公司');

      // A sign-out from a fresh page ends the session, and only then is the other tab told.
      await signOutTab.goto(`${portal}/`);
      await signOutTab.click('.logout button');
      await signOutTab.waitForURL(`${portal}/login`);
      await page.waitForURL(`${portal}/login`);
      expect(steps).toEqual(['refused', 'heard signed-out']);
    } finally {
      await signOutTab.close();
    }
  }, 90_000);
});
