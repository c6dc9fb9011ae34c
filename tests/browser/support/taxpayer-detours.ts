// The taxpayer's detours through the reference portal (README.md#browser-tests), beside the main
// path of taxpayer-path.ts: a payment the bank refuses (余额不足) and its pre-filled retry, paid and
// linked; a payment the 经营地 asks to correct (CORRECTION_REQUIRED: the agreement signed with the
// home bureau) and its corrected resubmission, linked by relatedCaseId. The sandbox's tax core
// decides by agreement number (README.md#paying-tax-remotely, test data).
import type { Page } from 'playwright-core';
import {
  closedOnPage,
  confirmPayment,
  field,
  fillPayment,
  followToCase,
  INSUFFICIENT,
  LINES,
  logIn,
  PAYS,
} from './taxpayer-path.ts';

/**
 * The account the failed payment is retried from, as its remedy suggests (改用其他已生效的三方协议账户):
 * 16 digits, where shudao's own has 19, so a mask that kept the length of another would show.
 */
export const OTHER_ACCOUNT = '6217003810012345';

/** 三方协议号 signed with the home bureau: the sandbox answers CORRECTION_REQUIRED. */
export const NEEDS_CORRECTION = '5303230002000004';

export const DETOURS = [
  'failed',
  'retry',
  'retried',
  'correction',
  'correction-retry',
  'corrected',
] as const;
export type Detour = (typeof DETOURS)[number];

export interface DetourWalk {
  readonly page: Page;
  readonly portal: string;
  /** How the taxpayer presses a button or a link: a tap, or the keyboard alone. */
  readonly press: (selector: string) => Promise<void>;
  /** Called on each page once it is ready; the walk goes on when it returns. */
  readonly at: (step: Detour) => Promise<void>;
}

/** The form is built and pre-filled from the earlier case (its agreement in the field). */
async function retryReady(page: Page, portal: string, caseId: string): Promise<void> {
  await page.waitForURL(`${portal}/pay?retry=${caseId}`);
  await page.locator('#retry-banner:not([hidden])').waitFor();
  await page.locator('#review-payment:not([disabled])').waitFor();
}

/**
 * Changes the pre-filled agreement (and the account, when given) and sends the form; the new
 * case's id once its page shows.
 */
async function resubmit(walk: DetourWalk, account?: string): Promise<string> {
  const { page, press } = walk;
  await page.fill(field('/payload/agreementNo'), PAYS);
  if (account) await page.fill(field('/payload/bank/accountNo'), account);
  await confirmPayment(page, press);
  const id = await followToCase(page);
  await closedOnPage(page);
  await page.locator('#related a').waitFor();
  return id;
}

/** Logs in, then walks both detours; the ids of the four cases made on the way. */
export async function walkDetours(walk: DetourWalk): Promise<string[]> {
  const { page, portal, press, at } = walk;
  await page.context().clearCookies();
  await logIn(page, portal);

  await page.goto(`${portal}/pay`);
  await fillPayment(page, INSUFFICIENT, [LINES[0]!]);
  await confirmPayment(page, press);
  const failed = await followToCase(page);
  await page.locator('#outcome-failed').waitFor({ timeout: 30_000 });
  await at('failed');
  await press('#retry-payment');
  await retryReady(page, portal, failed);
  await at('retry');
  const retried = await resubmit(walk, OTHER_ACCOUNT);
  await at('retried');

  await page.goto(`${portal}/pay`);
  await fillPayment(page, NEEDS_CORRECTION, [LINES[0]!]);
  await confirmPayment(page, press);
  const correction = await followToCase(page);
  await page.locator('#outcome-correction').waitFor({ timeout: 30_000 });
  await at('correction');
  await press('#retry-payment');
  await retryReady(page, portal, correction);
  await at('correction-retry');
  const corrected = await resubmit(walk);
  await at('corrected');
  return [failed, retried, correction, corrected];
}
