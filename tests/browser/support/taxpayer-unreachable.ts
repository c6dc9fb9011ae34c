// The pages a taxpayer sees when the portal cannot reach the gateway (README.md#the-taxpayer-portal,
// PORTAL_GATEWAY_UNREACHABLE), beside the detours of taxpayer-detours.ts. The portal walked calls
// the gateway through a gate (tests/support/gateway-gate.ts) that the walk shuts and opens: a
// rating and a payment sent while it is shut, the payment form, a case and its receipt opened
// while it is shut — and the case page catching up by itself once it opens again.
import type { Page } from 'playwright-core';
import type { GatewayGate } from '../../support/gateway-gate.ts';
import {
  closedOnPage,
  confirmPayment,
  fillPayment,
  followToCase,
  LINES,
  PAYS,
} from './taxpayer-path.ts';

export const UNREACHABLE = [
  'unreachable-rating',
  'unreachable-payment',
  'unreachable-form',
  'unreachable-case',
  'unreachable-receipt',
] as const;
export type Unreachable = (typeof UNREACHABLE)[number];

export interface UnreachableWalk {
  readonly page: Page;
  /** A portal whose calls to the gateway pass `gate`, logged in already. */
  readonly portal: string;
  readonly gate: Pick<GatewayGate, 'shut'>;
  /** How the taxpayer presses a button or a link: a tap, or the keyboard alone. */
  readonly press: (selector: string) => Promise<void>;
  /** How the taxpayer chooses a radio (by its id): a tap on its label, or Space on it. */
  readonly choose: (id: string) => Promise<void>;
  /** Called on each page once it says what happened; the walk goes on when it returns. */
  readonly at: (step: Unreachable) => Promise<void>;
}

/** Walks the pages; the id of the paid case it made on the way (the gate is open at the end). */
export async function walkUnreachable(walk: UnreachableWalk): Promise<string> {
  const { page, portal, gate, press, choose, at } = walk;
  gate.shut(false);
  await page.goto(`${portal}/pay`);
  await fillPayment(page, PAYS, [LINES[0]!]);
  await confirmPayment(page, press);
  const caseId = await followToCase(page);
  await closedOnPage(page);
  await page.locator('#rating:not([hidden])').waitFor();

  // Rated while the gateway cannot be reached: the page says so, and that a resend counts once.
  gate.shut(true);
  await choose('level-5');
  await press('#rating-form button[type=submit]');
  await page.locator('#rating-message:not([hidden])').waitFor();
  await at('unreachable-rating');

  // A payment filled while it could be reached, sent once it cannot.
  gate.shut(false);
  await page.goto(`${portal}/pay`);
  await fillPayment(page, PAYS, [LINES[0]!]);
  gate.shut(true);
  await confirmPayment(page, press);
  await page.locator('#form-problems:not([hidden])').waitFor();
  await at('unreachable-payment');

  // The form itself cannot be built: its schema is the gateway's.
  await page.goto(`${portal}/pay`);
  await page.locator('#form-problems:not([hidden])').waitFor();
  await at('unreachable-form');

  // The case and its receipt cannot be read.
  await page.goto(`${portal}/cases/${caseId}`);
  await page.locator('#case-problem:not([hidden])').waitFor();
  await at('unreachable-case');
  await page.goto(`${portal}/cases/${caseId}/receipt`);
  await page.locator('#receipt-problem').waitFor();
  await at('unreachable-receipt');

  // Back on the case page, which shows the case by itself once the gateway answers again.
  await page.goto(`${portal}/cases/${caseId}`);
  await page.locator('#case-problem:not([hidden])').waitFor();
  gate.shut(false);
  await closedOnPage(page);
  return caseId;
}
