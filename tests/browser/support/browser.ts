// A real browser for the portal tests (README.md#browser-tests): Debian's Chromium driven by
// playwright-core, headless, with a fresh profile in a temporary directory, one per test file. A
// machine without Chromium fails the run with what to install — these tests are never skipped.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { projectPath } from '../../../gateway/shared/project-root.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** A tablet held upright (and a narrow desktop window). */
export const TABLET = { width: 768, height: 1024 };

/**
 * A phone as the browser sees one (an iPhone-sized screen, 3 device pixels per CSS pixel, a touch
 * screen, the mobile viewport rules: the page's `<meta name="viewport">` is obeyed, and a page
 * without one is laid out 980 px wide and zoomed out). The viewport can be narrowed afterwards
 * (320 px, the narrowest phones still sold in the region) with setViewportSize.
 */
export const PHONE_DEVICE: BrowserContextOptions = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

export const SCREENSHOTS = projectPath('tests', 'browser', 'screenshots');
/**
 * Whether shot() (and any other screenshot of a test) is taken: only when SWGW_SCREENSHOTS=1 (README.md#browser-tests). A
 * shot asserts nothing and a plain run keeps none anyone reads (the folder is git-ignored, CI's
 * clone is thrown away), yet the 32 shots of console-catalogue and console-publish-two-gateways
 * took 48 s of their 199 s of tests on a loaded machine: a full page of the 148-item catalogue at
 * 3 device pixels a CSS pixel took 12 s alone.
 */
export const SCREENSHOTS_WANTED = process.env.SWGW_SCREENSHOTS === '1';
/** Under the test's own 60 s (vitest.config.ts), so a shot that hangs is named as the cause. */
const SHOT_TIMEOUT_MS = 50_000;

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * A full-page screenshot under tests/browser/screenshots/<name>.png (git-ignored), when
   * SWGW_SCREENSHOTS=1 (else nothing); `css`: one
   * image pixel per CSS pixel on a phone of 3 device pixels (a third of the width, far faster);
   * `viewport`: only what the screen shows (the console's catalogue at 390 px is 52 000 px tall).
   */
  shot(name: string, scale?: 'css' | 'device', area?: 'page' | 'viewport'): Promise<void>;
  close(): Promise<void>;
}

export function missingBrowserMessage(path: string): string {
  return (
    `The browser tests need Chromium, and there is none at ${path}. Install it with ` +
    '`sudo apt-get install -y chromium fonts-wqy-microhei` (Debian/Ubuntu; the fonts render ' +
    'Chinese), or point CHROMIUM_PATH at a Chromium or Chrome binary. .ci/run installs both.'
  );
}

/** `device` replaces the desktop viewport (PHONE_DEVICE: a phone with touch). */
export async function launchBrowser(
  executablePath = CHROMIUM,
  device: BrowserContextOptions = { viewport: DESKTOP },
): Promise<TestBrowser> {
  if (!existsSync(executablePath)) throw new Error(missingBrowserMessage(executablePath));
  const profile = mkdtempSync(join(tmpdir(), 'swgw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: ARGS,
    ...device,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    shot: async (name, scale = 'device', area = 'page') => {
      if (!SCREENSHOTS_WANTED) return;
      // A bound on a hang, not the context's 15 s: a full-page shot of the console's catalogue (148
      // items) at 390 px took 14 s on a loaded 2-core machine, and once failed the test at 15.
      await page.screenshot({
        path: join(SCREENSHOTS, `${name}.png`),
        fullPage: area === 'page',
        scale,
        timeout: SHOT_TIMEOUT_MS,
      });
      // A full-page shot resizes the viewport and back; settle the layout now, or the page may
      // still be reflowing under the next click (seen at phone width: a lost click).
      await page.evaluate('document.body.getBoundingClientRect().height');
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
