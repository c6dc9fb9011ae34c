// The taxpayer's path through the reference portal (README.md#browser-tests), shared by the portal's
// browser tests: the 四川 company's sandbox agreements, the SW-005 form filled line by line, a
// submission followed to its case page, and the case seen CLOSED there.
import type { Page } from 'playwright-core';

/** 三方协议号 the sandbox pays from, and the one it refuses for want of funds (余额不足). */
export const PAYS = '5303230001234567';
export const INSUFFICIENT = '5303230002000001';
/** shudao's bank account, in full (the gateway only ever shows it masked). */
export const ACCOUNT = '6222020200112233445';

export const field = (pointer: string) => `[data-pointer="${pointer}"]`;

export interface Line {
  item: string;
  subitem: string;
  amount: string;
  authority?: string;
}

export const LINES: Line[] = [
  { item: '10101', subitem: '101014001', amount: '38400.00' },
  { item: '10109', subitem: '101090101', amount: '1920.00' },
];

/** Fills the agreement and the payment lines of the form built from SW-005's schema. */
export async function fillPayment(page: Page, agreementNo: string, lines: Line[]): Promise<void> {
  await page.locator(field('/payload/lines/0/amount')).waitFor();
  await page.fill(field('/payload/agreementNo'), agreementNo);
  for (const [i, line] of lines.entries()) {
    if ((await page.locator(field(`/payload/lines/${i}/amount`)).count()) === 0)
      await page.click('.add-row');
    const at = (name: string) => field(`/payload/lines/${i}/${name}`);
    await page.selectOption(at('collectionItemCode'), line.item);
    await page.fill(at('collectionSubitemCode'), line.subitem);
    await page.fill(at('taxPeriod/start'), '2026-09-01');
    await page.fill(at('taxPeriod/end'), '2026-09-30');
    await page.fill(at('amount'), line.amount);
    if (line.authority) await page.fill(at('taxAuthorityCode'), line.authority);
  }
}

/** Waits for the case page a submission leads to; its case id. */
export async function followToCase(page: Page): Promise<string> {
  await page.waitForURL(/\/cases\/[0-9A-Z]{26}$/);
  return page.url().split('/').at(-1)!;
}

/**
 * 核对缴款信息 on the form, then 确认缴款 on the review (README.md#the-taxpayer-portal); on the review
 * already (a resend after an answer that may hide a stored payment), 确认缴款 again. `press`: how the
 * taxpayer presses (a click unless told).
 */
export async function confirmPayment(
  page: Page,
  press: (selector: string) => Promise<void> = (selector) => page.click(selector),
): Promise<void> {
  if (!(await page.locator('#submit-payment').isVisible())) {
    await press('#review-payment');
    await page.locator('#submit-payment').waitFor();
  }
  await press('#submit-payment');
}

export async function submitAndFollow(page: Page): Promise<string> {
  await confirmPayment(page);
  return followToCase(page);
}

export async function closedOnPage(page: Page): Promise<void> {
  await page.locator('#status-badge[data-status="CLOSED"]').waitFor({ timeout: 30_000 });
}

/** Signs in as shudao from the login page (the session cookie is the browser context's). */
export async function logIn(page: Page, portal: string): Promise<void> {
  await page.goto(`${portal}/login`);
  await page.fill('#login', 'shudao');
  await page.fill('#password', 'shudao-2026');
  await page.click('button[type=submit]');
  await page.waitForURL(`${portal}/`);
}

/** The pages of the path, in the order a taxpayer meets them. */
export const STEPS = [
  'login',
  'login-refused',
  'home',
  'pay',
  'pay-refused',
  'case',
  'case-rated',
  'receipt',
  'home-with-cases',
] as const;
export type Step = (typeof STEPS)[number];

export interface Walk {
  readonly page: Page;
  readonly portal: string;
  /** How the taxpayer presses a button or a link: a tap on a phone, a click at a desk. */
  readonly press: (selector: string) => Promise<void>;
  /** Called on each page once it is ready; the walk goes on when it returns. */
  readonly at: (step: Step) => Promise<void>;
  /** The last page to visit (default: all of them). */
  readonly until?: Step;
}

/**
 * Walks the whole path signed out to signed in: a refused login, the home page, the payment form,
 * the form refused for one wrong field (the line's 税务机关 not the agreement's), the payment
 * followed to CLOSED, rated 非常满意, its receipt, and the home page listing the case.
 */
export async function walkPath(walk: Walk): Promise<void> {
  const { page, portal, press, until } = walk;
  const stop = STEPS.indexOf(until ?? 'home-with-cases');
  /** Visits `step`; true when it is the last. */
  const at = async (step: Step) => {
    await walk.at(step);
    return STEPS.indexOf(step) >= stop;
  };
  await page.context().clearCookies();
  await page.goto(`${portal}/login`);
  if (await at('login')) return;
  await page.fill('#login', 'shudao');
  await page.fill('#password', 'not-the-password');
  await press('button[type=submit]');
  await page.locator('.alert:not([hidden])').waitFor();
  if (await at('login-refused')) return;
  await page.fill('#login', 'shudao');
  await page.fill('#password', 'shudao-2026');
  await press('button[type=submit]');
  await page.waitForURL(`${portal}/`);
  if (await at('home')) return;
  await press('#service-remote-tax');
  await fillPayment(page, PAYS, [{ ...LINES[0]!, authority: '15303000000' }]);
  if (await at('pay')) return;
  await confirmPayment(page, press);
  await page.locator('.field-error:not([hidden])').waitFor();
  if (await at('pay-refused')) return;
  await page.fill(field('/payload/lines/0/taxAuthorityCode'), '15303230000');
  await confirmPayment(page, press);
  await followToCase(page);
  await closedOnPage(page);
  await page.locator('#rating:not([hidden])').waitFor();
  if (await at('case')) return;
  await press('label[for="level-5"]');
  await press('#rating-form button[type=submit]');
  await page.locator('#rating-kept:not([hidden])').waitFor();
  if (await at('case-rated')) return;
  await press('#open-receipt');
  await page.locator('.voucher').waitFor();
  if (await at('receipt')) return;
  await page.goto(`${portal}/`);
  await at('home-with-cases');
}
