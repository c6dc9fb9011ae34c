// Edits a text field's value to `next` the way an operator edits a long document: selects only the
// span that changes and types its replacement, so the page gets a real, trusted `input` event from
// Chromium's editing pipeline. page.fill would re-insert the whole text instead, and Chromium takes
// about 2.5 s to insert the 36 KB of an item document (SW-005's) — each time, in every run.
import type { Page } from 'playwright-core';
import { commonEnds } from '../../../gateway/console/line-diff.ts';

/** The span of `current` to replace, and its replacement, to turn `current` into `next`. */
function changedSpan(current: string, next: string): { from: number; to: number; insert: string } {
  const { head: from, tail } = commonEnds(current, next);
  return { from, to: current.length - tail, insert: next.slice(from, next.length - tail) };
}

/** A textarea or input, as much of it as runs in the page here (the project has no DOM types). */
interface TextField {
  focus(): void;
  setSelectionRange(start: number, end: number): void;
}

export async function editText(page: Page, selector: string, next: string): Promise<void> {
  const field = page.locator(selector);
  const { from, to, insert } = changedSpan(await field.inputValue(), next);
  if (from === to && insert === '') return;
  await field.evaluate(
    (el: TextField, [start, end]: [number, number]) => {
      el.focus();
      el.setSelectionRange(start, end);
    },
    [from, to] as [number, number],
  );
  if (insert === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(insert);
  const edited = await field.inputValue();
  if (edited !== next)
    throw new Error(
      `${selector}: the edit left ${edited.length} characters, not the ${next.length} wanted`,
    );
}
