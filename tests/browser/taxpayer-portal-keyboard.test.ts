// The taxpayer portal with the keyboard alone, and on paper (README.md#browser-tests), at desktop
// width (1280 px): every stop of the Tab order on each page of the path shows where the focus is,
// the 好差评 rating is given without a mouse, and the receipt prints as the voucher alone, a table
// with headings on any paper, while a printed case page loses its buttons. Screenshots:
// tests/browser/screenshots/keyboard-*.png, print-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { accessibleOf } from './support/accessibility.ts';
import { DESKTOP, type TestBrowser } from './support/browser.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import { tabStops } from './support/keyboard.ts';
import { boxLook, focusedId, type FocusStop } from './support/page-measures.ts';
import { walkPath, type Step } from './support/taxpayer-path.ts';

/** The text width of A5 paper under print.css's 16 mm margins: 116 mm at 96 px to the inch. */
const A5_TEXT_WIDTH = 438;

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-keyboard'));
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

const walk = (at: (step: Step) => Promise<void>, until?: Step) =>
  walkPath({ page: browser.page, portal, press: (s) => browser.page.click(s), at, until });

const shows = (s: FocusStop) =>
  (s.outline !== 'none' && s.outlineWidth >= 2) || s.shadow !== 'none';

describe('the taxpayer portal with the keyboard alone', () => {
  it('shows an outline at least 2 px wide on every stop of the Tab order on each page of the path (on a level of 好差评: around its box)', async () => {
    const hidden: string[] = [];
    const counted: Partial<Record<Step, number>> = {};
    await walk(async (step) => {
      const stops = await tabStops(browser.page);
      counted[step] = stops.length;
      for (const s of stops)
        if (!shows(s))
          hidden.push(`${step}: ${s.element} (outline ${s.outline} ${s.outlineWidth} px)`);
    });
    expect(hidden).toEqual([]);
    // The walk went through the pages' controls, not around them.
    expect(counted).toMatchObject({ login: 4, home: 3 });
    expect(counted.pay).toBeGreaterThan(20);
    expect(counted.case).toBeGreaterThanOrEqual(6);
  }, 90_000);

  it('rates a closed case without a mouse: Tab reaches the levels, one group named 评价等级, the arrow keys choose 基本满意 and outline its box, Enter on 提交评价 sends it', async () => {
    const { page } = browser;
    await walk(async () => undefined, 'case');
    const caseId = page.url().split('/').at(-1)!;
    for (let press = 0; press < 20; press++) {
      await page.keyboard.press('Tab');
      if ((await focusedId(page))?.startsWith('level-')) break;
    }
    expect(await focusedId(page)).toBe('level-5');
    expect(await accessibleOf(page, '#levels')).toEqual([
      expect.objectContaining({ role: 'group', name: '评价等级' }),
    ]);

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focusedId(page)).toBe('level-3');
    expect(await page.locator('#level-3').isChecked()).toBe(true);
    const box = (level: string) => boxLook(page, `label[for="level-${level}"]`);
    const chosen = await box('3');
    const other = await box('5');
    expect(chosen.outline).not.toBe('none');
    expect(chosen.outlineWidth).toBeGreaterThanOrEqual(2);
    expect(chosen.background).not.toBe(other.background);
    await browser.shot('keyboard-rating-chosen');

    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('rating-comment');
    await page.keyboard.type('用键盘也能评价');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('提交评价');
    await page.keyboard.press('Enter');
    await page.locator('#rating-kept:not([hidden])').waitFor();
    expect(await page.locator('#rating-kept').innerText()).toMatch(/^已评价：基本满意/);
    const rated = await sys
      .client('operator-dev')
      .getCase<{ evaluations: { level: number; source: string }[] }>(caseId);
    expect(rated.body.evaluations).toEqual([
      expect.objectContaining({ level: 3, source: 'applicant' }),
    ]);
  }, 90_000);
});

describe('the taxpayer portal on paper', () => {
  it('prints the receipt on one A4 page as the voucher alone (no header, buttons or footer), its lines a table with headings on A5 paper too, and a case page without its buttons', async () => {
    const { page } = browser;
    await walk(async (step) => {
      if (step === 'case-rated') {
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('#outcome-paid').isVisible()).toBe(true);
        expect(await page.locator('#open-receipt').isVisible()).toBe(false);
        expect(await page.locator('.site-header').isVisible()).toBe(false);
        await browser.shot('print-case');
        await page.emulateMedia({ media: null });
      }
      if (step !== 'receipt') return;
      const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
      expect(pdf.match(/\/Type\s*\/Pages\b[^]*?\/Count (\d+)/)?.[1]).toBe('1');

      await page.emulateMedia({ media: 'print' });
      for (const chrome of ['.site-header', '.receipt-actions', '.site-footer'])
        expect(await page.locator(chrome).isVisible(), chrome).toBe(false);
      expect(await page.locator('.voucher-lines thead').isVisible()).toBe(true);
      await page.setViewportSize({ width: A5_TEXT_WIDTH, height: 620 });
      expect(await page.locator('.voucher-lines thead').isVisible()).toBe(true);
      expect(await page.locator('.voucher-lines th').allInnerTexts()).toEqual(
        expect.arrayContaining(['征收项目', '征收品目', '税款所属期', '实缴金额']),
      );
      await browser.shot('print-receipt-a5');
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ media: null });
    }, 'receipt');
  }, 90_000);
});
