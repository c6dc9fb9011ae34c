// A case page whose live feed the portal refuses (README.md#the-taxpayer-portal, each login's fair
// share, portal/server/session-fairness.ts): the login holds its one live stream already
// (PORTAL_SESSION_STREAMS=1 here) in another tab. The second tab's page says in Chinese that this
// login has too many live pages open — not that the platform is busy — shows the case all the same,
// and follows it live by itself once the first tab is closed. A case page whose login ended (the
// session cookie gone, as an expired session answers the same 401) while its feed was dropped says
// on reconnecting that the login ended, stops retrying and offers the login, which comes back to
// the case. Screenshots: feed-refused-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { PHONE, type TestBrowser } from './support/browser.ts';
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
  ({ browser, sys, portal } = await startPortalSystem('browser-feed-refused', {
    device: { viewport: PHONE },
    portalEnv: { PORTAL_SESSION_STREAMS: '1' },
  }));
  await logIn(browser.page, portal);
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

describe('a case page whose live feed is refused (the login’s fair share)', () => {
  it('says so in Chinese, shows the case all the same, and follows it live by itself once the other page is closed', async () => {
    const { page, context } = browser;
    // The pages' clock is Playwright's: it runs at the real pace until told, and the wait for the
    // refusal's Retry-After (10 s) is jumped over below rather than sat through.
    await context.clock.install();
    // A first tab pays and follows its case: it holds the login's one stream.
    const first = await context.newPage();
    await first.goto(`${portal}/pay`);
    await fillPayment(first, PAYS, LINES);
    const caseId = await submitAndFollow(first);
    await closedOnPage(first);
    await first.locator('#live:not(.offline)').waitFor();

    // The same case in a second tab, whose stream is refused.
    await page.goto(`${portal}/cases/${caseId}`);
    await page.locator('#live[data-refused="PORTAL_SESSION_BUSY"]').waitFor();
    const refusal = await page.locator('#live').innerText();
    expect(refusal).toMatch(
      /^○ 您本账号打开的办件实时页面过多，请关闭部分页面后再试，\d+ 秒后自动重试$/,
    );
    const retryAfterSeconds = Number(/(\d+) 秒后自动重试/.exec(refusal)![1]);
    // The case, read once without the feed: its status, its history, its rating.
    await page.locator('#status-badge[data-status="CLOSED"]').waitFor();
    expect(await page.locator('#history-part').isVisible()).toBe(true);
    expect(await page.locator('#history li').count()).toBeGreaterThan(0);
    expect(await page.locator('#rating').isVisible()).toBe(true);
    // Nothing says the case cannot be read: it can, only not live.
    expect(await page.locator('#case-problem').isHidden()).toBe(true);
    await browser.shot('feed-refused-390');

    // The first tab closed: the second follows live by itself, within its Retry-After — the page's
    // clock moved on by exactly that (its timers due by then fire). Should the portal see the
    // first tab's stream close only after the retry, the page is refused again and retries after
    // another Retry-After on the clock running at its real pace: hence the wait's 30 s.
    await first.close();
    await page.clock.fastForward(retryAfterSeconds * 1000);
    await page.locator('#live:not(.offline)').waitFor({ timeout: 30_000 });
    expect(await page.locator('#live').innerText()).toBe('● 实时');
    expect(await page.locator('#live').getAttribute('data-refused')).toBeNull();
    await browser.shot('feed-refused-resumed-390');
  }, 120_000);
});

describe('a case page whose login ended while it was open', () => {
  it('says the login ended, stops following, and offers the login that comes back to the case', async () => {
    const { page, context } = browser;
    const caseId = /\/cases\/([^/?]+)/.exec(page.url())![1]!;
    const stream = `${portal}/api/cases/${caseId}/stream`;
    // The session ends (its cookie cleared) and the page's feed drops: the connection, opened,
    // ends at once, and the browser opens it again by itself — to the portal, now answering 401.
    let dropped = false;
    let reconnects = 0;
    await page.route(stream, async (route) => {
      if (dropped) {
        reconnects += 1;
        return route.continue();
      }
      dropped = true;
      await context.clearCookies();
      await route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'text/event-stream' },
        body: 'retry: 200\n\n',
      });
    });
    await page.reload();
    await page.locator('#live', { hasText: '登录已超时' }).waitFor();
    expect(await page.locator('#live').innerText()).toBe('○ 登录已超时');
    expect(await page.locator('#live').getAttribute('class')).toContain('offline');
    const problem = page.locator('#case-problem');
    expect(await problem.isVisible()).toBe(true);
    expect(await problem.innerText()).toContain(
      '登录已超时，办件进度已停止更新，您的办件不受影响。请重新登录后继续查看。',
    );
    expect(await page.locator('#log-in-again').innerText()).toBe('重新登录');
    expect(await page.locator('#status-badge').innerText()).toBe('暂时无法读取');
    await browser.shot('feed-logged-out-390');
    // Two requests reached the portal since the drop — the feed's reconnection and the one fetch
    // that asked why — and the page scheduled no other: every try would be answered 401.
    expect(reconnects).toBe(2);
    await page.unrouteAll();

    // 重新登录 leads to the login, which comes back to this case, followed live again.
    await page.click('#log-in-again');
    await page.waitForURL(`${portal}/login?next=${encodeURIComponent(`/cases/${caseId}`)}`);
    await page.fill('#login', 'shudao');
    await page.fill('#password', 'shudao-2026');
    await page.click('button[type=submit]');
    await page.waitForURL(`${portal}/cases/${caseId}`);
    await page.locator('#status-badge[data-status="CLOSED"]').waitFor();
    await page.locator('#live:not(.offline)').waitFor();
    expect(await page.locator('#case-problem').isHidden()).toBe(true);
  }, 120_000);
});
