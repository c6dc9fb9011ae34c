// An author's steps on a console draft page (gateway/console/README.md#catalogue-drafts), as the
// tests that need a draft in review take them: save with a note, validate, submit.
import type { Page } from 'playwright-core';

/** Saves the draft open in the editor with `note`, validates it (ok) and submits it for review. */
export async function authorSubmitsDraft(page: Page, note: string): Promise<void> {
  await page.fill('#draft-note', note);
  await page.click('#draft-save');
  await page.locator('#saved').waitFor();
  await page.click('#draft-validate');
  await page.locator('#draft-validation #check-result[data-ok="true"]').waitFor();
  await page.click('#draft-submit');
  await page.locator('[data-draft-status="in-review"]').first().waitFor();
}
