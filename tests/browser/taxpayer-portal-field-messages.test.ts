// The payment form's refused fields in the taxpayer's words (README.md#the-taxpayer-portal): a
// missing field and a field of the wrong form are said beside the field, naming it and what it
// takes — never ajv's developer text with a property name or a regular expression — and a line's
// amount that is not one says how to fill it instead of asking for the computed 本次缴款金额, and an
// amount of 0.00 is said to be too small, not of the wrong form; an amount in whole yuan (38400) is
// taken, written 38400.00. A pattern the page has no words for is said in the gateway's Chinese
// words (messageZh's 应为…), never with the pattern it quotes after them.
// Screenshots: field-messages-refused.png, field-messages-zero.png (390 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eSystem } from '../e2e/support/system.ts';
import { PHONE, type TestBrowser } from './support/browser.ts';
import { startPortalSystem, stopPortalSystem } from './support/portal-system.ts';
import {
  confirmPayment,
  field,
  fillPayment,
  followToCase,
  LINES,
  logIn,
  PAYS,
} from './support/taxpayer-path.ts';

let browser: TestBrowser;
let sys: E2eSystem;
let portal = '';

beforeAll(async () => {
  ({ browser, sys, portal } = await startPortalSystem('browser-field-msgs', {
    device: { viewport: PHONE },
  }));
}, 90_000);

afterAll(() => stopPortalSystem({ browser, sys }));

const errorAt = (pointer: string) =>
  browser.page.locator(`[data-error-for="${pointer}"]:not([hidden])`).innerText();

describe('the payment form refused', () => {
  it('names the field and what it takes beside each field missing or of the wrong form, without a property name or a pattern', async () => {
    const { page } = browser;
    await logIn(page, portal);
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, [{ ...LINES[0]!, subitem: '1010', amount: '12.345' }]);
    await page.fill(field('/payload/crossRegionReportNo'), '');
    await page.fill(field('/payload/agreementNo'), '12ab');
    await confirmPayment(page);
    await page.locator('.field-error:not([hidden])').first().waitFor();

    expect(await errorAt('/payload/crossRegionReportNo')).toBe('请填写跨区域涉税事项报告编号');
    expect(await errorAt('/payload/agreementNo')).toBe(
      '三方协议号格式不正确，应为 6–32 位字母或数字',
    );
    expect(await errorAt('/payload/lines/0/collectionSubitemCode')).toBe(
      '征收品目代码格式不正确，应为 9 位数字',
    );
    expect(await errorAt('/payload/lines/0/amount')).toBe(
      '实缴金额(元)格式不正确，应为以元为单位、保留两位小数的金额，如 38400.00',
    );
    expect(await errorAt('/payload/totalAmount')).toBe(
      '请在每行填写实缴金额（元，保留两位小数），本次缴款金额将自动计算',
    );
    const shown = await page.locator('.field-error:not([hidden])').allInnerTexts();
    expect(shown.filter((text) => /[A-Za-z]{4,}|\^|\$|应当/.test(text))).toEqual([]);
    await browser.shot('field-messages-refused');
  }, 90_000);

  // A pattern the page has no words of its own for: 跨区域涉税事项报告编号 allows "-" besides letters
  // and digits. It said 格式不正确，请核对, for the gateway's messageZh was only the pattern.
  it("says what a pattern it has no words of its own for asks in the gateway's Chinese words, without the pattern", async () => {
    const { page } = browser;
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, [LINES[0]!]);
    await page.fill(field('/payload/crossRegionReportNo'), '51010426/000123');
    await confirmPayment(page);
    await page.locator('.field-error:not([hidden])').first().waitFor();

    expect(await errorAt('/payload/crossRegionReportNo')).toBe(
      '跨区域涉税事项报告编号格式不正确，应为 6 至 40 个字符，每个为数字 0–9、大写字母 A–Z、小写字母 a–z 或 "-"',
    );
  }, 90_000);

  it('says a line of 0.00 must be above zero, at its amount and at 本次缴款金额, instead of calling its form wrong', async () => {
    const { page } = browser;
    // The tab keeps the form the first test had refused (pay-draft.js): this one starts afresh.
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, [{ ...LINES[0]!, amount: '0.00' }]);
    await confirmPayment(page);
    await page.locator('.field-error:not([hidden])').first().waitFor();

    expect(await errorAt('/payload/lines/0/amount')).toBe('实缴金额(元)应大于 0');
    const total = await errorAt('/payload/totalAmount');
    expect(total).toMatch(/应大于 0$/);
    expect(total).not.toContain('格式不正确');
    await browser.shot('field-messages-zero');
  }, 90_000);

  it('takes an amount in whole yuan (38400): counted at once, written 38400.00 once left, sent and paid so', async () => {
    const { page } = browser;
    await logIn(page, portal);
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${portal}/pay`);
    await fillPayment(page, PAYS, [{ ...LINES[0]!, amount: '38400' }]);
    // Counted while the cursor is still in the field (it said 请在每行填写实缴金额).
    expect(await page.locator('#total-yuan').innerText()).toBe('¥38,400.00');
    await page.locator(field('/payload/lines/0/amount')).press('Tab');
    expect(await page.inputValue(field('/payload/lines/0/amount'))).toBe('38400.00');
    // Typed again and sent without leaving the field: what goes out has its two places too.
    await page.fill(field('/payload/lines/0/amount'), '38400');
    const sent = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/api/payments'),
    );
    await confirmPayment(page);
    const body = (await sent).postDataJSON() as {
      values: { lines: { amount: string }[]; totalAmount: string };
    };
    expect(body.values.lines[0]!.amount).toBe('38400.00');
    expect(body.values.totalAmount).toBe('38400.00');
    await followToCase(page);
    await browser.shot('field-messages-whole-yuan');
  }, 90_000);
});
