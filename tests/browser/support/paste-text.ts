// Replaces a text field's whole value the way an operator does: select all, paste from the
// clipboard (Ctrl+A, Ctrl+V), so the page gets Chromium's own paste and its trusted `input` event.
// Pasting a 36 KB item document costs Chromium some 50 ms; page.fill would instead insert the text
// through Input.insertText, which Chromium's editing runs line by line with a layout each (about
// 2.5 s for SW-005's 1 158 lines, with or without the console's script: gateway/console/README.md,
// catalogue drafts).
import type { Page } from 'playwright-core';

/** As much of the page's clipboard as runs here (the project has no DOM types). */
interface PageGlobals {
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
}

export async function pasteText(page: Page, selector: string, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(page.url()).origin,
  });
  await page.evaluate(
    (t) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(t),
    text,
  );
  await page.focus(selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  const pasted = await page.inputValue(selector);
  if (pasted !== text)
    throw new Error(`${selector}: the paste left ${pasted.length} characters, not ${text.length}`);
}
