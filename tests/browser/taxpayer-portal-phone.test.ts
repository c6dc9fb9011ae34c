// The taxpayer portal on a phone (README.md#browser-tests), where most taxpayers and small
// companies' accountants in the region use it: Chromium as a 375 px touch phone (3 device pixels
// per CSS pixel, the page's viewport meta obeyed) walks the whole path by tapping — a refused
// login, the payment form and its one refused field, the case followed to CLOSED and rated, the
// receipt, the home page — and checks each page at 375 px and at 320 px. Screenshots of each page
// at both widths: tests/browser/screenshots/phone-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { accessibleOf } from './support/accessibility.ts';
import { PHONE_DEVICE, type TestBrowser } from './support/browser.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import { controlSizes, focusedId, linesOf, pageWidth, textUnder } from './support/page-measures.ts';
import { confirmPayment, field, type Step, walkPath } from './support/taxpayer-path.ts';

const WIDTHS = [375, 320] as const;
/** 四川蜀道路桥建设有限公司's 统一社会信用代码 (18 characters), shown on the receipt. */
const CREDIT_CODE = '91510104MA6CXY120G';

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-phone', { device: PHONE_DEVICE }));
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

/** The path walked by touch; `at` runs on each page. */
const walk = (at: (step: Step) => Promise<void>, until?: Step) =>
  walkPath({ page: browser.page, portal, press: (s) => browser.page.tap(s), at, until });

const atWidth = (width: number) => browser.page.setViewportSize({ width, height: 812 });

/** The identifiers a page shows that a taxpayer copies or reads out: case id, voucher number. */
async function identifiersOn(step: Step): Promise<string[]> {
  const body = await browser.page.locator('main').innerText();
  const caseIds = body.match(/\b[0-9A-HJKMNP-TV-Z]{26}\b/g) ?? [];
  const vouchers = body.match(/\b3530323\d{13}\b/g) ?? [];
  return [...new Set([...caseIds, ...vouchers, ...(step === 'receipt' ? [CREDIT_CODE] : [])])];
}

/** What one walk of the whole path found on its pages, for the three tests that only look at them. */
interface PathFindings {
  /** Pages wider than the screen, at 375 and 320 px. */
  wider: string[];
  /** Identifiers broken over more than one line, at 375 and 320 px. */
  broken: string[];
  /** The identifiers looked at. */
  checked: string[];
  /** Controls counted, and those unnamed or too small (at 375 px). */
  controls: number;
  unnamed: string[];
  small: string[];
  /** Text under 14 px (at 375 px). */
  tiny: string[];
}

let findings: Promise<PathFindings> | undefined;

/**
 * The path walked once for the tests that only measure its pages (nothing they do changes a
 * page): each walked it on its own before, a payment followed to CLOSED each, for the same pages.
 * Each page is measured at 375 px first, then at both widths, and left at 375 px.
 */
function pathFindings(): Promise<PathFindings> {
  findings ??= (async () => {
    const found: PathFindings = {
      wider: [],
      broken: [],
      checked: [],
      controls: 0,
      unnamed: [],
      small: [],
      tiny: [],
    };
    await walk(async (step) => {
      const sizes = await controlSizes(browser.page);
      found.controls += sizes.length;
      for (const s of sizes)
        if (s.height < 44 || s.font < 16)
          found.small.push(
            `${step}: ${s.element} ${s.height.toFixed(1)} px tall, font ${s.font} px`,
          );
      const named = await accessibleOf(
        browser.page,
        'input:not([type=hidden]), select, textarea, button, a',
      );
      for (const a of named) if (!a.name) found.unnamed.push(`${step}: ${a.element} (${a.role})`);
      found.tiny.push(...(await textUnder(browser.page, 14)).map((f) => `${step}: ${f}`));

      for (const width of WIDTHS) {
        await atWidth(width);
        const { scroll, client } = await pageWidth(browser.page);
        if (scroll > client) found.wider.push(`${step} at ${width} px: ${scroll} px wide`);
        const ids = await identifiersOn(step);
        for (const [i, lines] of (await linesOf(browser.page, ids)).entries()) {
          found.checked.push(ids[i]!);
          if (lines !== 1) found.broken.push(`${step} at ${width} px: ${ids[i]} on ${lines} lines`);
        }
        await browser.shot(`phone-${step}-${width}`, 'css');
      }
      await atWidth(WIDTHS[0]);
    });
    return found;
  })();
  return findings;
}

describe('the taxpayer portal on a touch phone', () => {
  it('keeps every page of the path within a 375 px and a 320 px screen (nothing scrolls sideways), each case id, voucher number and credit code on one line', async () => {
    const { wider, broken, checked } = await pathFindings();
    expect(wider).toEqual([]);
    expect(broken).toEqual([]);
    // The identifiers were there to check: the case id, the voucher number, the credit code.
    expect(checked).toContain(CREDIT_CODE);
    expect(checked.some((id) => id.startsWith('3530323'))).toBe(true);
    expect(checked.some((id) => id.length === 26)).toBe(true);
  }, 90_000);

  it('gives every control on the path a name a screen reader reads, a tap target at least 44 px tall (a level of 好差评: its box) and a 16 px font, so the phone does not zoom in on focus', async () => {
    const { controls, unnamed, small } = await pathFindings();
    expect(controls).toBeGreaterThan(40);
    expect(unnamed).toEqual([]);
    expect(small).toEqual([]);
  }, 90_000);

  it('shows no text smaller than 14 px on any page of the path', async () => {
    const { tiny } = await pathFindings();
    expect(tiny).toEqual([]);
  }, 90_000);

  it('ties a refused login and a refused field to their fields: marked invalid, the Chinese message read as their description, the field focused', async () => {
    await walk(async (step) => {
      if (step === 'login-refused') {
        const fields = await accessibleOf(browser.page, '#login, #password');
        expect(fields).toEqual([
          expect.objectContaining({ name: '账号', invalid: true, description: '账号或密码错误' }),
          expect.objectContaining({ name: '密码', invalid: true, description: '账号或密码错误' }),
        ]);
      }
      if (step === 'pay-refused') {
        const pointer = '/payload/lines/0/taxAuthorityCode';
        const message = '税款所属税务机关代码应与三方协议税务机关代码(15303230000)一致';
        expect(await focusedId(browser.page)).toBe('f-payload-lines-0-taxAuthorityCode');
        const refused = await accessibleOf(browser.page, '[aria-invalid="true"], .invalid input');
        expect(refused).toEqual([
          expect.objectContaining({
            element: `input ${pointer}`,
            invalid: true,
            description: message,
          }),
        ]);
        // Sent again and refused again, the field is described once, by the new message only.
        await browser.page.fill(field('/payload/agreementNo'), '5303230001234567');
        await confirmPayment(browser.page, (selector) => browser.page.tap(selector));
        await browser.page.locator('#review-payment:not([disabled])').waitFor();
        expect(await accessibleOf(browser.page, field(pointer))).toEqual([
          expect.objectContaining({ invalid: true, description: message }),
        ]);
      }
    }, 'pay-refused');
  }, 90_000);
});
