// A case its province has not taken, on the taxpayer's case page (README.md#the-taxpayer-portal):
// with 云南's platform down the gateway keeps the case ROUTED and retries by itself, and the case
// read says nothing of the attempts — so once a case has waited longer than the portal's notice
// time (PORTAL_DELIVERY_NOTICE_SECONDS, 1 s here) its page says that 云南 has not taken it, that it
// is kept and retried, and whom to ask; it goes when 云南 takes the case. A delivery 云南 refused
// (DELIVERY_FAILED) says the tax is not paid. A case delivered at once shows neither.
// Screenshots: delivery-waiting-390.png, delivery-waiting-1280.png, delivery-failed-390.png.
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
  ({ browser, sys, portal } = await startPortalSystem('browser-delivery-wait', {
    device: { viewport: PHONE },
    // Retries that outlast the test while 云南 is down, and a breaker that probes soon after.
    env: {
      GW_DELIVERY_ATTEMPTS: '12',
      GW_DELIVERY_BACKOFF_MS: '300',
      GW_BREAKER_COOL_DOWN_MS: '500',
    },
    portalEnv: { PORTAL_DELIVERY_NOTICE_SECONDS: '1' },
  }));
  await logIn(browser.page, portal);
}, 90_000);

afterAll(async () => {
  await sys?.sandboxes.get('yn')?.setFaults({ down: false, refuseNext: 0 });
  await stopPortalSystem({ browser, sys });
});

const yn = () => sys.sandboxes.get('yn')!;

async function pay(): Promise<string> {
  const { page } = browser;
  await page.goto(`${portal}/pay`);
  await fillPayment(page, PAYS, LINES);
  return submitAndFollow(page);
}

describe('a case 云南 has not taken', () => {
  it('shows no delivery notice on a case 云南 takes at once, from its first view to CLOSED', async () => {
    const { page } = browser;
    // Watches the page from its first render: a notice shown for a moment counts.
    // A script string: the project has no DOM types (page-measures.ts does the same).
    await page.addInitScript(`
      new MutationObserver(() => {
        if (document.querySelector('#delivery-waiting, #delivery-failed'))
          document.documentElement.setAttribute('data-saw-delivery-notice', 'true');
      }).observe(document, { subtree: true, childList: true });
    `);
    await pay();
    await closedOnPage(page);
    expect(await page.getAttribute('html', 'data-saw-delivery-notice')).toBeNull();
  }, 90_000);

  it('says 云南 has not taken it, that it is kept and retried and whom to ask, once routed longer than the notice time with 云南 down; and no longer once 云南 takes it', async () => {
    const { page } = browser;
    await yn().setFaults({ down: true });
    await pay();
    const notice = page.locator('#delivery-waiting');
    await notice.waitFor();
    expect(await page.getAttribute('#status-badge', 'data-status')).toBe('ROUTED');
    const text = await notice.innerText();
    expect(text).toContain('云南平台暂未接收本办件');
    expect(text).toContain('办件已保存，系统将自动重试分送，无需重复缴款');
    expect(text).toContain('12366');
    // In the polite live region: a screen reader hears it arrive.
    expect(await page.locator('#outcome #delivery-waiting').count()).toBe(1);
    // The first test's watch (an init script of the context) sees a notice when there is one.
    expect(await page.getAttribute('html', 'data-saw-delivery-notice')).toBe('true');
    await browser.shot('delivery-waiting-390');
    await page.setViewportSize(DESKTOP);
    await browser.shot('delivery-waiting-1280');
    await page.setViewportSize(PHONE);

    await yn().setFaults({ down: false });
    await page.locator('#status-badge:not([data-status="ROUTED"])').waitFor({ timeout: 60_000 });
    await notice.waitFor({ state: 'detached' });
  }, 120_000);

  it('says a delivery 云南 refused failed, that the tax is not paid, and whom to ask', async () => {
    const { page } = browser;
    await yn().setFaults({ refuseNext: 1 });
    await pay();
    const failed = page.locator('#delivery-failed');
    await failed.waitFor();
    expect(await page.getAttribute('#status-badge', 'data-status')).toBe('DELIVERY_FAILED');
    const text = await failed.innerText();
    expect(text).toContain('分送失败：云南平台未能接收本办件');
    expect(text).toContain('税款尚未缴纳');
    expect(text).toContain('平台工作人员将核实原因');
    expect(text).toContain('12366');
    // The failure's reason ("refused: yn RETCODE -102: 字段校验不通过") is the operators' (the
    // dead letter's), not the taxpayer's: the history says 分送失败 without it.
    const history = await page.locator('#history').innerText();
    expect(history).not.toMatch(/refused|RETCODE/);
    await browser.shot('delivery-failed-390');
  }, 90_000);
});
