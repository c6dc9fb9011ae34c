// Long text on the taxpayer portal (README.md#the-taxpayer-portal): an enterprise's name in the home
// page's greeting wraps as a whole — at 390 px 您好，四川蜀道路桥建设有限公 / 司 broke it mid-word
// — and a field longer than its schema's maxLength is neither cut by the browser (a pasted 项目名称
// of 120 characters became its first 100, without a word) nor sent as if it were fine: the field
// says its limit once reached, by how much it is over, and the gateway's refusal is shown beside it.
// Screenshots: long-text-home-390.png, long-text-home-1280.png, long-text-project-390.png,
// long-text-project-1280.png, long-text-project-refused-390.png (the field alone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { join } from 'node:path';
import {
  DESKTOP,
  PHONE,
  SCREENSHOTS,
  SCREENSHOTS_WANTED,
  type TestBrowser,
} from './support/browser.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import { confirmPayment, field, fillPayment, LINES, logIn, PAYS } from './support/taxpayer-path.ts';
import { pasteText } from './support/paste-text.ts';

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-long-text', {
    device: { viewport: PHONE },
  }));
  await logIn(browser.page, portal);
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

/**
 * The tops of the lines the home page's heading sets `name` on, and whether `name` alone fits the
 * heading's width on one line — measured on the text itself (a Range over its characters), so the
 * check holds whatever elements carry it.
 */
async function nameLines(name: string): Promise<{ tops: number[]; fitsAlone: boolean }> {
  // A script string: the project has no DOM types (page-measures.ts does the same).
  return browser.page.evaluate(`((name) => {
    const h1 = document.querySelector('h1');
    const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    const start = nodes.map((n) => n.data).join('').indexOf(name);
    const end = start + name.length;
    const range = document.createRange();
    let offset = 0;
    for (const node of nodes) {
      const next = offset + node.data.length;
      if (start >= offset && start < next) range.setStart(node, start - offset);
      if (end > offset && end <= next) range.setEnd(node, end - offset);
      offset = next;
    }
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    const probe = document.createElement('span');
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
    probe.textContent = name;
    h1.append(probe);
    const fitsAlone = probe.getBoundingClientRect().width <= h1.clientWidth;
    probe.remove();
    return { tops: [...tops], fitsAlone };
  })(${JSON.stringify(name)})`);
}

describe('an enterprise name in the home page greeting', () => {
  it('stays on one line at 390 px when it fits on a line by itself (四川蜀道路桥建设有限公司)', async () => {
    const { page } = browser;
    await page.goto(`${portal}/`);
    const lines = await nameLines('四川蜀道路桥建设有限公司');
    expect(lines.fitsAlone).toBe(true);
    expect(lines.tops).toHaveLength(1);
    await browser.shot('long-text-home-390');
    await page.setViewportSize(DESKTOP);
    expect((await nameLines('四川蜀道路桥建设有限公司')).tops).toHaveLength(1);
    await browser.shot('long-text-home-1280');
    await page.setViewportSize(PHONE);
  });
});

describe('a 项目名称 longer than its limit (100 characters)', () => {
  const NAME = '师宗县城乡道路改造工程'.repeat(11); // 121 characters

  it('keeps every character pasted, says by how much it is over, and shows the refusal beside the field when sent', async () => {
    const { page } = browser;
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, LINES);
    const project = page.locator(field('/payload/project/name'));
    await pasteText(page, field('/payload/project/name'), NAME);
    expect(await project.inputValue()).toBe(NAME);
    const limit = page.locator('[data-limit-for="/payload/project/name"]');
    expect(await limit.innerText()).toBe('最多 100 个字符，已输入 121 个，请删减 21 个');
    await browser.shot('long-text-project-390');
    await page.setViewportSize(DESKTOP);
    await browser.shot('long-text-project-1280');
    await page.setViewportSize(PHONE);

    await confirmPayment(page);
    const refused = page.locator('[data-error-for="/payload/project/name"]:not([hidden])');
    await refused.waitFor();
    expect(await refused.innerText()).toBe('项目名称最多 100 个字符，请删减后再提交');
    expect(page.url()).toBe(`${portal}/pay`);
    if (SCREENSHOTS_WANTED)
      await page
        .locator('[data-field="/payload/project/name"]')
        .screenshot({ path: join(SCREENSHOTS, 'long-text-project-refused-390.png') });
  }, 90_000);

  it('says the limit is reached at exactly 100 characters, and nothing below it nor under a code complete at its length', async () => {
    const { page } = browser;
    await page.goto(`${portal}/pay`);
    const project = page.locator(field('/payload/project/name'));
    await project.waitFor();
    const limit = page.locator('[data-limit-for="/payload/project/name"]');
    await project.fill(NAME.slice(0, 99));
    // The form's defaults include a 6-digit region and 11-digit tax authorities: no note under them.
    expect(await page.locator('.field-limit:not([hidden])').count()).toBe(0);
    expect(await limit.isHidden()).toBe(true);
    await project.fill(NAME.slice(0, 100));
    expect(await limit.innerText()).toBe('已达 100 个字符上限');
  });
});
