// The keyboard alone (README.md#browser-tests): the stops of a page's Tab order, and a press made
// by tabbing to a control and pressing Enter, as a taxpayer without a mouse or a touch screen does.
import type { Page } from 'playwright-core';
import { focusStop, type FocusStop } from './page-measures.ts';

/** Every stop of the page's Tab order from where the focus is, once each (a date's parts: one). */
export async function tabStops(page: Page): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  const seen = new Set<string>();
  let outside = 0;
  for (let press = 0; press < 100; press++) {
    await page.keyboard.press('Tab');
    const stop = await focusStop(page);
    // Past the last control the focus leaves the page once, then starts again at the top.
    if (!stop) {
      if (++outside > 2) break;
      continue;
    }
    if (stops.at(-1)?.element === stop.element) continue;
    if (seen.has(stop.element)) break;
    seen.add(stop.element);
    stops.push(stop);
  }
  return stops;
}

/**
 * Tabs from where the focus is to the first element matching `selector` and presses Enter on it
 * (or `key`: Space chooses a radio); throws when a whole round of the Tab order never reaches it
 * (a control the keyboard cannot use).
 */
export async function pressByKeyboard(page: Page, selector: string, key = 'Enter'): Promise<void> {
  await page.locator(selector).first().waitFor();
  const focused = `document.activeElement === document.querySelector(${JSON.stringify(selector)})`;
  for (let press = 0; press < 150; press++) {
    if (await page.evaluate<boolean>(focused)) {
      await page.keyboard.press(key);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector}: not reached by Tab`);
}
