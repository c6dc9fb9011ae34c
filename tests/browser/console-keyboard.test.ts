// The operator console by keyboard, in a real Chromium (gateway/console/README.md#keyboard): the
// cursor starts in the sign-in form's field to type, a skip link is every page's first Tab stop and
// moves focus past the header to the content, a focused link on the red navigation bar shows a ring
// of at least 3:1 contrast (WCAG 2.2, focus appearance), and an operator whose session expired is
// told so on the sign-in page even when another tab met the expiry first — but a browser never
// signed in is not. Real gateway on the test run's Redis, an injected clock for the idle timeout.
// Screenshots under tests/browser/screenshots/console-keys-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { testClock } from '../support/test-clock.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { focusArrives } from './support/page-measures.ts';

const clock = testClock(new Date().toISOString());
let browser: TestBrowser;
let gw: ApiGateway;

beforeAll(async () => {
  browser = await launchBrowser();
  gw = await startApiGateway(
    { GW_CONSOLE_IDLE_MINUTES: '1', GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' },
    { now: clock.now },
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

async function signIn(page: Page, operator: string, password = DEV_PASSWORDS[operator]!) {
  await page.goto(`${gw.url}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

const focusedId = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''");

/** Whether the focused element matches a CSS selector. */
const focusMatches = (page: Page, selector: string) =>
  page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`);

/** Presses Tab until `selector` has focus (keyboard focus, so :focus-visible applies). */
async function tabTo(page: Page, selector: string): Promise<number> {
  for (let presses = 1; presses <= 30; presses++) {
    await page.keyboard.press('Tab');
    if (await focusMatches(page, selector)) return presses;
  }
  throw new Error(`${selector} never got focus by Tab`);
}

/** WCAG relative luminance contrast of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

interface Ring {
  style: string;
  width: number;
  colour: string;
  /** The colour the ring is drawn on: the link's own background, or the bar's if transparent. */
  behind: string;
}

async function ringOf(page: Page, selector: string): Promise<Ring> {
  return page.evaluate<Ring>(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const css = getComputedStyle(el);
    const own = css.backgroundColor;
    const bar = getComputedStyle(el.closest('.site-header')).backgroundColor;
    return {
      style: css.outlineStyle,
      width: parseFloat(css.outlineWidth),
      colour: css.outlineColor,
      behind: own === 'rgba(0, 0, 0, 0)' ? bar : own,
    };
  })()`);
}

describe('signing in by keyboard', () => {
  it('puts the cursor in the operator id field when the sign-in page opens', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${gw.url}/console/sign-in`);
    expect(await focusArrives(page, 'operator')).toBe(true);
    await page.keyboard.type('operator-dev');
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEV_PASSWORDS['operator-dev']!);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${gw.url}/console/`);
    await page.click('#sign-out');
    await page.waitForURL(`${gw.url}/console/sign-in`);
  });

  it('after a wrong password puts the cursor in the password field, described by the message', async () => {
    const { page } = browser;
    await signIn(page, 'operator-dev', 'wrong-password-1');
    await page.locator('#sign-in-message').waitFor();
    expect(await focusArrives(page, 'password')).toBe(true);
    expect(await page.locator('#operator').inputValue()).toBe('operator-dev');
    expect(await page.locator('#password').getAttribute('aria-describedby')).toBe(
      'sign-in-message',
    );
    await browser.shot('console-keys-01-sign-in-failed');
  });
});

describe('a signed-in operator by keyboard', () => {
  beforeAll(async () => {
    await browser.page.setViewportSize(DESKTOP);
    await signIn(browser.page, 'operator-dev');
    await browser.page.waitForURL(`${gw.url}/console/`);
  });

  for (const [path, viewport] of [
    ['/console/', DESKTOP],
    ['/console/cases', DESKTOP],
    ['/console/dead-letters', DESKTOP],
    ['/console/board', PHONE],
    ['/console/catalogue', PHONE],
  ] as const) {
    it(`on ${path} at ${viewport.width} px: the first Tab stop is a visible skip link that moves focus to the main content`, async () => {
      const { page } = browser;
      await page.setViewportSize(viewport);
      await page.goto(`${gw.url}${path}`);
      await page.keyboard.press('Tab');
      const skip = page.locator('a.skip-link');
      expect(await focusMatches(page, 'a.skip-link')).toBe(true);
      expect(await skip.innerText()).toContain('跳到正文');
      const box = (await skip.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.height).toBeGreaterThan(10);
      const name = path.replace(/\W+/g, '-').replace(/-$/, '') || 'home';
      // The skip link is at the top: the screen shows it (a full page of the catalogue at 390 px
      // is 52 000 px tall and took 15 s to shoot on a loaded machine).
      await browser.shot(`console-keys-02-skip${name}-${viewport.width}`, 'device', 'viewport');
      await page.keyboard.press('Enter');
      expect(await focusedId(page)).toBe('main');
      // The next Tab stop is inside the content, not the header's sign-out or navigation.
      await page.keyboard.press('Tab');
      expect(await focusMatches(page, 'main *')).toBe(true);
    });
  }

  for (const viewport of [DESKTOP, PHONE]) {
    it(`at ${viewport.width} px rings a focused nav link in a solid outline of 3:1 against the bar, and the active tab against its own colour`, async () => {
      const { page } = browser;
      await page.setViewportSize(viewport);
      await page.goto(`${gw.url}/console/cases`);
      const home = '.site-nav a[data-nav="home"]';
      const cases = '.site-nav a[data-nav="cases"]';
      expect((await ringOf(page, home)).style).toBe('none');
      await tabTo(page, home);
      const ring = await ringOf(page, home);
      expect(ring.style).toBe('solid');
      expect(ring.width).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.colour, ring.behind)).toBeGreaterThanOrEqual(3);
      await browser.shot(`console-keys-03-nav-focus-${viewport.width}`);
      await tabTo(page, cases);
      const active = await ringOf(page, cases);
      expect(active.style).toBe('solid');
      expect(contrast(active.colour, active.behind)).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('an expired session', () => {
  it('is said expired on the sign-in page even after another tab met the expiry first, never after a sign-out or to a browser never signed in', async () => {
    const { page, context } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${gw.url}/console/board`);
    expect(page.url()).toBe(`${gw.url}/console/board`);
    clock.advance(61_000);
    const other = await context.newPage();
    try {
      await other.goto(`${gw.url}/console/cases`);
      await other.waitForURL(/\/console\/sign-in\?next=%2Fconsole%2Fcases&expired=1$/);
    } finally {
      await other.close();
    }
    await page.reload();
    await page.waitForURL(/\/console\/sign-in\?next=%2Fconsole%2Fboard&expired=1$/);
    expect(await page.locator('#sign-in-message').innerText()).toContain('会话已超时');
    expect(await focusArrives(page, 'operator')).toBe(true);
    await browser.shot('console-keys-04-expired-second-request');
    // Signing in again goes back to the page and starts a fresh session.
    await page.fill('#operator', 'operator-dev');
    await page.fill('#password', DEV_PASSWORDS['operator-dev']!);
    await page.click('#sign-in');
    await page.waitForURL(`${gw.url}/console/board`);
    // Never to a browser that signed out, nor to one never signed in.
    await page.click('#sign-out');
    await page.waitForURL(`${gw.url}/console/sign-in`);
    await page.goto(`${gw.url}/console/board`);
    await page.waitForURL(`${gw.url}/console/sign-in?next=%2Fconsole%2Fboard`);
    expect(await page.locator('#sign-in-message').count()).toBe(0);
    await context.clearCookies();
    await page.goto(`${gw.url}/console/cases`);
    await page.waitForURL(`${gw.url}/console/sign-in?next=%2Fconsole%2Fcases`);
    expect(await page.locator('#sign-in-message').count()).toBe(0);
  });
});
